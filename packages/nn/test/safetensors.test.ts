/**
 * safetensors: round trips, a file written here read by Python's safetensors (numpy) bit for bit
 * (and re-saved by it to the same bytes), a file written by Python read here bit for bit, and
 * one test per header rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromTypedArray, TapegradError, type Tensor, tensor, tensorToBytes } from '@tapegrad/core';
import { BatchNorm1d, fromSafetensors, Linear, ReLU, Sequential, toSafetensors } from '@tapegrad/nn';
import { loadSafetensors, saveSafetensors } from '@tapegrad/nn/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures/safetensors/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-safetensors-'));
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A safetensors file from a header object and a data section (the header padded as the format allows). */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), raw?: string): Uint8Array {
  const json = new TextEncoder().encode(raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({
  dtype,
  shape,
  data_offsets: [begin, end],
});
const reject = (bytes: Uint8Array, message: RegExp) => {
  expect(() => fromSafetensors(bytes)).toThrow(TapegradError);
  expect(() => fromSafetensors(bytes)).toThrow(message);
};

describe('toSafetensors / fromSafetensors', () => {
  it('round-trips names, shapes, dtypes, values and metadata', () => {
    const tensorArb = fc.oneof(
      fc.float32Array({ maxLength: 6 }).map((a) => fromTypedArray(a, [a.length])),
      fc.float64Array({ maxLength: 6 }).map((a) => fromTypedArray(a, [a.length])),
      fc
        .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 6 })
        .map((a) => fromTypedArray(Int32Array.from(a), [a.length])),
      fc.double({ noNaN: false }).map((v) => tensor(v, { dtype: 'float64' })),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          // reserved names are refused (see the catalogue of bad inputs)
          fc
            .string({ minLength: 1 })
            .filter((k) => !['__metadata__', '__proto__', 'constructor', 'prototype'].includes(k)),
          tensorArb,
          { maxKeys: 5 },
        ),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        (sd, metadata) => {
          const back = fromSafetensors(toSafetensors(sd, { metadata }));
          expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(sd).sort());
          expect(back.metadata).toEqual(metadata);
          for (const [k, t] of Object.entries(sd)) {
            expect(back.tensors[k]!.dtype).toBe(t.dtype);
            expect(back.tensors[k]!.shape).toEqual(t.shape);
            expect(hex(tensorToBytes(back.tensors[k]!))).toBe(hex(tensorToBytes(t)));
          }
        },
      ),
    );
  });

  it('saves and loads files (atomically: no temporary file is left behind)', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
    const path = join(dir, 'model.safetensors');
    saveSafetensors(path, model.stateDict(), { metadata: { format: 'pt' } });
    const { tensors, metadata } = loadSafetensors(path);
    expect(metadata).toEqual({ format: 'pt' });
    const other = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
    other.loadStateDict(tensors);
    const x = tensor([[1, 2, 3]]);
    model.eval();
    other.eval();
    expect(other.call(x).toArray()).toEqual(model.call(x).toArray());
    expect(execFileSync('ls', ['-a', dir], { encoding: 'utf8' })).not.toMatch(/\.tmp/);
    expect(() => loadSafetensors(join(dir, 'missing.safetensors'))).toThrow(/loadSafetensors: no file at/);
    writeFileSync(join(dir, 'bad.safetensors'), file({ w: entry('F32', [2], 0, 8) }, new Uint8Array(4)));
    expect(() => loadSafetensors(join(dir, 'bad.safetensors'))).toThrow(
      /loadSafetensors: '.*bad.safetensors': fromSafetensors: tensor 'w'/,
    );
  });

  it('refuses to write what the format cannot hold', () => {
    expect(() => toSafetensors({ __metadata__: tensor([1]) })).toThrow(/'__metadata__' is reserved/);
    expect(() => toSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(
      /'w' is not a float32, float64 or int32 Tensor/,
    );
    expect(() => toSafetensors({}, { metadata: { a: 1 as unknown as string } })).toThrow(
      /metadata must map strings to strings/,
    );
  });
});

