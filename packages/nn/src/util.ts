/** Small helpers shared by layers, losses and optimizers (formatting and argument checks). */
import { type DType, TapegradError, type Tensor } from '@tapegrad/core';

// fmtShape lives in core; re-exported so modules outside losses/optim/schedulers keep their import.
export { fmtShape } from '@tapegrad/core';

/** Throws unless `x` is a Tensor, naming the caller and the argument. */
export function requireTensor(op: string, name: string, x: unknown): Tensor {
  if (typeof x !== 'object' || x === null || !('shape' in x) || !('data' in x) || !('dtype' in x)) {
    throw new TapegradError(op, `${name} must be a Tensor, got ${x === null ? 'null' : typeof x}.`);
  }
  return x as Tensor;
}

/** Throws unless `v` is an integer ≥ `min`. */
export function requireInt(op: string, name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) {
    throw new TapegradError(op, `${name} must be an integer ≥ ${min}, got ${v}.`);
  }
  return v;
}

/** Throws unless `v` is a finite number ≥ `min` (and ≤ `max`). */
export function requireNumber(op: string, name: string, v: number, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max) {
    const range = max === Infinity ? `≥ ${min}` : min === -Infinity ? `≤ ${max}` : `in [${min}, ${max}]`;
    throw new TapegradError(op, `${name} must be a number ${range}, got ${v}.`);
  }
  return v;
}

/** Throws unless `dtype` is a float dtype (parameters are float32 or float64). */
export function requireFloatDtype(op: string, dtype: DType): 'float32' | 'float64' {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TapegradError(op, `dtype must be 'float32' or 'float64', got '${dtype}'.`);
  }
  return dtype;
}
