/** Tensors to and from little-endian bytes: known bit patterns, round trips and refusals. */
import { TapegradError, tensor, tensorFromBytes, tensorToBytes } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));
/** Little-endian bytes of 16-bit patterns. */
const u16le = (...bits: number[]) => Uint8Array.from(bits.flatMap((b) => [b & 0xff, b >> 8]));

describe('tensorToBytes / tensorFromBytes', () => {
  it('writes IEEE little-endian bytes (1.0f = 0000803f, −2.0 = 00000000000000c0, 258 = 02010000)', () => {
    expect(hex(tensorToBytes(tensor([1, -0.5], { dtype: 'float32' })))).toBe('0000803f000000bf');
    expect(hex(tensorToBytes(tensor([-2], { dtype: 'float64' })))).toBe('00000000000000c0');
    expect(hex(tensorToBytes(tensor([258, -1], { dtype: 'int32' })))).toBe('02010000ffffffff');
    expect(tensorFromBytes(fromHex('0000803f000000bf'), 'float32', [2]).toArray()).toEqual([1, -0.5]);
  });

  it('round-trips every float32, float64 and int32 bit pattern, at any byte offset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('float32' as const, 'float64' as const, 'int32' as const),
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.integer({ min: 0, max: 7 }),
        (dtype, raw, offset) => {
          const width = dtype === 'float64' ? 8 : 4;
          const n = Math.floor(raw.length / width);
          const padded = new Uint8Array(offset + n * width);
          padded.set(raw.subarray(0, n * width), offset);
          const t = tensorFromBytes(padded.subarray(offset), dtype, [n]);
          expect(t.dtype).toBe(dtype);
          expect(hex(tensorToBytes(t))).toBe(hex(raw.subarray(0, n * width)));
        },
      ),
    );
  });

  it('widens float16 exactly (normals, subnormals, ±0, ±Infinity, NaN)', () => {
    const t = tensorFromBytes(
      u16le(0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x3555, 0x7e00),
      'float16',
      [10],
    );
    expect(t.dtype).toBe('float32');
    const got = Array.from(t.data);
    expect(got.slice(0, 9)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      2 ** -14,
      -0,
      Infinity,
      -Infinity,
      0.333251953125,
    ]);
    expect(Object.is(got[5], -0)).toBe(true);
    expect(got[9]).toBeNaN();
  });

  it('widens bfloat16 exactly: the pattern is the high half of the float32', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }), (bits) => {
        const t = tensorFromBytes(u16le(...bits), 'bfloat16', [bits.length]);
        const want = new Float32Array(new Uint32Array(bits.map((b) => b * 0x10000)).buffer);
        expect(hex(tensorToBytes(t))).toBe(hex(new Uint8Array(want.buffer)));
      }),
    );
    expect(Array.from(tensorFromBytes(u16le(0x3f80, 0xc040), 'bfloat16', [2]).data)).toEqual([1, -3]);
  });

  it('narrows int64 to int32 and refuses values outside the int32 range', () => {
    const le64 = (...v: bigint[]) => new Uint8Array(new BigInt64Array(v).buffer);
    const t = tensorFromBytes(le64(0n, -1n, 2147483647n, -2147483648n), 'int64', [2, 2]);
    expect(t.dtype).toBe('int32');
    expect(t.toArray()).toEqual([
      [0, -1],
      [2147483647, -2147483648],
    ]);
    expect(() => tensorFromBytes(le64(5n, 2147483648n), 'int64', [2])).toThrow(
      /tensorFromBytes: int64 element 1 does not fit in int32/,
    );
    expect(() => tensorFromBytes(le64(-2147483649n), 'int64', [1])).toThrow(TapegradError);
  });

  it('refuses a byte length that does not match the shape, and unknown dtypes', () => {
    expect(() => tensorFromBytes(new Uint8Array(7), 'float32', [2])).toThrow(
      /tensorFromBytes: shape \[2\] of float32 needs 8 bytes, got 7/,
    );
    expect(() => tensorFromBytes(new Uint8Array(4), 'uint8' as 'int32', [4])).toThrow(
      /unknown dtype 'uint8'/,
    );
    expect(() => tensorFromBytes(new Uint8Array(0), 'float32', [-1])).toThrow(/invalid shape/);
  });
});
