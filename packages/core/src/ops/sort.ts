/**
 * Sorting ops: `sort`, `argsort` and `topk`. The values are a gather of the input at the sorted
 * positions (`take`), so their gradient scatters back to where each value came from.
 */
import { fmtShape, TapegradError } from '../errors.js';
import { sortAxis } from '../kernels/sort.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { take } from './shape-core.js';

/** Sorted (or top-k) values with their int32 positions along the axis, as PyTorch's `(values, indices)`. */
export interface SortResult {
  /** The selected values, differentiable (the gradient flows back to where each came from). */
  values: Tensor;
  /** int32 positions along the axis of each value in the input. */
  indices: Tensor;
}

/** Sorts the first `k` of every line along `axis`; a 0-d tensor is a line of one. */
function sortedLines(
  op: string,
  x: Tensor,
  axis: number,
  k: number | undefined,
  descending: boolean,
): SortResult {
  const rank = Math.max(x.ndim, 1);
  const a = normalizeAxis(op, axis, rank);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const n = shape[a]!;
  const count = k ?? n;
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new TapegradError(
      op,
      `k = ${count} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(x.shape)}); k must be an integer in 0..${n}.`,
    );
  }
  const outShape = shape.map((d, i) => (i === a ? count : d));
  const outer = sizeOf(shape.slice(0, a));
  const inner = sizeOf(shape.slice(a + 1));
  const indices = emptyTensor(x.ndim === 0 ? [] : outShape, 'int32');
  const positions = new Int32Array(indices.size);
  sortAxis(x.data, outer, n, inner, count, descending, indices.data as Int32Array, positions);
  return { values: take(op, x, positions, indices.shape), indices };
}

/**
 * Sorts along `axis` (default the last), ascending unless `descending`. The sort is stable:
 * equal values keep their order (PyTorch's `stable=True`), and NaN sorts as the largest value.
 */
export const sort = (x: Tensor, axis = -1, descending = false): SortResult =>
  sortedLines('sort', x, axis, undefined, descending);

/** The int32 positions that sort `x` along `axis` (stable; see {@link sort}). */
export const argsort = (x: Tensor, axis = -1, descending = false): Tensor =>
  sortedLines('argsort', x, axis, undefined, descending).indices;

/**
 * The `k` largest (or, with `largest = false`, smallest) values along `axis` and their int32
 * positions. They always come sorted (largest first, or smallest first): PyTorch leaves the
 * order unspecified when `sorted` is false, so sorted order is one valid answer. Ties keep their
 * order along the axis.
 */
export function topk(x: Tensor, k: number, axis = -1, largest = true, _sorted = true): SortResult {
  return sortedLines('topk', x, axis, k, largest);
}

provideOps({ argsort, sort, topk });
