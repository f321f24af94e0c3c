/** Binary losses: on probabilities (binaryCrossEntropy) and, stably, on logits (bceWithLogits). */
import { fmtShape, type OptionKeys, optionalTensor, TapegradError, type Tensor } from '@tapegrad/core';
import {
  lossArguments,
  REDUCTION_KEYS,
  type ReductionOptions,
  reduce,
  reductionOf,
  requireFloat,
  requireSameShape,
} from './reduction.js';

/** Options of {@link binaryCrossEntropy}. */
export interface BceOptions extends ReductionOptions {
  /** Elementwise weight, broadcast against the input. */
  weight?: Tensor | null;
}

/** Options of {@link bceWithLogits}. */
export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term, broadcast along the last axis (e.g. `[C]`). */
  posWeight?: Tensor | null;
}

/** The keys of {@link BceOptions}. */
export const BCE_KEYS: OptionKeys<BceOptions> = { ...REDUCTION_KEYS, weight: true };
/** The keys of {@link BceWithLogitsOptions}. */
export const BCE_LOGITS_KEYS: OptionKeys<BceWithLogitsOptions> = { ...BCE_KEYS, posWeight: true };

/**
 * Multiplies the terms by `weight` (as the input's dtype) after checking that it broadcasts to the
 * input's shape without changing it: a larger weight would silently enlarge a `'none'` result.
 */
function applyWeight(loss: string, terms: Tensor, input: Tensor, weight: Tensor | null | undefined): Tensor {
  optionalTensor(loss, 'weight', weight);
  if (!weight) return terms;
  const offset = input.ndim - weight.ndim;
  if (offset < 0 || weight.shape.some((d, i) => d !== 1 && d !== input.shape[i + offset])) {
    throw new TapegradError(
      loss,
      `weight of shape ${fmtShape(weight.shape)} must broadcast to the input shape ${fmtShape(input.shape)} without changing it (each trailing axis 1 or equal). Reshape the weight or pass one per element.`,
    );
  }
  return terms.mul(weight.to(input.dtype));
}

// PyTorch clamps each log at −100 so that p = 0 or 1 gives a finite loss.
const LOG_FLOOR = Math.exp(-100);

/**
 * `−(t·log p + (1 − t)·log(1 − p))` for probabilities `input` in [0, 1]; each log is clamped at
 * −100, as PyTorch. `'mean'` averages over all elements.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BceOptions): Tensor {
  options = lossArguments('binaryCrossEntropy', input, target, options, BCE_KEYS);
  const r = reductionOf('binaryCrossEntropy', options);
  requireFloat('binaryCrossEntropy', 'input', input);
  requireSameShape('binaryCrossEntropy', input, target);
  const outside = input.lt(0).add(input.gt(1)).add(input.eq(input).neg().add(1)); // the last term flags NaN
  if (outside.sum().item() > 0) {
    const i = outside.argmax().item();
    throw new TapegradError(
      'binaryCrossEntropy',
      `input must hold probabilities in [0, 1], got ${input.data[i]} at flat position ${i}. Apply sigmoid first, or use bceWithLogits on raw scores.`,
    );
  }
  const t = target.to(input.dtype);
  const logP = input.clamp(LOG_FLOOR).log();
  const logQ = input.neg().add(1).clamp(LOG_FLOOR).log();
  const terms = t.mul(logP).add(t.neg().add(1).mul(logQ)).neg();
  return reduce(applyWeight('binaryCrossEntropy', terms, input, options.weight), r);
}

/**
 * Binary cross-entropy on logits, `−(pw·t·log σ(x) + (1 − t)·log(1 − σ(x)))`, computed stably as
 * `(1 − t)·x + (1 + (pw − 1)·t)·softplus(−x)`: finite and exact for logits of any size.
 */
export function bceWithLogits(input: Tensor, target: Tensor, options?: BceWithLogitsOptions): Tensor {
  options = lossArguments('bceWithLogits', input, target, options, BCE_LOGITS_KEYS);
  const r = reductionOf('bceWithLogits', options);
  requireFloat('bceWithLogits', 'input', input);
  requireSameShape('bceWithLogits', input, target);
  const t = target.to(input.dtype);
  // threshold ∞: core's softplus is max(x, 0) + log1p(e^−|x|), exact everywhere
  const spNeg = input.neg().softplus({ threshold: Infinity });
  let coef: Tensor | number = 1;
  const pw = optionalTensor('bceWithLogits', 'posWeight', options.posWeight);
  if (pw) {
    const last = input.shape[input.ndim - 1];
    if (pw.ndim > input.ndim || (pw.size !== 1 && (pw.ndim !== 1 || pw.shape[0] !== last))) {
      throw new TapegradError(
        'bceWithLogits',
        `posWeight of shape ${fmtShape(pw.shape)} must broadcast along the last axis of input ${fmtShape(input.shape)} (shape [${last}]).`,
      );
    }
    coef = t.mul(pw.to(input.dtype).sub(1)).add(1);
  }
  const terms = t.neg().add(1).mul(input).add(spNeg.mul(coef));
  return reduce(applyWeight('bceWithLogits', terms, input, options.weight), r);
}
