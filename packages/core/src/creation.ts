/** Creating tensors: from nested arrays or typed arrays, filled, ranges, identity, random. */

import { requireTensor, showValue } from './args.js';
import { allocate, type DType, dtypeOf, type TypedArray } from './dtype.js';
import { describeValue, TapegradError } from './errors.js';
import { fillArange, fillEye, fillLinspace } from './kernels/fill.js';
import { checkOptions, type OptionKeys } from './options.js';
import { Generator, getDefaultGenerator } from './random.js';
import { checkShape, MAX_ELEMENTS, sizeOf } from './shape.js';
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

const TENSOR_KEYS: OptionKeys<TensorOptions> = { dtype: true, requiresGrad: true, label: true };
const RANDOM_KEYS: OptionKeys<RandomOptions> = { ...TENSOR_KEYS, generator: true };

/** The options of a creation function, checked: known keys only, and a known dtype. */
function creationOptions<T extends TensorOptions>(
  op: string,
  options: T | undefined,
  keys: OptionKeys<T>,
): T {
  const o = checkOptions(op, options, keys);
  if (o.dtype !== undefined && o.dtype !== 'float32' && o.dtype !== 'float64' && o.dtype !== 'int32') {
    throw new TapegradError(
      op,
      `unknown dtype ${JSON.stringify(o.dtype)}; use 'float32', 'float64' or 'int32'.`,
    );
  }
  return o;
}

/** The int32 range; values outside it (and NaN, ±Infinity, fractions) cannot be stored exactly. */
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Throws unless `v` can be stored in an int32 tensor exactly, naming it (`what`) and where it is (`at`). */
function checkInt32(op: string, v: number, what: string, at = ''): void {
  if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new TapegradError(
      op,
      `${what} ${v}${at} cannot be stored in an int32 tensor (integers in [${INT32_MIN}, ${INT32_MAX}] only). Use dtype 'float32' or 'float64', or round the values first.`,
    );
  }
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
export function tensor(values: NestedNumbers | TypedArray, options?: TensorOptions): Tensor {
  options = creationOptions('tensor', options, TENSOR_KEYS);
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
  const data = allocate(dtype, sizeOf(checkShape('tensor', shape)));
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
      if (dtype === 'int32') checkInt32('tensor', v, 'the value', ` at index [${path.join('][')}]`);
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
export function fromTypedArray(data: TypedArray, shape: readonly number[], options?: TensorOptions): Tensor {
  options = creationOptions('fromTypedArray', options, TENSOR_KEYS);
  if (!ArrayBuffer.isView(data)) {
    throw new TapegradError(
      'fromTypedArray',
      `expected a Float32Array, Float64Array or Int32Array, got ${describeValue(data)}.`,
    );
  }
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
export function full(shape: readonly number[], value: number, options?: TensorOptions): Tensor {
  return filled('full', shape, value, options);
}

/** `full` under the name of the function the user called. */
function filled(op: string, shape: readonly number[], value: number, options?: TensorOptions): Tensor {
  const o = creationOptions(op, options, TENSOR_KEYS);
  const s = checkShape(op, shape);
  const dtype = o.dtype ?? 'float32';
  if (typeof value !== 'number') {
    throw new TapegradError(op, `the fill value must be a number, got ${showValue(value)}.`);
  }
  if (dtype === 'int32') checkInt32(op, value, 'the fill value');
  const data = allocate(dtype, sizeOf(s));
  if (value !== 0) data.fill(value);
  return finish(new Tensor(data, s, dtype), o);
}

/** Zeros of `shape`. */
export const zeros = (shape: readonly number[], options?: TensorOptions): Tensor =>
  filled('zeros', shape, 0, options);
/** Ones of `shape`. */
export const ones = (shape: readonly number[], options?: TensorOptions): Tensor =>
  filled('ones', shape, 1, options);
/** Zeros shaped and typed like `t`. */
export const zerosLike = (t: Tensor, options?: TensorOptions): Tensor =>
  filled('zerosLike', requireTensor('zerosLike', 't', t).shape, 0, {
    dtype: t.dtype,
    ...checkOptions('zerosLike', options, TENSOR_KEYS),
  });
/** Ones shaped and typed like `t`. */
export const onesLike = (t: Tensor, options?: TensorOptions): Tensor =>
  filled('onesLike', requireTensor('onesLike', 't', t).shape, 1, {
    dtype: t.dtype,
    ...checkOptions('onesLike', options, TENSOR_KEYS),
  });

/** `[start, start+step, …)` up to `stop` (exclusive); `arange(n)` is `0..n−1`. */
export function arange(start: number, stop?: number, step = 1, options?: TensorOptions): Tensor {
  const o = creationOptions('arange', options, TENSOR_KEYS);
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TapegradError('arange', `${name} must be a finite number, got ${String(v)}.`);
    }
  }
  if (step === 0) throw new TapegradError('arange', 'step must be non-zero, got 0.');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > MAX_ELEMENTS) {
    throw new TapegradError(
      'arange',
      `arange(${start}, ${stop}, ${step}) would hold ${n} elements; a tensor holds at most ${MAX_ELEMENTS} (2^31 − 1).`,
    );
  }
  const dtype = o.dtype ?? 'float32';
  if (dtype === 'int32') {
    checkInt32('arange', start, 'start');
    checkInt32('arange', step, 'step');
    if (n > 0) checkInt32('arange', start + (n - 1) * step, 'the last value');
  }
  const data = allocate(dtype, n);
  fillArange(data, start, step);
  return finish(new Tensor(data, [n], dtype), o);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  const o = creationOptions('linspace', options, TENSOR_KEYS);
  for (const [name, v] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TapegradError('linspace', `${name} must be a finite number, got ${String(v)}.`);
    }
  }
  if (!Number.isInteger(steps) || steps < 0)
    throw new TapegradError('linspace', `steps must be a non-negative integer, got ${steps}.`);
  const dtype = o.dtype ?? 'float32';
  if (dtype === 'int32') {
    checkInt32('linspace', Math.trunc(start), 'start');
    checkInt32('linspace', Math.trunc(end), 'end');
  }
  const data = allocate(dtype, sizeOf(checkShape('linspace', [steps])));
  fillLinspace(data, start, end);
  return finish(new Tensor(data, [steps], dtype), o);
}

