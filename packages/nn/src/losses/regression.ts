/** Regression losses: squared, absolute, Huber and smooth-L1 error. */
import { type Tensor, where } from '@tapegrad/core';
import { requireNumber } from '../util.js';
import { type ReductionOptions, reduce, reductionOf, requireFloat, requireSameShape } from './reduction.js';

function difference(loss: string, input: Tensor, target: Tensor): Tensor {
  requireFloat(loss, 'input', input);
  requireSameShape(loss, input, target);
  return input.sub(target);
}

/** Mean squared error `(x − t)²`; `'mean'` averages over all elements. */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const r = reductionOf('mseLoss', options);
  return reduce(difference('mseLoss', input, target).square(), r);
}

/** Mean absolute error `|x − t|`. */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const r = reductionOf('l1Loss', options);
  return reduce(difference('l1Loss', input, target).abs(), r);
}

/** Huber loss: `½d²` where `|d| < delta`, else `delta·(|d| − ½delta)` (delta defaults to 1). */
export function huberLoss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { delta?: number } = {},
): Tensor {
  const r = reductionOf('huberLoss', options);
  const delta = requireNumber('huberLoss', 'delta', options.delta ?? 1, Number.MIN_VALUE);
  const d = difference('huberLoss', input, target);
  const a = d.abs();
  return reduce(where(a.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta)), r);
}

/** Smooth L1: `½d²/beta` where `|d| < beta`, else `|d| − ½beta` (beta defaults to 1; 0 gives L1). */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { beta?: number } = {},
): Tensor {
  const r = reductionOf('smoothL1Loss', options);
  const beta = requireNumber('smoothL1Loss', 'beta', options.beta ?? 1, 0);
  const d = difference('smoothL1Loss', input, target);
  const a = d.abs();
  if (beta === 0) return reduce(a, r);
  return reduce(where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta)), r);
}
