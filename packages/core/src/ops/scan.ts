/** Running sums and products along one axis: `cumsum` and `cumprod`, differentiable to any order. */
import { arange } from '../creation.js';
import { isGradEnabled } from '../grad-mode.js';
import { scanAxis } from '../kernels/scan.js';
import { record } from '../record.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { provideOps } from '../tensor-ops.js';
import { where } from './elementwise.js';
import { reshape } from './shape-core.js';

/** The scan over `axis` (already normalized), forwards or (`reverse`) from the end. */
function scanData(op: 'sum' | 'prod', x: Tensor, axis: number, reverse: boolean): Tensor {
  const shape = x.ndim === 0 ? [1] : x.shape;
  const out = emptyTensor(x.shape, x.dtype);
  const n = shape[axis]!;
  scanAxis(op, x.data, sizeOf(shape.slice(0, axis)), n, sizeOf(shape.slice(axis + 1)), reverse, out.data);
  return out;
}

/**
 * Running sum along `axis`, from the start (or from the end when `reverse`).
 * d/dx of ⟨cumsum(x), g⟩ is the running sum of g taken the other way.
 */
function scanSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  return record(
    'cumsum',
    [x],
    ([a]) => scanData('sum', a!, axis, reverse),
    (g) => [scanSum(g, axis, !reverse)],
  );
}

/** `out[…, j, …] = Σ_{i ≤ j} x[…, i, …]` along `axis` (negative counts from the end). */
export function cumsum(x: Tensor, axis: number): Tensor {
  return scanSum(x, normalizeAxis('cumsum', axis, Math.max(x.ndim, 1)), false);
}

/**
 * `out[…, j, …] = Π_{i ≤ j} x[…, i, …]` along `axis`. The gradient is exact with zeros (see
 * {@link cumprodGrad}), and so is its own gradient.
 */
export function cumprod(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('cumprod', axis, Math.max(x.ndim, 1));
  return record(
    'cumprod',
    [x],
    ([t]) => scanData('prod', t!, a, false),
    (g, [t], y) => [cumprodGrad(g, t!, y, a)],
  );
}

/**
 * ∂L/∂x_k = Σ_{i ≥ k} g_i·Π_{j ≤ i, j ≠ k} x_j. Without zeros that is Σ_{i ≥ k} g_i·y_i / x_k.
 * With zeros, and z the first zero of a line, it is
 * - the same quotient before z (x_k ≠ 0 there),
 * - Σ_{i ≥ z} g_i·y′_i at z, where y′ is the cumprod of x with x_z replaced by 1,
 * - 0 after z (every product through x_k also runs through x_z = 0).
 * That last 0 has a non-zero derivative with respect to x_z, so when the backward is itself
 * recorded (createGraph) the general form is used instead, as PyTorch does.
 */
function cumprodGrad(g: Tensor, x: Tensor, y: Tensor, axis: number): Tensor {
  const n = x.ndim === 0 ? 1 : x.shape[axis]!;
  if (n === 1) return g;
  const fromEnd = (v: Tensor) => scanSum(v, axis, true);
  const isZero = x.eq(0);
  if (isZero.sum().item() === 0) return fromEnd(g.mul(y)).div(x);
  if (isGradEnabled()) return cumprodGradGeneral(g, x, axis, n);
  const zerosSoFar = scanData('sum', isZero, axis, false);
  const before = zerosSoFar.eq(0);
  const first = isZero.mul(zerosSoFar.eq(1));
  const gradBefore = fromEnd(g.mul(y)).div(where(before, x, 1));
  const gradFirst = fromEnd(g.mul(cumprod(where(first, 1, x), axis)));
  return where(before, gradBefore, where(first, gradFirst, 0));
}

/** The definition, one position k at a time: Σ_{i ≥ k} g_i·(cumprod of x with x_k set to 1)_i. O(n) scans. */
function cumprodGradGeneral(g: Tensor, x: Tensor, axis: number, n: number): Tensor {
  const along = x.shape.map((d, i) => (i === axis ? d : 1));
  const positions = reshape(arange(0, n, 1, { dtype: x.dtype }), along);
  let total: Tensor | null = null;
  for (let k = 0; k < n; k++) {
    const isK = positions.eq(k);
    const term = scanSum(g.mul(cumprod(where(isK, 1, x), axis)), axis, true).mul(isK);
    total = total === null ? term : total.add(term);
  }
  return total!;
}

provideOps({ cumprod, cumsum });
