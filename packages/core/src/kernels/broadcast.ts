/**
 * Broadcast index plans: the output of a broadcast binary op walked as `outer × rows × cols`,
 * with axes merged wherever both operands allow, so the inner loops run as long as possible.
 */

/**
 * Strides of `shape` inside a broadcast `outShape`: a broadcast (size-1 or missing) axis gets
 * stride 0, so walking the output walks each input without materializing it.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i]!;
    strides[rank - i] = d === 1 ? 0 : s;
    s *= d;
  }
  return strides;
}

/**
 * A broadcast binary op as `out[o, r, c] = a[ao(o) + r·ars + c·acs] OP b[bo(o) + r·brs + c·bcs]`.
 * The column strides are 0 or 1; a row stride is 0 (broadcast), 1 (a column vector) or `cols`.
 */
export interface BroadcastPlan {
  /** Sizes of the outer axes, and each operand's strides along them. */
  readonly outer: readonly number[];
  readonly aOuter: readonly number[];
  readonly bOuter: readonly number[];
  readonly rows: number;
  readonly ars: number;
  readonly brs: number;
  readonly cols: number;
  readonly acs: number;
  readonly bcs: number;
}

/**
 * The plan of `a OP b → out`: size-1 axes dropped, then adjacent axes merged where each operand
 * is contiguous across them (or broadcast along both), so `[m, n] + [m, n]` is one run of m·n,
 * `[m, n] + [n]` is m rows of a run, and `[b, c, h, w] + [1, c, 1, 1]` is b·c rows of a scalar.
 */
export function broadcastPlan(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): BroadcastPlan {
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const size: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < outShape.length; d++) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const last = size.length - 1;
    if (last >= 0 && as[last] === sa[d]! * n && bs[last] === sb[d]! * n) {
      size[last]! *= n;
      as[last] = sa[d]!;
      bs[last] = sb[d]!;
    } else {
      size.push(n);
      as.push(sa[d]!);
      bs.push(sb[d]!);
    }
  }
  while (size.length < 2) {
    size.unshift(1);
    as.unshift(0);
    bs.unshift(0);
  }
  const k = size.length;
  return {
    outer: size.slice(0, k - 2),
    aOuter: as.slice(0, k - 2),
    bOuter: bs.slice(0, k - 2),
    rows: size[k - 2]!,
    ars: as[k - 2]!,
    brs: bs[k - 2]!,
    cols: size[k - 1]!,
    acs: as[k - 1]!,
    bcs: bs[k - 1]!,
  };
}

/**
 * Calls `visit(ao, bo, oo)` with the operands' and the output's offsets at each index of the
 * plan's outer axes (once when there are none); the output is contiguous, rows·cols per index.
 */
export function forEachOuter(plan: BroadcastPlan, visit: (ao: number, bo: number, oo: number) => void): void {
  const { outer, aOuter, bOuter } = plan;
  const block = plan.rows * plan.cols;
  let count = 1;
  for (const d of outer) count *= d;
  const counter = new Array<number>(outer.length).fill(0);
  let ao = 0;
  let bo = 0;
  for (let i = 0; i < count; i++) {
    visit(ao, bo, i * block);
    for (let d = outer.length - 1; d >= 0; d--) {
      counter[d]!++;
      ao += aOuter[d]!;
      bo += bOuter[d]!;
      if (counter[d]! < outer[d]!) break;
      ao -= aOuter[d]! * outer[d]!;
      bo -= bOuter[d]! * outer[d]!;
      counter[d] = 0;
    }
  }
}
