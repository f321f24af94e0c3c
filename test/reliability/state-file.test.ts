/**
 * Nothing lost on disk: state files round-trip every value bit for bit, carry a version and a
 * checksum that catches every single-bit flip and every truncation, and a failed save leaves the
 * previous file as it was.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as nodeCrc32 } from 'node:zlib';
import {
  crc32,
  fromTypedArray,
  manualSeed,
  noGrad,
  TapegradError,
  type Tensor,
  tensor,
  tensorToBytes,
} from '@tapegrad/core';
import {
  Adam,
  BatchNorm1d,
  decodeStateFile,
  encodeStateFile,
  Linear,
  mseLoss,
  ReLU,
  Sequential,
  tensorFromJSON,
  tensorToJSON,
} from '@tapegrad/nn';
import { loadStateFile, saveStateFile } from '@tapegrad/nn/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hex = (t: Tensor) => Buffer.from(tensorToBytes(t)).toString('hex');

/** Float32 and float64 bit patterns JSON cannot write as numbers, or that are easy to lose. */
const F32_BITS = [
  0x80000000, // −0
  0x7fc00000, // the quiet NaN JavaScript makes
  0xffc00000, // a negative NaN (x86's default NaN)
  0x7fa00001, // a signalling NaN with a payload
  0x7f800000, // +Infinity
  0xff800000, // −Infinity
  0x00000001, // the smallest subnormal
  0x807fffff, // the largest negative subnormal
  0x7f7fffff, // the largest finite float32
  0x3dcccccd, // 0.1f
];
const F64_BITS = [
  0x8000000000000000n,
  0x7ff8000000000000n,
  0xfff8000000000000n,
  0x7ff4000000000001n,
  0x7ff0000000000000n,
  0xfff0000000000000n,
  0x0000000000000001n,
  0x800fffffffffffffn,
  0x7fefffffffffffffn,
];

function specials32(): Tensor {
  return fromTypedArray(new Float32Array(new Uint32Array(F32_BITS).buffer), [2, 5]);
}
function specials64(): Tensor {
  return fromTypedArray(new Float64Array(new BigUint64Array(F64_BITS).buffer), [9]);
}

describe('tensors as JSON', () => {
  it('round-trip −0, NaN payloads, ±Infinity and subnormals bit for bit, through JSON text', () => {
    for (const t of [specials32(), specials64(), tensor([-(2 ** 31), 0, 2 ** 31 - 1], { dtype: 'int32' })]) {
      const back = tensorFromJSON(JSON.parse(JSON.stringify(tensorToJSON(t))));
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(hex(back)).toBe(hex(t));
    }
  });

  it('round-trip any float32 and float64 bit pattern (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 20 }), (bits) => {
        const t = fromTypedArray(new Float32Array(new Uint32Array(bits).buffer), [bits.length]);
        expect(hex(tensorFromJSON(JSON.parse(JSON.stringify(tensorToJSON(t)))))).toBe(hex(t));
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 20 }), (bits) => {
        const t = fromTypedArray(new Float64Array(new BigUint64Array(bits).buffer), [bits.length]);
        expect(hex(tensorFromJSON(JSON.parse(JSON.stringify(tensorToJSON(t)))))).toBe(hex(t));
      }),
    );
  });

  it('refuses a NaN bit pattern that is not a NaN', () => {
    expect(() => tensorFromJSON({ shape: [1], dtype: 'float32', data: ['NaN:0x3f800000'] })).toThrow(
      /'NaN:0x3f800000' is not the bit pattern of a float32 NaN/,
    );
  });
});

/** A small model with special values in its weights and an int32 buffer. */
function specialModel(): Sequential {
  manualSeed(3);
  const m = new Sequential(new Linear(5, 2), new ReLU(), new BatchNorm1d(2, { dtype: 'float32' }));
  noGrad(() => (m.at(0) as Linear).weight.copy_(specials32()));
  return m;
}

