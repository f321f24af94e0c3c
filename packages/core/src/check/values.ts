/**
 * What the verification tools need to know about a value, whether it is a `Scalar` or a `Tensor`:
 * its name, size, flat elements, and how to make copies and cotangents of it. One place, so
 * gradcheck, gradgradcheck and checkHandDerived treat both kinds alike.
 */

import type { Differentiable } from '../differentiable.js';
import type { DType } from '../dtype.js';
import { describeValue, TapegradError } from '../errors.js';
import { Scalar, scalar } from '../scalar.js';
import { Tensor } from '../tensor.js';

export type { Differentiable };

/** The name of input `k` in reports: its label if it has one, else its position. */
export const inputName = (x: Differentiable, k: number): string => x.label ?? `input ${k}`;

/** Number of elements (1 for a Scalar). */
export const sizeOfValue = (x: Differentiable): number => x.size;

/** Shape (`[]` for a Scalar). */
export const shapeOf = (x: Differentiable): readonly number[] => x.shape;

/** Element dtype (Scalars are float64 numbers). */
export const dtypeOfValue = (x: Differentiable): DType => x.dtype;

/** Element `i` of the row-major flattening. */
export const elementOf = (x: Differentiable, i: number): number =>
  x instanceof Scalar ? x.value : x.data[i]!;

/** The flat elements as float64 numbers (a copy). */
export function flatValues(x: Differentiable): Float64Array {
  return x instanceof Scalar ? Float64Array.of(x.value) : Float64Array.from(x.data);
}

/** Writes element `i` (the finite-difference perturbation; never recorded). */
export function setElement(x: Differentiable, i: number, v: number): void {
  if (x instanceof Scalar) x.value = v;
  else x.writable()[i] = v;
}

/** The row-major multi-index of flat position `i` in `shape` (`[]` for 0-d). */
export function multiIndex(shape: readonly number[], i: number): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a]!;
    idx[a] = i % d;
    i = Math.floor(i / d);
  }
  return idx;
}

/** `[2,0]`-style text of a multi-index, `-` for a single-element value. */
export const fmtIndex = (idx: readonly number[]): string => (idx.length === 0 ? '-' : `[${idx.join(',')}]`);

/**
 * A fresh leaf holding the same numbers as `x`, so the tools never touch the caller's `.grad` or
 * data. `dtype` converts a Tensor copy (used to promote float32 inputs to float64 for finite
 * differences).
 */
export function leafCopy(x: Differentiable, requiresGrad: boolean, dtype?: DType): Differentiable {
  if (x instanceof Scalar) return scalar(x.value, { requiresGrad, label: x.label });
  const to = dtype ?? x.dtype;
  const data = to === 'float64' ? Float64Array.from(x.data) : x.data.slice();
  const t = new Tensor(data, [...x.shape], to);
  t.label = x.label;
  if (requiresGrad) t.requiresGrad = true;
  return t;
}

/** The cotangent seeding backward for `out`: `weights` laid out in `out`'s shape and dtype. */
export function cotangentFor(out: Differentiable, weights: ArrayLike<number>): Differentiable {
  if (out instanceof Scalar) return scalar(weights[0] ?? 0);
  const t = new Tensor(
    out.dtype === 'float64' ? new Float64Array(out.size) : new Float32Array(out.size),
    [...out.shape],
    out.dtype,
  );
  for (let i = 0; i < out.size; i++) t.data[i] = weights[i] ?? 0;
  return t;
}

/** Checks that every input is a float Scalar or Tensor, naming `fn` and the offender. */
export function checkInputs(fn: string, inputs: readonly unknown[]): asserts inputs is Differentiable[] {
  if (!Array.isArray(inputs)) {
    throw new TapegradError(
      fn,
      `inputs must be an array of Scalars or Tensors, got ${describeValue(inputs)}.`,
    );
  }
  if (inputs.length === 0) {
    throw new TapegradError(fn, 'needs at least one input to differentiate with respect to; pass [x, ...].');
  }
  inputs.forEach((x, k) => {
    if (!(x instanceof Scalar) && !(x instanceof Tensor)) {
      throw new TapegradError(fn, `input ${k} must be a Scalar or a Tensor, got ${describeValue(x)}.`);
    }
    if (x instanceof Tensor && x.dtype === 'int32') {
      throw new TapegradError(
        fn,
        `input ${k}${x.label ? ` ('${x.label}')` : ''} is int32 and cannot be differentiated; pass a float tensor (x.float() or x.double()).`,
      );
    }
  });
}

/** Checks that `f` returned a Scalar or a Tensor. */
export function checkOutput(fn: string, out: unknown): Differentiable {
  if (out instanceof Scalar || out instanceof Tensor) return out;
  throw new TapegradError(
    fn,
    `the function must return a Scalar or a Tensor, got ${describeValue(out)}. Build the result with tapegrad ops (e.g. return x.mul(x).sum()).`,
  );
}
