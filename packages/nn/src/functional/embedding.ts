import { markComposite, TapegradError, type Tensor } from '@tapegrad/core';
import { fmtShape } from '../util.js';

/** Rows of `weight` `[numEmbeddings, dim]` at int32 `indices` of any shape: `[...indices.shape, dim]`. */
export function embedding(indices: Tensor, weight: Tensor, op = 'embedding'): Tensor {
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
  const rows = weight.indexSelect(0, indices.reshape([indices.size]));
  return markComposite(rows.reshape([...indices.shape, weight.shape[1]!]), 'embedding', [indices, weight]);
}
