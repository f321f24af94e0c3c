/** Creating tensors: from nested arrays or typed arrays, filled, ranges, identity, random. */

import { allocate, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { TapegradError } from './errors.js';
import { fillArange, fillEye, fillLinspace } from './kernels/fill.js';
import { type Generator, getDefaultGenerator } from './random.js';
import { checkShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** Options for creating a tensor. */
export interface TensorOptions {
  /** `float32` by default (a typed array keeps its own dtype). */
  dtype?: DType;
  requiresGrad?: boolean;
  /** A name shown by `explainGradient`, `toDot` and the verification reports. */
  label?: string;
}

/** Options for random tensors. */
export interface RandomOptions extends TensorOptions {
  /** A stream of its own; the default stream (see `manualSeed`) otherwise. */
  generator?: Generator;
}

/** Nested arrays of numbers. */
export type NestedNumbers = number | boolean | readonly NestedNumbers[];

function finish(t: Tensor, options: TensorOptions): Tensor {
  t.label = options.label;
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A leaf tensor from a number (0-d), nested arrays (shape inferred; ragged arrays are an error)
 * or a typed array (1-D, or `shape` given in options via {@link fromTypedArray}).
 */
export function tensor(values: NestedNumbers | TypedArray, options: TensorOptions = {}): Tensor {
  if (ArrayBuffer.isView(values)) {
    const data = values as TypedArray;
    return fromTypedArray(data, [data.length], options);
  }
  const dtype = options.dtype ?? 'float32';
  const shape: number[] = [];
  let probe: NestedNumbers = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0] as NestedNumbers;
    if (probe === undefined) break;
  }
  const data = allocate(dtype, sizeOf(shape));
  let at = 0;
  const fill = (v: NestedNumbers, axis: number, path: number[]) => {
    if (axis === shape.length) {
      if (typeof v === 'boolean') v = v ? 1 : 0;
      if (typeof v !== 'number') {
        throw new TapegradError(
          'tensor',
          `expected a number at index [${path.join('][')}], got ${Array.isArray(v) ? 'an array (ragged nesting)' : typeof v}.`,
        );
      }
      data[at++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new TapegradError(
        'tensor',
        `ragged nested array: at index [${path.join('][')}] expected ${Array.isArray(v) ? `length ${shape[axis]}, got length ${v.length}` : `an array of length ${shape[axis]}, got ${typeof v}`} (inferred shape [${shape.join(',')}]).`,
      );
    }
    v.forEach((item, i) => fill(item, axis + 1, [...path, i]));
  };
  fill(values, 0, []);
  return finish(new Tensor(data, shape, dtype), options);
}

/** A tensor over an existing typed array (not copied) with the given shape. */
export function fromTypedArray(
  data: TypedArray,
  shape: readonly number[],
  options: TensorOptions = {},
): Tensor {
  const dtype = dtypeOf(data);
  if (options.dtype && options.dtype !== dtype) {
    throw new TapegradError(
      'tensor',
      `data is ${dtype} but dtype ${options.dtype} was requested; convert with .to('${options.dtype}').`,
    );
  }
  checkShape('tensor', shape);
  if (sizeOf(shape) !== data.length) {
    throw new TapegradError(
      'tensor',
      `shape [${shape.join(',')}] needs ${sizeOf(shape)} elements, the array has ${data.length}.`,
    );
  }
  return finish(new Tensor(data, [...shape], dtype), options);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const data = allocate(options.dtype ?? 'float32', sizeOf(s));
  if (value !== 0) data.fill(value);
  return finish(new Tensor(data, s, options.dtype ?? 'float32'), options);
}

/** Zeros of `shape`. */
export const zeros = (shape: readonly number[], options: TensorOptions = {}): Tensor =>
  full(shape, 0, options);
/** Ones of `shape`. */
export const ones = (shape: readonly number[], options: TensorOptions = {}): Tensor =>
  full(shape, 1, options);
/** Zeros shaped and typed like `t`. */
export const zerosLike = (t: Tensor, options: TensorOptions = {}): Tensor =>
  full(t.shape, 0, { dtype: t.dtype, ...options });
/** Ones shaped and typed like `t`. */
export const onesLike = (t: Tensor, options: TensorOptions = {}): Tensor =>
  full(t.shape, 1, { dtype: t.dtype, ...options });

/** `[start, start+step, …)` up to `stop` (exclusive); `arange(n)` is `0..n−1`. */
export function arange(start: number, stop?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step))
    throw new TapegradError('arange', `step must be a non-zero finite number, got ${step}.`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(options.dtype ?? 'float32', n);
  fillArange(data, start, step);
  return finish(new Tensor(data, [n], options.dtype ?? 'float32'), options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new TapegradError('linspace', `steps must be a non-negative integer, got ${steps}.`);
  const data = allocate(options.dtype ?? 'float32', steps);
  fillLinspace(data, start, end);
  return finish(new Tensor(data, [steps], options.dtype ?? 'float32'), options);
}

/** The `n × m` identity (m defaults to n). */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const t = zeros([n, m], { ...options, requiresGrad: false });
  fillEye(t.data, n, m);
  return finish(t, options);
}

const floatDtype = (op: string, options: TensorOptions) => {
  const dtype = options.dtype ?? 'float32';
  if (dtype === 'int32') throw new TapegradError(op, 'draws floats; use randint for integers.');
  return dtype;
};

/** Uniform draws in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const dtype = floatDtype('rand', options);
  const data = allocate(dtype, sizeOf(checkShape('rand', shape))) as Float32Array | Float64Array;
  (options.generator ?? getDefaultGenerator()).fillUniform(data);
  return finish(new Tensor(data, [...shape], dtype), options);
}

/** Standard normal draws. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const dtype = floatDtype('randn', options);
  const data = allocate(dtype, sizeOf(checkShape('randn', shape))) as Float32Array | Float64Array;
  (options.generator ?? getDefaultGenerator()).fillNormal(data);
  return finish(new Tensor(data, [...shape], dtype), options);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new TapegradError('randint', `needs integers low < high, got ${low} and ${high}.`);
  }
  const dtype = options.dtype ?? 'int32';
  const data = allocate(dtype, sizeOf(checkShape('randint', shape)));
  const gen = options.generator ?? getDefaultGenerator();
  gen.fillInt(data, low, high);
  return finish(new Tensor(data, [...shape], dtype), options);
}