describe("interop with Python's safetensors (numpy)", () => {
  const python = (path: string) =>
    JSON.parse(
      execFileSync('python3', [join(fixtures, 'read_with_numpy.py'), path], { encoding: 'utf8' }),
    ) as {
      tensors: Record<string, { dtype: string; shape: number[]; hex: string }>;
      metadata: Record<string, string>;
      resaved_hex: string;
    };

  it('a file written here loads in Python with the same names, shapes, dtypes and bits, and re-saves to the same bytes', () => {
    const model = new Sequential(
      new Linear(3, 2),
      new BatchNorm1d(2),
      new Linear(2, 1, { dtype: 'float64' }),
    );
    const sd: Record<string, Tensor> = {
      ...model.stateDict(),
      special: tensor([-0, 1e-45, Infinity, -Infinity, Number.NaN, 3.4028234663852886e38]),
      scalar: tensor(2.5, { dtype: 'float64' }),
      labels: tensor([-(2 ** 31), 2 ** 31 - 1, 7], { dtype: 'int32' }),
      empty: fromTypedArray(new Float32Array(0), [0, 3]),
    };
    const path = join(dir, 'ours.safetensors');
    // One metadata key: Python keeps the metadata in a hash map, so with several keys its order varies.
    saveSafetensors(path, sd, { metadata: { format: 'pt, écrit par tapegrad' } });
    const got = python(path);
    expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(sd).sort());
    const numpyDtype = { float32: 'float32', float64: 'float64', int32: 'int32' } as const;
    for (const [k, t] of Object.entries(sd)) {
      expect(got.tensors[k], k).toEqual({
        dtype: numpyDtype[t.dtype],
        shape: [...t.shape],
        hex: hex(tensorToBytes(t)),
      });
    }
    expect(Object.keys(sd)).toEqual(
      expect.arrayContaining(['1.running_mean', '1.running_var', '1.num_batches_tracked']),
    );
    expect(got.metadata).toEqual({ format: 'pt, écrit par tapegrad' });
    expect(got.resaved_hex).toBe(hex(readFileSync(path)));
  });

  it('a file written by Python (committed fixture) loads here bit for bit', () => {
    const want = JSON.parse(readFileSync(join(fixtures, 'python-written.json'), 'utf8')) as {
      metadata: Record<string, string>;
      tensors: { name: string; file_dtype: string; shape: number[]; dtype: string; hex: string }[];
    };
    const { tensors, metadata } = loadSafetensors(join(fixtures, 'python-written.safetensors'));
    expect(metadata).toEqual(want.metadata);
    expect(Object.keys(tensors).sort()).toEqual(want.tensors.map((t) => t.name).sort());
    expect(new Set(want.tensors.map((t) => t.file_dtype))).toEqual(
      new Set(['F32', 'F64', 'I32', 'I64', 'F16', 'BF16']),
    );
    for (const w of want.tensors) {
      const t = tensors[w.name]!;
      expect({ dtype: t.dtype, shape: t.shape, hex: hex(tensorToBytes(t)) }, w.name).toEqual({
        dtype: w.dtype,
        shape: w.shape,
        hex: w.hex,
      });
    }
  });
});