describe('state files', () => {
  it('round-trip a model and an optimizer bit for bit; training resumes exactly where it stopped', () => {
    const steps = (model: Sequential, opt: Adam, n: number) => {
      for (let i = 0; i < n; i++) {
        opt.zeroGrad();
        mseLoss(model.call(xs), ys).backward();
        opt.step();
      }
    };
    manualSeed(1);
    const xs = tensor([
      [1, 2, 3, 4, 5],
      [0, -1, 2, 1, 0],
    ]);
    const ys = tensor([
      [1, 0],
      [0, 1],
    ]);
    const make = () => {
      manualSeed(2);
      const model = new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 2));
      return { model, opt: new Adam(model.parameters(), { lr: 0.01, amsgrad: true }) };
    };
    const straight = make();
    steps(straight.model, straight.opt, 6);

    const first = make();
    steps(first.model, first.opt, 3);
    const path = join(dir, 'resume.json');
    saveStateFile(path, {
      model: first.model.stateDict(),
      optimizer: first.opt.stateDict(),
      metadata: { step: 3 },
    });
    const file = loadStateFile(path);
    expect(file.metadata).toEqual({ step: 3 });
    const resumed = make();
    resumed.model.loadStateDict(file.model);
    resumed.opt.loadStateDict(file.optimizer!);
    steps(resumed.model, resumed.opt, 3);
    for (const [name, p] of straight.model.namedParameters()) {
      expect(hex(resumed.model.stateDict()[name]!), name).toBe(hex(p));
    }
  });

  it('keeps special weight values and int32 buffers exact through a file', () => {
    const m = specialModel();
    const path = join(dir, 'special.json');
    saveStateFile(path, { model: m.stateDict() });
    const back = loadStateFile(path).model;
    for (const [k, t] of Object.entries(m.stateDict())) expect(hex(back[k]!), k).toBe(hex(t));
    expect(back['2.num_batches_tracked']!.dtype).toBe('int32');
  });

  it('carries a format name, a version and a CRC-32 of its bytes (checked against zlib)', () => {
    const bytes = encodeStateFile({ model: new Linear(2, 2).stateDict() });
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('{"format":"tapegrad-state","version":1,')).toBe(true);
    const [, stored] = /"checksum":"crc32:([0-9a-f]{8})"\}$/.exec(text)!;
    const covered = Buffer.concat([
      Buffer.from(text.slice(0, text.lastIndexOf(',"checksum"'))),
      Buffer.from('}'),
    ]);
    expect(stored).toBe(nodeCrc32(covered).toString(16).padStart(8, '0'));
    expect(crc32(new Uint8Array(covered))).toBe(nodeCrc32(covered));
  });

  it('refuses every single-bit flip and every truncation of a file, with a TapegradError', () => {
    const bytes = encodeStateFile({ model: specialModel().stateDict(), metadata: { note: 'bits' } });
    let flips = 0;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = bytes.slice();
        bad[i] = bad[i]! ^ (1 << bit);
        expect(() => decodeStateFile(bad), `byte ${i} bit ${bit}`).toThrow(TapegradError);
        flips++;
      }
    }
    for (let n = 0; n < bytes.length; n++)
      expect(() => decodeStateFile(bytes.subarray(0, n))).toThrow(TapegradError);
    expect(flips).toBe(8 * bytes.length);
    expect(decodeStateFile(bytes).metadata).toEqual({ note: 'bits' });
  });

  it('a failed save leaves the previous file as it was, and no temporary file', () => {
    const path = join(dir, 'keep.json');
    saveStateFile(path, { model: new Linear(2, 2).stateDict() });
    const before = readFileSync(path);
    expect(() => saveStateFile(path, { metadata: { big: 1n } as never })).toThrow(
      /encodeStateFile: the contents cannot be written as JSON/,
    );
    expect(() => saveStateFile(join(dir, 'missing', 'x.json'), {})).toThrow(/does not exist/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('loading an edited or truncated file names the problem and leaves the good copy usable', () => {
    const good = join(dir, 'good.json');
    saveStateFile(good, { model: new Linear(3, 2).stateDict() });
    const bytes = readFileSync(good);
    const edited = join(dir, 'edited.json');
    writeFileSync(
      edited,
      Buffer.from(bytes.toString('utf8').replace('"dtype":"float32"', '"dtype":"float64"')),
    );
    expect(() => loadStateFile(edited)).toThrow(/loadStateFile: '.*edited\.json': checksum mismatch/);
    writeFileSync(edited, bytes.subarray(0, bytes.length >> 1));
    expect(() => loadStateFile(edited)).toThrow(/truncated/);
    expect(existsSync(good) && Object.keys(loadStateFile(good).model)).toEqual(['weight', 'bias']);
  });
});
