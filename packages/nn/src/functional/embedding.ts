import {
  checkOptions,
  markComposite,
  type OptionKeys,
  requireTensor,
  TapegradError,
  type Tensor,
  where,
} from '@tapegrad/core';
import { fmtShape } from '../util.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** Indices equal to this (negative counts from the end) read their row but send it no gradient. */
  paddingIdx?: number | null;
  /** Names the caller in errors. */
  op?: string;
}

const EMBEDDING_KEYS: OptionKeys<EmbeddingOptions> = { paddingIdx: true, op: true };

/** `paddingIdx` as a row number in `[0, n)`, or null. */
export function paddingRow(op: string, paddingIdx: number | null | undefined, n: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -n || paddingIdx >= n) {
    throw new TapegradError(
      op,
      `paddingIdx must be an integer in [${-n}, ${n - 1}] for ${n} embeddings, got ${paddingIdx}.`,
    );
  }
  return paddingIdx < 0 ? paddingIdx + n : paddingIdx;
}

/**
 * Rows of `weight` `[numEmbeddings, dim]` at int32 `indices` of any shape: `[...indices.shape, dim]`.
 * With `paddingIdx`, positions holding that index read the row as usual but pass no gradient to
 * it, as PyTorch's `F.embedding(…, padding_idx)`. (A string third argument is the caller's name.)
 */
export function embedding(indices: Tensor, weight: Tensor, options?: EmbeddingOptions | string): Tensor {
  const { paddingIdx = null, op = 'embedding' } =
    typeof options === 'string' ? { op: options } : checkOptions('embedding', options, EMBEDDING_KEYS);
  requireTensor(op, 'indices', indices);
  requireTensor(op, 'weight', weight);
  if (weight.ndim !== 2) {
    throw new TapegradError(
      op,
      `weight must be 2-D [numEmbeddings, dim], got shape ${fmtShape(weight.shape)}.`,
    );
  }
  if (indices.dtype !== 'int32') {
    throw new TapegradError(
      op,
      `indices must be int32, got ${indices.dtype}. Create them with tensor(values, { dtype: 'int32' }).`,
    );
  }
  const n = weight.shape[0]!;
  if (indices.size > 0) {
    const lo = indices.min().item();
    const hi = indices.max().item();
    if (lo < 0 || hi >= n) {
      throw new TapegradError(
        op,
        `index ${lo < 0 ? lo : hi} is out of range for ${n} embeddings (valid 0..${n - 1}); indices shape ${fmtShape(indices.shape)}.`,
      );
    }
  }
  const flat = indices.reshape([indices.size]);
  const shape = [...indices.shape, weight.shape[1]!];
  const rows = weight.indexSelect(0, flat).reshape(shape);
  const pad = paddingRow(op, paddingIdx, n);
  if (pad === null || !weight.requiresGrad) return markComposite(rows, 'embedding', [indices, weight]);
  // the padding positions read the same values from a detached weight, so no gradient reaches its row
  const frozen = weight.detach().indexSelect(0, flat).reshape(shape);
  return where(indices.eq(pad).unsqueeze(-1), frozen, rows);
}