describe('fromSafetensors validates every header rule before allocating', () => {
  const f32 = new Uint8Array(8);
  it('the file must hold the 8-byte header length', () => reject(new Uint8Array(5), /5 bytes is too short/));
  it('the header size is bounded (100 MB)', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, 100_000_001, true);
    reject(bytes, /claims 100000001 bytes, more than the limit/);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    reject(bytes, /more than the limit/);
  });
  it('the header must fit in the file', () => {
    const bytes = file({});
    new DataView(bytes.buffer).setUint32(0, 50, true);
    reject(bytes, /claims 50 bytes but the file has only 2 after the length field; the file is truncated/);
  });
  it('the header must be UTF-8', () =>
    reject(
      file(null, undefined, '{"\xff":1}').map((b, i) => (i === 10 ? 0xff : b)),
      /not valid UTF-8/,
    ));
  it("the header must start with '{'", () =>
    reject(file(null, undefined, ' {}'), /must be a JSON object starting with '\{'/));
  it('the header must be valid JSON', () => reject(file(null, undefined, '{"w": '), /not valid JSON/));
  it('a tensor entry must be an object', () => reject(file({ w: 3 }), /tensor 'w' must be an object/));
  it('the dtype must be one the format defines', () =>
    reject(file({ w: entry('F33', [2], 0, 8) }, f32), /unknown dtype "F33"/));
  it('a shape is a list of non-negative integers', () => {
    reject(
      file({ w: entry('F32', [-2], 0, 8) }, f32),
      /shape \[-2\]; a shape is a list of non-negative integers/,
    );
    reject(file({ w: entry('F32', [1.5], 0, 8) }, f32), /shape \[1.5\]/);
    reject(file({ w: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }, f32), /shape "2"/);
  });
  it('data_offsets are [begin, end] with 0 ≤ begin ≤ end', () => {
    reject(file({ w: entry('F32', [2], 8, 0) }, f32), /data_offsets \[8,0\]; expected \[begin, end\]/);
    reject(file({ w: { dtype: 'F32', shape: [2], data_offsets: [0] } }, f32), /data_offsets \[0\]/);
    reject(file({ w: entry('F32', [2], -8, 0) }, f32), /data_offsets \[-8,0\]/);
  });
  it('the byte length equals product(shape) · itemsize', () =>
    reject(
      file({ w: entry('F32', [3], 0, 8) }, f32),
      /dtype F32 and shape \[3\] needs 12 bytes, but its data_offsets \[0, 8\] span 8/,
    ));
  it('offsets stay inside the data section (checked before any allocation)', () => {
    const huge = 2 ** 30;
    reject(
      file({ w: entry('F32', [huge], 0, 4 * huge) }, f32),
      /past the end of the data section \(8 bytes\)/,
    );
  });
  it('tensors may not overlap', () =>
    reject(
      file({ a: entry('F32', [2], 0, 8), b: entry('F32', [1], 4, 8) }, f32),
      /tensor 'b' \(bytes 4–8\) overlaps tensor 'a'/,
    ));
  it('the data section has no gaps', () =>
    reject(file({ a: entry('F32', [1], 4, 8) }, f32), /bytes 0–4 of the data section belong to no tensor/));
  it('the tensors cover the data section to its end', () =>
    reject(file({ a: entry('F32', [1], 0, 4) }, f32), /has 8 bytes but the tensors cover only 4/));
  it('__metadata__ maps strings to strings', () => {
    reject(file({ __metadata__: ['x'] }), /__metadata__ must be an object/);
    reject(
      file({ __metadata__: { epochs: 3 } }),
      /__metadata__ must map strings to strings, but 'epochs' is 3/,
    );
  });
  it('a valid dtype tapegrad cannot hold is refused by name; int64 beyond int32 too', () => {
    reject(
      file({ m: entry('U8', [8], 0, 8) }, f32),
      /tensor 'm' has dtype U8, which tapegrad cannot hold; it reads F64, F32, I32, F16, BF16, I64/,
    );
    const big = new Uint8Array(new BigInt64Array([2n ** 40n]).buffer);
    reject(file({ n: entry('I64', [], 0, 8) }, big), /int64 element 0 does not fit in int32/);
  });
  it('accepts what the format allows: padding spaces, empty and 0-d tensors, any entry order', () => {
    const data = new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64]);
    const raw = `${JSON.stringify({ b: entry('F32', [], 4, 8), e: entry('F32', [0, 2], 4, 4), a: entry('F32', [1], 0, 4) })}    `;
    const { tensors } = fromSafetensors(file(null, data, raw));
    expect(tensors.a!.toArray()).toEqual([1]);
    expect(tensors.b!.toArray()).toBe(2);
    expect(tensors.e!.shape).toEqual([0, 2]);
  });
});
