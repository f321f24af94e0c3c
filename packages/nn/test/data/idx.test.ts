import { TapegradError } from '@tapegrad/core';
import { idxImagesToTensor, idxToTensor, readIdx, writeIdx } from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** IDX bytes written out by hand: magic 0x00 0x00 TYPE RANK, big-endian dims, big-endian data. */
const hand = (...bytes: number[]) => new Uint8Array(bytes);

describe('readIdx', () => {
  it('parses a hand-made ubyte file of shape [2, 3]', () => {
    const file = hand(0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 0, 255);
    const idx = readIdx(file);
    expect(idx.type).toBe('uint8');
    expect(idx.shape).toEqual([2, 3]);
    expect(Array.from(idx.data)).toEqual([1, 2, 3, 250, 0, 255]);
  });

  it('parses signed bytes, big-endian shorts and ints', () => {
    expect(Array.from(readIdx(hand(0, 0, 0x09, 1, 0, 0, 0, 2, 0xff, 0x7f)).data)).toEqual([-1, 127]);
    const shorts = readIdx(hand(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe));
    expect(shorts.type).toBe('int16');
    expect(Array.from(shorts.data)).toEqual([0x0102, -2]);
    const ints = readIdx(hand(0, 0, 0x0c, 1, 0, 0, 0, 2, 0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xfd));
    expect(Array.from(ints.data)).toEqual([65536, -3]);
  });

  it('parses big-endian float32 and float64', () => {
    // 1.5f = 0x3FC00000, -2f = 0xC0000000; 0.1 = 0x3FB999999999999A.
    const f = readIdx(hand(0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0));
    expect(f.type).toBe('float32');
    expect(Array.from(f.data)).toEqual([1.5, -2]);
    const d = readIdx(hand(0, 0, 0x0e, 1, 0, 0, 0, 1, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a));
    expect(Array.from(d.data)).toEqual([0.1]);
  });

  it('parses a 3-D file and a file inside a larger buffer', () => {
    const inner = hand(9, 9, 0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 4, 3, 2, 1).subarray(2);
    const idx = readIdx(inner);
    expect(idx.shape).toEqual([1, 2, 2]);
    expect(Array.from(idx.data)).toEqual([4, 3, 2, 1]);
  });

  it('rejects a bad magic number, naming the bytes', () => {
    const bad = hand(0, 1, 0x08, 1, 0, 0, 0, 1, 7);
    expect(() => readIdx(bad)).toThrow(TapegradError);
    expect(() => readIdx(bad)).toThrow(/readIdx: bad magic number 0x00 0x01 0x08 0x01/);
    expect(() => readIdx(hand(0x1f, 0x8b, 8, 0))).toThrow(/gzipped/);
  });

  it('rejects an unknown element type', () => {
    expect(() => readIdx(hand(0, 0, 0x0a, 1, 0, 0, 0, 1, 7))).toThrow(/unknown element type 0x0a/);
  });

  it('rejects truncated headers and truncated data', () => {
    expect(() => readIdx(hand(0, 0))).toThrow(TapegradError);
    expect(() => readIdx(hand(0, 0, 0x08, 2, 0, 0, 0, 2))).toThrow(/truncated header/);
    expect(() => readIdx(hand(0, 0, 0x08, 1, 0, 0, 0, 3, 1, 2))).toThrow(
      /truncated data: shape \[3\] of uint8 needs 11 bytes .* the file has 10/,
    );
    expect(() => readIdx(hand(0, 0, 0x0b, 1, 0, 0, 0, 1, 1))).toThrow(/truncated data/);
    expect(() => readIdx(hand(0, 0, 0x08, 1, 0, 0, 0, 1, 1, 2))).toThrow(/trailing bytes/);
  });

  it('round-trips through writeIdx for every type', () => {
    const cases = [
      ['uint8', fc.integer({ min: 0, max: 255 })],
      ['int8', fc.integer({ min: -128, max: 127 })],
      ['int16', fc.integer({ min: -32768, max: 32767 })],
      ['int32', fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
      ['float32', fc.float({ noNaN: true }).map(Math.fround)],
      ['float64', fc.double({ noNaN: true })],
    ] as const;
    for (const [type, value] of cases) {
      const arrays = fc
        .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
        .chain((shape) => {
          const n = shape.reduce((a, b) => a * b, 1);
          return fc.tuple(fc.constant(shape), fc.array(value, { minLength: n, maxLength: n }));
        });
      fc.assert(
        fc.property(arrays, ([shape, values]) => {
          const back = readIdx(writeIdx({ type, shape, data: idxFor(type, values) }));
          expect(back.type).toBe(type);
          expect(back.shape).toEqual(shape);
          expect(Array.from(back.data)).toEqual(values);
        }),
        { numRuns: 30 },
      );
    }
  });

  it('converts labels to int32 and pixels to [0, 1] float32', () => {
    const labels = idxToTensor(readIdx(hand(0, 0, 0x08, 1, 0, 0, 0, 3, 5, 0, 9)));
    expect(labels.dtype).toBe('int32');
    expect(labels.toArray()).toEqual([5, 0, 9]);
    const images = readIdx(hand(0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255));
    const pixels = idxImagesToTensor(images, [1, 2]);
    expect(pixels.dtype).toBe('float32');
    expect(pixels.toArray()).toEqual([[0, 1]]);
    expect(() => idxImagesToTensor(images, [3])).toThrow(/shape \[3\] holds 3 elements/);
  });
});

function idxFor(type: string, values: number[]) {
  switch (type) {
    case 'uint8':
      return Uint8Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'float32':
      return Float32Array.from(values);
    default:
      return Float64Array.from(values);
  }
}