/** The `n × m` identity (m defaults to n). */
export function eye(n: number, m = n, options?: TensorOptions): Tensor {
  const o = creationOptions('eye', options, TENSOR_KEYS);
  const t = filled('eye', [n, m], 0, { ...o, requiresGrad: false });
  fillEye(t.data, n, m);
  return finish(t, o);
}

/** The stream to draw from: `options.generator` (checked) or the default one. */
function generatorOf(op: string, options: RandomOptions): Generator {
  const g = options.generator;
  if (g === undefined) return getDefaultGenerator();
  if (!(g instanceof Generator)) {
    throw new TapegradError(
      op,
      `generator must be a Generator (new Generator(seed)), got ${describeValue(g)}.`,
    );
  }
  return g;
}

const floatDtype = (op: string, options: TensorOptions) => {
  const dtype = options.dtype ?? 'float32';
  if (dtype === 'int32') throw new TapegradError(op, 'draws floats; use randint for integers.');
  return dtype;
};

/** Uniform draws in [0, 1). */
export function rand(shape: readonly number[], options?: RandomOptions): Tensor {
  const o = creationOptions('rand', options, RANDOM_KEYS);
  const dtype = floatDtype('rand', o);
  const data = allocate(dtype, sizeOf(checkShape('rand', shape))) as Float32Array | Float64Array;
  generatorOf('rand', o).fillUniform(data);
  return finish(new Tensor(data, [...shape], dtype), o);
}

/** Standard normal draws. */
export function randn(shape: readonly number[], options?: RandomOptions): Tensor {
  const o = creationOptions('randn', options, RANDOM_KEYS);
  const dtype = floatDtype('randn', o);
  const data = allocate(dtype, sizeOf(checkShape('randn', shape))) as Float32Array | Float64Array;
  generatorOf('randn', o).fillNormal(data);
  return finish(new Tensor(data, [...shape], dtype), o);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options?: RandomOptions,
): Tensor {
  const o = creationOptions('randint', options, RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new TapegradError('randint', `needs integers low < high, got ${low} and ${high}.`);
  }
  const dtype = o.dtype ?? 'int32';
  if (dtype === 'int32') {
    checkInt32('randint', low, 'low');
    checkInt32('randint', high - 1, 'high − 1');
  }
  const data = allocate(dtype, sizeOf(checkShape('randint', shape)));
  generatorOf('randint', o).fillInt(data, low, high);
  return finish(new Tensor(data, [...shape], dtype), o);
}
