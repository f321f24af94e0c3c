/**
 * Elementwise loops that apply the per-element rules of `math/rules.ts` — the float64 path of the
 * tensor ops, so that a float64 tensor op computes exactly what the Scalar op computes, element by
 * element, and the fused backward of any one-input op in any float dtype.
 */
import { NUMBERS } from '../math/numbers.js';
import type { BinaryRule, UnaryRule } from '../math/rules.js';
import { broadcastStrides } from './binary.js';

type Arr = Float32Array | Float64Array | Int32Array;

/** `out[i] = f(x[i])`. */
export function applyUnary(rule: UnaryRule, x: Arr, out: Arr, p: number, q: number): void {
  const f = rule.value;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, p, q);
}

/** `dx[i] = g[i] · f′(x[i])`, the backward of a one-input op in one pass (`out` = f(x)). */
export function applyUnaryGrad(
  rule: UnaryRule,
  g: Arr,
  x: Arr,
  out: Arr,
  dx: Arr,
  p: number,
  q: number,
): void {
  for (let i = 0; i < dx.length; i++) dx[i] = g[i]! * (rule.grad(NUMBERS, x[i]!, out[i]!, p, q) as number);
}

/** `out = f(a, b)` broadcast to `outShape` (NumPy rules), walking the output row by row. */
export function applyBinary(
  rule: BinaryRule,
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (n === 0) return;
  const f = rule.value;
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = rank === 0 ? 1 : outShape[rank - 1]!;
  const ia = rank === 0 ? 0 : sa[rank - 1]!;
  const ib = rank === 0 ? 0 : sb[rank - 1]!;
  const counter = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  for (let r = 0; r < n / inner; r++) {
    const o = r * inner;
    for (let j = 0; j < inner; j++) out[o + j] = f(a[ao + j * ia]!, b[bo + j * ib]!);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      ao += sa[d]!;
      bo += sb[d]!;
      if (counter[d]! < outShape[d]!) break;
      ao -= sa[d]! * outShape[d]!;
      bo -= sb[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
}
