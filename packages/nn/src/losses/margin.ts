import {
  fmtShape,
  type OptionKeys,
  oneHot,
  optionalTensor,
  TapegradError,
  type Tensor,
} from '@tapegrad/core';
import { requireNumber } from '../util.js';
import { lossArguments, REDUCTION_KEYS, type ReductionOptions, reduce, reductionOf } from './reduction.js';

/** Options of {@link multiMarginLoss}; PyTorch's defaults. */
export interface MultiMarginOptions extends ReductionOptions {
  /** 1 (hinge) or 2 (squared hinge). */
  p?: 1 | 2;
  margin?: number;
  /** Per-class weights `[C]`, applied by the target's class. */
  weight?: Tensor | null;
}

/** The keys of {@link MultiMarginOptions}. */
export const MULTI_MARGIN_KEYS: OptionKeys<MultiMarginOptions> = {
  ...REDUCTION_KEYS,
  p: true,
  margin: true,
  weight: true,
};

/**
 * Multi-class hinge loss on scores `[N, C]` (or `[C]`) and int32 targets:
 * `ℓ_i = (1/C)·Σ_{j≠y_i} w[y_i]·max(0, margin − x[y_i] + x[j])^p`. Note the division by C.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options?: MultiMarginOptions): Tensor {
  options = lossArguments('multiMarginLoss', input, target, options, MULTI_MARGIN_KEYS);
  optionalTensor('multiMarginLoss', 'weight', options.weight);
  const r = reductionOf('multiMarginLoss', options);
  const { p = 1 } = options;
  const margin = requireNumber('multiMarginLoss', 'margin', options.margin ?? 1);
  if (p !== 1 && p !== 2) throw new TapegradError('multiMarginLoss', `p must be 1 or 2, got ${p}.`);
  const x = input.ndim === 1 ? input.reshape([1, -1]) : input;
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  if (x.ndim !== 2 || target.dtype !== 'int32' || target.size !== n || target.ndim !== input.ndim - 1) {
    throw new TapegradError(
      'multiMarginLoss',
      `expects scores [N, C] with int32 targets [N] (or [C] with a 0-d target), got input ${fmtShape(input.shape)} and ${target.dtype} target ${fmtShape(target.shape)}.`,
    );
  }
  const t = target.reshape([n]);
  const bad = t.lt(0).add(t.ge(c));
  if (bad.sum().item() > 0) {
    const label = t.data[bad.argmax().item()];
    throw new TapegradError(
      'multiMarginLoss',
      `class label ${label} is out of range for ${c} classes (valid 0..${c - 1}).`,
    );
  }
  const picked = x.gather(1, t.reshape([n, 1]));
  let hinge = x.sub(picked).add(margin).relu();
  if (p === 2) hinge = hinge.square();
  const others = oneHot(t, c, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' })
    .neg()
    .add(1);
  let terms = hinge.mul(others).sum(1).div(c);
  if (options.weight) {
    if (options.weight.ndim !== 1 || options.weight.shape[0] !== c) {
      throw new TapegradError(
        'multiMarginLoss',
        `weight must have shape [${c}], got ${fmtShape(options.weight.shape)}.`,
      );
    }
    terms = terms.mul(options.weight.to(x.dtype).indexSelect(0, t));
  }
  return reduce(input.ndim === 1 ? terms.reshape([]) : terms, r);
}
