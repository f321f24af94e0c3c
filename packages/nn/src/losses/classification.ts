/** Multi-class losses over logits or log-probabilities with the class axis at 1: crossEntropy, nllLoss. */
import {
  fmtShape,
  type OptionKeys,
  optionalTensor,
  requireInteger,
  TapegradError,
  type Tensor,
  where,
} from '@tapegrad/core';
import { requireNumber } from '../util.js';
import { lossArguments, REDUCTION_KEYS, type ReductionOptions, reduce, reductionOf } from './reduction.js';

/** Options of {@link nllLoss}; PyTorch's defaults. */
export interface NllLossOptions extends ReductionOptions {
  /** Per-class weights `[C]`; `'mean'` then divides by the sum of the targets' weights. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing and are not counted (default −100). */
  ignoreIndex?: number;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C. */
  labelSmoothing?: number;
}

/** The keys of {@link NllLossOptions}. */
export const NLL_KEYS: OptionKeys<NllLossOptions> = { ...REDUCTION_KEYS, weight: true, ignoreIndex: true };
/** The keys of {@link CrossEntropyOptions}. */
export const CROSS_ENTROPY_KEYS: OptionKeys<CrossEntropyOptions> = { ...NLL_KEYS, labelSmoothing: true };

interface Rows {
  /** `[M, C]` with the class axis last. */
  x: Tensor;
  /** The target laid out like `x` (probabilities) or `[M]` (indices). */
  t: Tensor;
  /** Shape of the `'none'` result. */
  outShape: number[];
}

/** Moves the class axis (1) last and flattens the rest: `[N, C, d…]` → `[N·d…, C]`. */
function toRows(loss: string, input: Tensor, target: Tensor): Rows {
  if (input.ndim === 0) throw new TapegradError(loss, 'input must have a class axis, got a 0-d tensor.');
  if (input.dtype === 'int32') throw new TapegradError(loss, 'input must be a float tensor, got int32.');
  const probs = target.dtype !== 'int32';
  const batch = input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  const want = probs ? input.shape : batch;
  if (target.ndim !== want.length || target.shape.some((d, i) => d !== want[i])) {
    throw new TapegradError(
      loss,
      `input ${fmtShape(input.shape)} (class axis 1) needs an int32 target of class indices with shape ${fmtShape(batch)}, or a float target of probabilities with shape ${fmtShape(input.shape)}; got ${target.dtype} ${fmtShape(target.shape)}.`,
    );
  }
  const c = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const last = (t: Tensor) =>
    t.ndim <= 2
      ? t.reshape([-1, c])
      : t.permute([0, ...t.shape.slice(2).map((_, i) => i + 2), 1]).reshape([-1, c]);
  return { x: last(input), t: probs ? last(target) : target.reshape([-1]), outShape: batch };
}

function classWeight(loss: string, weight: Tensor | null | undefined, c: number, x: Tensor): Tensor | null {
  optionalTensor(loss, 'weight', weight);
  if (!weight) return null;
  if (weight.ndim !== 1 || weight.shape[0] !== c) {
    throw new TapegradError(
      loss,
      `weight must have shape [${c}] (one per class), got ${fmtShape(weight.shape)}.`,
    );
  }
  return weight.to(x.dtype);
}

/**
 * Negative log-likelihood over log-probability rows `logp` `[M, C]` and int32 targets `[M]`:
 * `ℓ_i = −w[y_i]·logp[i, y_i]`; `'mean'` divides by Σ w[y_i] over non-ignored targets. With label
 * smoothing ε it is PyTorch 1.13's `(1 − ε)·nll + (ε/C)·smooth`, each reduced on its own.
 */
function nll(loss: string, rows: Rows, options: CrossEntropyOptions, reduction: string): Tensor {
  const { x: logp, t, outShape } = rows;
  const [m, c] = logp.shape as [number, number];
  const ignoreIndex = requireInteger(loss, 'ignoreIndex', options.ignoreIndex ?? -100, -Infinity);
  const eps = requireNumber(loss, 'labelSmoothing', options.labelSmoothing ?? 0, 0, 1);
  const ignored = t.eq(ignoreIndex);
  const bad = t.lt(0).add(t.ge(c)).gt(0).mul(ignored.neg().add(1));
  if (bad.sum().item() > 0) {
    const label = t.data[bad.argmax().item()];
    throw new TapegradError(
      loss,
      `class label ${label} is out of range for ${c} classes (valid 0..${c - 1}, or ignoreIndex ${ignoreIndex}).`,
    );
  }
  const safe = where(ignored, 0, t);
  const keep = ignored.neg().add(1).to(logp.dtype);
  const w = classWeight(loss, options.weight, c, logp);
  const perSample = w ? w.indexSelect(0, safe).mul(keep) : keep;
  const weightSum = perSample.sum();
  const terms = logp
    .gather(1, safe.reshape([m, 1]))
    .reshape([m])
    .mul(perSample)
    .neg();
  const nllPart = reduce(terms.reshape(outShape), reduction, weightSum);
  if (eps === 0) return nllPart;
  // −Σ_c w_c·logp[i, c], zero at ignored targets. Its 'mean' divides by Σ w[y_i] with a weight but,
  // without one, by all M rows, ignored ones included: PyTorch's smooth_loss.mean().
  const smooth = (w ? logp.mul(w) : logp).sum(1).neg().mul(keep);
  const smoothLoss = reduce(smooth.reshape(outShape), reduction, w ? weightSum : undefined);
  return nllPart.mul(1 - eps).add(smoothLoss.mul(eps / c));
}

/**
 * Negative log-likelihood of int32 class targets under log-probabilities `input` (`[N, C]`,
 * `[N, C, d…]` or `[C]`; class axis 1): `ℓ_i = −weight[y_i]·input[i, y_i]`. `'mean'` divides by the
 * sum of the weights of the non-ignored targets.
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NllLossOptions): Tensor {
  options = lossArguments('nllLoss', input, target, options, NLL_KEYS);
  const r = reductionOf('nllLoss', options);
  if (target.dtype !== 'int32') {
    throw new TapegradError(
      'nllLoss',
      `target must hold int32 class indices, got ${target.dtype}. Create it with tensor(labels, { dtype: 'int32' }).`,
    );
  }
  return nll('nllLoss', toRows('nllLoss', input, target), options, r);
}

/**
 * Cross-entropy of logits `input` (`[N, C]`, `[N, C, d…]` or `[C]`; class axis 1) against int32
 * class indices (with `weight`, `ignoreIndex`, `labelSmoothing`) or float class probabilities of
 * the input's shape (`'mean'` then divides by the number of rows, not N·C). Computed from
 * `logSoftmax`, so it is stable for large logits.
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  options = lossArguments('crossEntropy', input, target, options, CROSS_ENTROPY_KEYS);
  const r = reductionOf('crossEntropy', options);
  const rows = toRows('crossEntropy', input, target);
  const logp = rows.x.logSoftmax(1);
  if (target.dtype === 'int32') return nll('crossEntropy', { ...rows, x: logp }, options, r);
  const c = logp.shape[1]!;
  const eps = requireNumber('crossEntropy', 'labelSmoothing', options.labelSmoothing ?? 0, 0, 1);
  const probs = rows.t.to(logp.dtype);
  const q = eps > 0 ? probs.mul(1 - eps).add(eps / c) : probs;
  const w = classWeight('crossEntropy', options.weight, c, logp);
  // 'mean' is over the rows (N·d…), not N·C: the default denominator of the reshaped terms.
  const terms = (w ? logp.mul(w) : logp).mul(q).sum(1).neg();
  return reduce(terms.reshape(rows.outShape), r);
}
