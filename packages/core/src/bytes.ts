/**
 * Tensors to and from little-endian bytes: the element layout of safetensors files and of ONNX
 * raw tensor data. Browser-safe (no Node Buffer).
 */

import { requireTensor } from './args.js';
import { allocate, type DType } from './dtype.js';
import { describeValue, fmtShape, TapegradError } from './errors.js';
import {
  bfloat16ToFloat32,
  float16ToFloat32,
  HOST_LITTLE_ENDIAN,
  int64ToInt32,
  swapBytes,
} from './kernels/bytes.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Element types that can be read from bytes: tapegrad's own dtypes, plus `float16` and `bfloat16`
 * (widened exactly to float32) and `int64` (narrowed to int32, refusing values out of range).
 */
export type ByteDType = DType | 'float16' | 'bfloat16' | 'int64';

/** Bytes per element of each readable type. */
export const BYTES_PER_ELEMENT: Readonly<Record<ByteDType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
};

/** The elements of `t`, row-major, as a new little-endian byte array. */
export function tensorToBytes(t: Tensor): Uint8Array {
  requireTensor('tensorToBytes', 'the argument', t);
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = view.slice();
  if (!HOST_LITTLE_ENDIAN) swapBytes(out, t.data.BYTES_PER_ELEMENT);
  return out;
}

/**
 * A tensor of `shape` from little-endian `bytes` holding elements of `dtype`; the bytes are
 * copied, so they may sit at any offset of any buffer. float16 and bfloat16 become float32, int64
 * becomes int32.
 *
 * @throws TapegradError if the byte length does not match the shape, or an int64 value does not
 *   fit in int32.
 */
export function tensorFromBytes(bytes: Uint8Array, dtype: ByteDType, shape: readonly number[]): Tensor {
  const op = 'tensorFromBytes';
  if (!(bytes instanceof Uint8Array)) {
    throw new TapegradError(op, `expected the bytes as a Uint8Array, got ${describeValue(bytes)}.`);
  }
  const width = BYTES_PER_ELEMENT[dtype];
  if (width === undefined) {
    throw new TapegradError(
      op,
      `unknown dtype '${String(dtype)}'; use one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}.`,
    );
  }
  checkShape(op, shape);
  const n = sizeOf(shape);
  if (bytes.length !== n * width) {
    throw new TapegradError(
      op,
      `shape ${fmtShape(shape)} of ${dtype} needs ${n * width} bytes, got ${bytes.length}.`,
    );
  }
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!HOST_LITTLE_ENDIAN) swapBytes(copy, width);
  switch (dtype) {
    case 'float32':
    case 'float64':
    case 'int32': {
      const data = allocate(dtype, n);
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(copy);
      return new Tensor(data, [...shape], dtype);
    }
    case 'float16':
    case 'bfloat16': {
      const data = allocate('float32', n) as Float32Array;
      (dtype === 'float16' ? float16ToFloat32 : bfloat16ToFloat32)(new Uint16Array(copy.buffer), data);
      return new Tensor(data, [...shape], 'float32');
    }
    case 'int64': {
      const data = allocate('int32', n) as Int32Array;
      const bad = int64ToInt32(new Int32Array(copy.buffer), data);
      if (bad >= 0) {
        throw new TapegradError(
          op,
          `int64 element ${bad} does not fit in int32 (tapegrad's integer dtype); values must lie in [−2^31, 2^31).`,
        );
      }
      return new Tensor(data, [...shape], 'int32');
    }
  }
}
