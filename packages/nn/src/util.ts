/** Small helpers shared by layers, losses and optimizers (formatting and argument checks). */
import {
  type DType,
  requireTensor as requireCoreTensor,
  requireFinite,
  requireInteger,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';

// fmtShape lives in core; re-exported so modules outside losses/optim/schedulers keep their import.
export { fmtShape } from '@tapegrad/core';

/** Throws unless `x` is a Tensor, naming the caller and the argument (core's check). */
export const requireTensor = requireCoreTensor;

/**
 * A layer's input, checked: a Tensor (a plain array is named, with the fix), and — for a layer
 * with parameters of dtype `paramDtype` — a float input of that same dtype. tapegrad's rule, as
 * PyTorch's: a layer does not convert its input silently, so a float64 input to a float32 layer
 * is an error naming both dtypes and both fixes. (The functional forms follow core's promotion
 * instead: float64 wins.)
 */
export function layerInput(layer: string, x: unknown, paramDtype?: DType, name = 'the input'): Tensor {
  const t = requireCoreTensor(layer, name, x);
  if (paramDtype !== undefined && t.dtype !== paramDtype && t.dtype !== 'int32') {
    throw new TapegradError(
      layer,
      `${name} is ${t.dtype} but the layer's parameters are ${paramDtype}; convert the input with ${paramDtype === 'float32' ? 'x.float()' : 'x.double()'}, or build the layer with { dtype: '${t.dtype}' }.`,
    );
  }
  return t;
}

/** Keys that would reach an object's prototype if assigned; never accepted from a file. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws when `key` is `__proto__`, `constructor` or `prototype`, naming where it was found. */
export function refusePrototypeKey(op: string, key: string, where: string): void {
  if (FORBIDDEN_KEYS.has(key)) {
    throw new TapegradError(
      op,
      `${where} has the key '${key}', which is never a valid name (it would reach the object's prototype); the data is corrupt or hostile.`,
    );
  }
}

/** Throws unless `v` is an integer ≥ `min` (core's check, with sizes' default of 1). */
export function requireInt(op: string, name: string, v: number, min = 1): number {
  return requireInteger(op, name, v, min);
}

/** Throws unless `v` is a finite number ≥ `min` (and ≤ `max`): hyperparameters are never NaN or infinite. */
export const requireNumber = requireFinite;

/** A size given once for both spatial axes, or as `[h, w]`. */
export type Pair = number | readonly [number, number];

/** `[h, w]` from a {@link Pair}, each an integer ≥ `min`; throws naming the layer, the option and the value. */
export function requirePair(op: string, name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] | null =
    typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : null;
  if (p === null || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new TapegradError(
      op,
      `${name} must be an integer ≥ ${min} or a pair [h, w] of them, got ${JSON.stringify(v) ?? String(v)}.`,
    );
  }
  return p;
}

/** Throws unless `dtype` is a float dtype (parameters are float32 or float64). */
export function requireFloatDtype(op: string, dtype: DType): 'float32' | 'float64' {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TapegradError(op, `dtype must be 'float32' or 'float64', got '${dtype}'.`);
  }
  return dtype;
}
