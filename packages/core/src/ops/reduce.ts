/** Reductions with `(axis?, keepdims = false)`: axis undefined means all axes; negative axes work. */

import { arange } from '../creation.js';
import { fmtShape, TapegradError } from '../errors.js';
import { divideBy } from '../kernels/inplace.js';
import { argReduceAxis, type ReduceOp, reduceAxes } from '../kernels/reduce.js';
import { sumPending } from '../lazy.js';
import { checkOptions, type OptionKeys } from '../options.js';
import { markComposite, record } from '../record.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import { emptyTensor, Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { compare, requireFloat, where } from './elementwise.js';
import { expand, reshape } from './shape-core.js';

type Axis = number | readonly number[] | undefined;

/** The reduced shape with kept size-1 axes, and without them. */
function reducedShapes(shape: readonly number[], axes: readonly number[]) {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const drop = shape.filter((_, i) => !axes.includes(i));
  return { keep, drop };
}

/** Runs a kernel reduction over `axes` (the result keeps them as size-1 axes). */
function reduceData(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  const out = emptyTensor(
    x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
    x.dtype,
  );
  reduceAxes(op, x.data, x.shape, axes, out.data);
  return out;
}

const reduceForward =
  (op: ReduceOp, axes: readonly number[], shape: readonly number[]) =>
  ([x]: Tensor[]) => {
    // A pending chain summed over every axis is consumed block by block, never stored.
    const whole = op === 'sum' && axes.length === x!.ndim ? sumPending(x!) : null;
    if (whole !== null) return filled(whole, shape, x!.dtype);
    const data = axes.length === 0 ? copyOf(x!) : reduceData(op, x!, axes);
    return new Tensor(data.data, shape, x!.dtype);
  };

const copyOf = (x: Tensor): Tensor => new Tensor(x.data.slice(), x.shape, x.dtype);

/** A tensor of `shape` (one element) holding `v`. */
function filled(v: number, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  const out = emptyTensor(shape, dtype);
  out.data[0] = v;
  return out;
}

/** Sum over `axis`; d = the gradient broadcast back. */
export function sum(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('sum', axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, axes);
  return record(
    'sum',
    [x],
    reduceForward('sum', axes, keepdims ? keep : drop),
    (g) => [expand(reshape(g, keep), x.shape)],
    { axes, keepdims },
  );
}

/** Mean over `axis`; d = the gradient broadcast back, divided by the count. */
export function mean(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  requireFloat('mean', x);
  const axes = normalizeAxes('mean', axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, axes);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  if (count === 0) throw new TapegradError('mean', 'cannot take the mean over an empty axis.');
  return record(
    'mean',
    [x],
    ([a]) => {
      const out = reduceForward('sum', axes, keepdims ? keep : drop)([a!]);
      divideBy(out.data, count);
      return out;
    },
    (g) => [expand(reshape(g, keep), x.shape).div(count)],
    { axes, keepdims },
  );
}

/**
 * Max/min values. On ties, PyTorch's rules: along a single int axis (`torch.max(x, dim)`) the whole
 * gradient goes to the index `argmax`/`argmin` returns (the first); over several or all axes
 * (`amax`) it is shared evenly among the tied elements.
 */
function extreme(op: 'max' | 'min', x: Tensor, axis: Axis, keepdims: boolean): Tensor {
  if (x.size === 0)
    throw new TapegradError(
      op,
      `cannot take the ${op} of an empty tensor (shape ${fmtShape(x.shape)}): it has no elements.`,
    );
  const axes = normalizeAxes(op, axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, axes);
  return record(
    op,
    [x],
    reduceForward(op, axes, keepdims ? keep : drop),
    (g, [a], out) => {
      const spread = expand(reshape(g, keep), x.shape);
      if (typeof axis === 'number') return [spread.mul(firstIndexMask(op, a!, axes[0]!))];
      const mask = compare('eq', a!, reshape(out, keep).detach());
      const count = sum(mask, axes, true);
      return [spread.mul(mask).div(count)];
    },
    { axes, keepdims },
  );
}

/** int32 one-hot along `axis` at the index `argmax`/`argmin` picks (a constant of the graph). */
function firstIndexMask(op: 'max' | 'min', x: Tensor, axis: number): Tensor {
  const n = x.shape[axis]!;
  const positions = arange(0, n, 1, { dtype: 'int32' });
  const along = x.shape.map((_, i) => (i === axis ? n : 1));
  return compare('eq', argReduce(op, x, axis, true), reshape(positions, along));
}

