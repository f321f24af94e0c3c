import { type OptionKeys, type Tensor, where } from '@tapegrad/core';
import {
  lossArguments,
  type Reduction,
  reduce,
  reductionOf,
  requireFloat,
  requireSameShape,
} from './reduction.js';

/** Options of {@link klDiv}. */
export interface KlDivOptions {
  /** `'batchmean'` (sum / input.shape[0], the true KL), `'sum'`, `'mean'` (sum / N·C) or `'none'`. */
  reduction?: Reduction | 'batchmean';
  /** The target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}

/** The keys of {@link KlDivOptions}. */
export const KL_KEYS: OptionKeys<KlDivOptions> = { reduction: true, logTarget: true };

/**
 * Kullback–Leibler divergence with **log**-probabilities `input`: pointwise `t·(log t − x)`, 0
 * where t = 0, or `eᵗ·(t − x)` with `logTarget`. PyTorch's default reduction is `'mean'` (over
 * all elements); `'batchmean'` gives the mathematical KL per sample.
 */
export function klDiv(input: Tensor, target: Tensor, options?: KlDivOptions): Tensor {
  options = lossArguments('klDiv', input, target, options, KL_KEYS);
  const r = reductionOf('klDiv', options, ['mean', 'sum', 'none', 'batchmean']);
  requireFloat('klDiv', 'input', input);
  requireSameShape('klDiv', input, target);
  const t = target.to(input.dtype);
  let terms: Tensor;
  if (options.logTarget) terms = t.exp().mul(t.sub(input));
  else {
    const positive = t.gt(0);
    const tLogT = where(positive, t.mul(where(positive, t, 1).log()), 0);
    terms = tLogT.sub(t.mul(input));
  }
  // batchmean is a mean over the batch axis only: sum / input.shape[0] (1 for a 0-d input)
  if (r === 'batchmean') return reduce(terms, 'mean', input.shape[0] ?? 1);
  return reduce(terms, r);
}
