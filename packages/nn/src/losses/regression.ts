/** Regression losses: squared, absolute, Huber and smooth-L1 error. */
import { type OptionKeys, type Tensor, where } from '@tapegrad/core';
import { requireNumber } from '../util.js';
import {
  lossArguments,
  REDUCTION_KEYS,
  type ReductionOptions,
  reduce,
  reductionOf,
  requireFloat,
  requireSameShape,
} from './reduction.js';

/** Options of {@link huberLoss}. */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** Options of {@link smoothL1Loss}. */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives L1). */
  beta?: number;
}

/** The keys of each regression loss's options. */
export const HUBER_KEYS: OptionKeys<HuberLossOptions> = { ...REDUCTION_KEYS, delta: true };
/** The keys of {@link SmoothL1LossOptions}. */
export const SMOOTH_L1_KEYS: OptionKeys<SmoothL1LossOptions> = { ...REDUCTION_KEYS, beta: true };

function difference(loss: string, input: Tensor, target: Tensor): Tensor {
  requireFloat(loss, 'input', input);
  requireSameShape(loss, input, target);
  return input.sub(target);
}

/** Mean squared error `(x − t)²`; `'mean'` averages over all elements. */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const r = reductionOf('mseLoss', lossArguments('mseLoss', input, target, options, REDUCTION_KEYS));
  return reduce(difference('mseLoss', input, target).square(), r);
}

/** Mean absolute error `|x − t|`. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  const r = reductionOf('l1Loss', lossArguments('l1Loss', input, target, options, REDUCTION_KEYS));
  return reduce(difference('l1Loss', input, target).abs(), r);
}

/** Huber loss: `½d²` where `|d| < delta`, else `delta·(|d| − ½delta)` (delta defaults to 1). */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor {
  const o = lossArguments('huberLoss', input, target, options, HUBER_KEYS);
  const r = reductionOf('huberLoss', o);
  const delta = requireNumber('huberLoss', 'delta', o.delta ?? 1, Number.MIN_VALUE);
  const d = difference('huberLoss', input, target);
  const a = d.abs();
  return reduce(where(a.lt(delta), d.square().mul(0.5), a.sub(0.5 * delta).mul(delta)), r);
}

/** Smooth L1: `½d²/beta` where `|d| < beta`, else `|d| − ½beta` (beta defaults to 1; 0 gives L1). */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: SmoothL1LossOptions): Tensor {
  const o = lossArguments('smoothL1Loss', input, target, options, SMOOTH_L1_KEYS);
  const r = reductionOf('smoothL1Loss', o);
  const beta = requireNumber('smoothL1Loss', 'beta', o.beta ?? 1, 0);
  const d = difference('smoothL1Loss', input, target);
  const a = d.abs();
  if (beta === 0) return reduce(a, r);
  return reduce(where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta)), r);
}
