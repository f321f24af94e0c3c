/**
 * Attention: `scaledDotProductAttention` (PyTorch 2's `F.scaled_dot_product_attention`) and the
 * shared core `attend` that `MultiheadAttention` runs on.
 *
 * Masks. tapegrad has no bool dtype; a mask is a 0/1 tensor, and where PyTorch tells a boolean
 * mask from an additive one by its dtype, an **int32** tensor plays PyTorch's `bool` (nonzero =
 * true; comparisons of int32 tensors, such as `tokens.eq(pad)`, produce one) and a **float**
 * tensor is added to the attention scores (use −Infinity to block a position). A float 0/1 mask
 * is therefore added, not applied: convert it with `.int()` first.
 */
import {
  arange,
  checkOptions,
  type Generator,
  type OptionKeys,
  optionalTensor,
  requireFinite,
  requireTensor,
  TapegradError,
  type Tensor,
  where,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';
import { checkDropoutP, dropout } from './dropout.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * `[…, L, S]` (broadcast over the leading axes): an int32 (boolean) mask where 1 marks the
   * positions that **take part** (PyTorch's `scaled_dot_product_attention` convention), or a float
   * mask added to the scores.
   */
  attnMask?: Tensor | null;
  /** Query i attends to keys j ≤ i only (a lower-triangular mask from the top left); not with `attnMask`. */
  isCausal?: boolean;
  /** Dropout on the attention weights (applied whenever > 0, as PyTorch's functional form). */
  dropoutP?: number;
  /** Scores are `q·kᵀ·scale`; default 1/√E. */
  scale?: number | null;
  /** The stream of the dropout mask; the default stream otherwise. */
  generator?: Generator;
}

const SDPA_KEYS: OptionKeys<ScaledDotProductAttentionOptions> = {
  attnMask: true,
  isCausal: true,
  dropoutP: true,
  scale: true,
  generator: true,
};

/**
 * The additive form of a mask, in `like`'s dtype: a float mask as it is; an int32 (boolean) mask
 * becomes −∞ where it blocks and 0 elsewhere. `blocking` says which int32 value blocks: nonzero
 * (MultiheadAttention's convention) or zero (scaledDotProductAttention's).
 */
export function additiveMask(mask: Tensor, blocking: 'nonzero' | 'zero', like: Tensor): Tensor {
  if (mask.dtype !== 'int32') return mask.to(like.dtype);
  const isZero = mask.eq(0);
  return (blocking === 'zero' ? where(isZero, -Infinity, 0) : where(isZero, 0, -Infinity)).to(like.dtype);
}

/** int32 1 where key j may be seen from query i (j ≤ i), shape `[L, S]`. */
export function causalMask(l: number, s: number): Tensor {
  const rows = arange(0, l, 1, { dtype: 'int32' }).reshape([l, 1]);
  const cols = arange(0, s, 1, { dtype: 'int32' }).reshape([1, s]);
  return cols.le(rows);
}

/**
 * softmax(q·kᵀ·scale + mask)·v over the last two axes, with optional dropout on the weights.
 * Returns the output and the (post-dropout) weights.
 */
export function attend(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | null,
  scale: number,
  dropoutP: number,
  generator: Generator | undefined,
): { output: Tensor; weights: Tensor } {
  let scores = q.matmul(k.transpose(-2, -1)).mul(scale);
  if (mask) scores = scores.add(mask);
  let weights = scores.softmax(-1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, { generator });
  return { output: weights.matmul(v), weights };
}

/**
 * Attention of `query` `[…, L, E]` over `key` `[…, S, E]` and `value` `[…, S, Ev]`:
 * softmax(q·kᵀ·scale + mask)·v, shape `[…, L, Ev]`; leading axes broadcast. A query row whose
 * every key is masked out gives NaN, as PyTorch.
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options?: ScaledDotProductAttentionOptions,
): Tensor {
  const op = 'scaledDotProductAttention';
  options = checkOptions(op, options, SDPA_KEYS);
  const { isCausal = false, dropoutP = 0, generator } = options;
  const attnMask = optionalTensor(op, 'attnMask', options.attnMask);
  requireTensor(op, 'query', query);
  requireTensor(op, 'key', key);
  requireTensor(op, 'value', value);
  checkDropoutP(op, dropoutP);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new TapegradError(
      op,
      `query, key and value need at least 2 axes ([…, L, E], […, S, E], […, S, Ev]), got ${fmtShape(query.shape)}, ${fmtShape(key.shape)}, ${fmtShape(value.shape)}.`,
    );
  }
  const e = query.shape[query.ndim - 1]!;
  const l = query.shape[query.ndim - 2]!;
  const s = key.shape[key.ndim - 2]!;
  if (key.shape[key.ndim - 1] !== e || value.shape[value.ndim - 2] !== s) {
    throw new TapegradError(
      op,
      `key ${fmtShape(key.shape)} must end in [S, ${e}] and value ${fmtShape(value.shape)} in [${s}, Ev] for query ${fmtShape(query.shape)}.`,
    );
  }
  if (isCausal && attnMask) throw new TapegradError(op, 'give either attnMask or isCausal, not both.');
  const scale = requireFinite(op, 'scale', options.scale ?? 1 / Math.sqrt(e));
  let mask: Tensor | null = null;
  if (isCausal) mask = additiveMask(causalMask(l, s), 'zero', query);
  else if (attnMask) {
    const ms = attnMask.shape;
    if (attnMask.ndim < 2 || ms[ms.length - 2] !== l || ms[ms.length - 1] !== s) {
      throw new TapegradError(op, `attnMask must end in [L, S] = [${l}, ${s}], got ${fmtShape(ms)}.`);
    }
    mask = additiveMask(attnMask, 'zero', query);
  }
  return attend(query, key, value, mask, scale, dropoutP, generator).output;
}
