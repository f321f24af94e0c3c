import { noteAllocation, type RecyclingScope, takePooled } from './buffer-pool.js';
import { TapegradError } from './errors.js';

/** Element types: `float32` (default), `float64`, and `int32` for indices and labels. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed array behind a tensor of each dtype. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** A float typed array. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Allocates a zero-filled typed array of `dtype`. With `owner`, the array is reclaimed at the end
 * of the current recycling scope only if that is the scope `owner` names (see `buffer-pool.ts`).
 */
export function allocate(dtype: DType, size: number, owner?: RecyclingScope | null): TypedArray {
  const buf = takePooled(dtype, size) ?? fresh(dtype, size);
  if (owner === undefined) noteAllocation(buf);
  else noteAllocation(buf, owner);
  return buf;
}

function fresh(dtype: DType, size: number): TypedArray {
  try {
    return freshUnchecked(dtype, size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // Only sizes no op should produce get here: ops check the shapes they are given.
    throw new TapegradError(
      'allocate',
      `cannot allocate a ${dtype} tensor of ${size} elements (${((size * (dtype === 'float64' ? 8 : 4)) / 2 ** 30).toPrecision(3)} GiB): ${e.message}.`,
    );
  }
}

function freshUnchecked(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      throw new TapegradError(
        'dtype',
        `unknown dtype '${String(dtype)}'; use 'float32', 'float64' or 'int32'.`,
      );
  }
}

/** The dtype of a typed array, or an error for unsupported ones. */
export function dtypeOf(data: ArrayLike<number>): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  throw new TapegradError(
    'tensor',
    `unsupported typed array ${data.constructor?.name}; use Float32Array, Float64Array or Int32Array.`,
  );
}

/** True for float32 and float64. */
export const isFloat = (dtype: DType): boolean => dtype !== 'int32';

/** PyTorch-style promotion among operands: float64 wins, then float32, then int32. */
export function promote(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}