/** Maximum over `axis`. */
export const max = (x: Tensor, axis?: Axis, keepdims = false): Tensor => extreme('max', x, axis, keepdims);
/** Minimum over `axis`. */
export const min = (x: Tensor, axis?: Axis, keepdims = false): Tensor => extreme('min', x, axis, keepdims);

/**
 * Product over `axis`. Each element's gradient is the product of the others, exact with zeros:
 * one zero in a group sends the group's product of non-zeros to that element, two or more send 0.
 */
export function prod(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('prod', axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, axes);
  return record(
    'prod',
    [x],
    reduceForward('prod', axes, keepdims ? keep : drop),
    (g, [a]) => {
      const isZero = compare('eq', a!, 0);
      const zeros = sum(isZero, axes, true);
      const nonZero = where(isZero, 1, a!);
      const productOfNonZeros = prod(nonZero, axes, true);
      const others = where(
        compare('eq', zeros, 0),
        productOfNonZeros.div(nonZero),
        where(compare('eq', zeros, 1), isZero.mul(productOfNonZeros), 0),
      );
      return [expand(reshape(g, keep), x.shape).mul(others)];
    },
    { axes, keepdims },
  );
}

/** Options of `var` and `std`. */
export interface VarianceOptions {
  /** Divide by N − 1 (Bessel's correction, the default, as PyTorch) instead of N. */
  unbiased?: boolean;
}

const VARIANCE_KEYS: OptionKeys<VarianceOptions> = { unbiased: true };

/** Variance: Σ(x − mean)² / (N − 1) when `unbiased` (the default, as PyTorch), else / N. */
export function variance(x: Tensor, axis?: Axis, keepdims = false, options?: VarianceOptions): Tensor {
  const { unbiased = true } = checkOptions('var', options, VARIANCE_KEYS);
  requireFloat('var', x);
  const axes = normalizeAxes('var', axis, x.ndim);
  const n = sizeOf(axes.map((a) => x.shape[a]!));
  const dof = n - (unbiased ? 1 : 0);
  const centered = x.sub(mean(x, axes, true));
  return sum(centered.square(), axes, keepdims).div(dof);
}

/** Standard deviation: √var, unbiased by default. */
export const std = (x: Tensor, axis?: Axis, keepdims = false, options?: VarianceOptions): Tensor =>
  variance(requireFloat('std', x), axis, keepdims, checkOptions('std', options, VARIANCE_KEYS)).sqrt();

/** log Σ exp(x) over `axis`, shifted by the maximum so it never overflows; d = softmax. */
export function logsumexp(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  requireFloat('logsumexp', x);
  const axes = normalizeAxes('logsumexp', axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, axes);
  const m = max(x.detach(), axes, true);
  const shift = where(compare('eq', m, Infinity).add(compare('eq', m, -Infinity)), 0, m);
  const out = sum(x.sub(shift).exp(), axes, true).log().add(shift);
  return markComposite(reshape(out, keepdims ? keep : drop), 'logsumexp', [x], { axes, keepdims });
}

/** int32 indices of the first max/min along `axis`, or into the flattened tensor. */
export function argReduce(op: 'max' | 'min', x: Tensor, axis: number | undefined, keepdims: boolean): Tensor {
  const name = op === 'max' ? 'argmax' : 'argmin';
  if (x.size === 0)
    throw new TapegradError(name, `cannot take the index of an empty tensor (shape ${fmtShape(x.shape)}).`);
  if (axis === undefined) {
    const out = emptyTensor(keepdims ? x.shape.map(() => 1) : [], 'int32');
    argReduceAxis(op, x.data, 1, x.size, 1, out.data as Int32Array);
    return out;
  }
  const a = normalizeAxis(name, axis, x.ndim);
  const { keep, drop } = reducedShapes(x.shape, [a]);
  const out = emptyTensor(keepdims ? keep : drop, 'int32');
  argReduceAxis(
    op,
    x.data,
    sizeOf(x.shape.slice(0, a)),
    x.shape[a]!,
    sizeOf(x.shape.slice(a + 1)),
    out.data as Int32Array,
  );
  return out;
}

provideOps({ argReduce, logsumexp, max, mean, min, prod, std, sum, variance });
