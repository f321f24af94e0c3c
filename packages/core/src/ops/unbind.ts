/** `unbind`: a tensor's slices along an axis as separate tensors, with a backward linear in size. */
import { arange } from '../creation.js';
import { TapegradError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { indexSelect } from './shape.js';
import { reshape } from './shape-core.js';

// Below this many slices, taking each directly is cheapest.
const DIRECT = 4;

/** Positions `lo..hi−1` along `axis` (indexSelect copies them as whole blocks). */
const range = (t: Tensor, axis: number, lo: number, hi: number): Tensor =>
  indexSelect(t, axis, arange(lo, hi, 1, { dtype: 'int32' }));

/**
 * The `n` slices of `x` along `axis` (the axis removed), as `torch.unbind`. Taking all n from `x`
 * would give `x` n dense gradient contributions of its full size in backward (n² work); halving
 * first means each tensor of the halving tree gets two, so backward costs O(size·log n).
 */
export function unbind(x: Tensor, axis = 0): Tensor[] {
  if (x.ndim === 0) throw new TapegradError('unbind', 'cannot unbind a 0-d tensor.');
  const a = normalizeAxis('unbind', axis, x.ndim);
  const sliceShape = x.shape.filter((_, i) => i !== a);
  const out: Tensor[] = [];
  const split = (t: Tensor): void => {
    const n = t.shape[a]!;
    if (n <= DIRECT) {
      for (let i = 0; i < n; i++) out.push(reshape(range(t, a, i, i + 1), sliceShape));
      return;
    }
    const half = Math.ceil(n / 2);
    split(range(t, a, 0, half));
    split(range(t, a, half, n));
  };
  split(x);
  return out;
}

provideOps({ unbind });
