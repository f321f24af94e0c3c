/** Running sums and products along one axis: `cumsum` and `cumprod`, differentiable to any order. */
import { scanAxis } from '../kernels/scan.js';
import { record } from '../record.js';
import { normalizeAxis, sizeOf } from '../shape.js';
import { emptyTensor, type Tensor } from '../tensor.js';
import { where } from './elementwise.js';

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
 * `out[…, j, …] = Π_{i ≤ j} x[…, i, …]` along `axis`. The gradient is exact with zeros: with
 * y = cumprod(x) and z the first zero of a line, ∂L/∂x_k is
 * - Σ_{i ≥ k} g_i·y_i / x_k before z (x_k ≠ 0 there),
 * - Σ_{i ≥ z} g_i·y′_i at z, where y′ is the cumprod of x with x_z replaced by 1,
 * - 0 after z (every product through x_k also runs through x_z = 0).
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

function cumprodGrad(g: Tensor, x: Tensor, y: Tensor, axis: number): Tensor {
  const isZero = x.eq(0);
  const fromEnd = (v: Tensor) => scanSum(v, axis, true);
  if (isZero.sum().item() === 0) return fromEnd(g.mul(y)).div(x);
  const zerosSoFar = scanData('sum', isZero, axis, false);
  const before = zerosSoFar.eq(0);
  const first = isZero.mul(zerosSoFar.eq(1));
  const gradBefore = fromEnd(g.mul(y)).div(where(before, x, 1));
  const gradFirst = fromEnd(g.mul(cumprod(where(first, 1, x), axis)));
  return where(before, gradBefore, where(first, gradFirst, 0));
}
