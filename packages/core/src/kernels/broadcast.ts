/**
 * Broadcast index plans: the output of a broadcast elementwise op walked as `outer × rows × cols`,
 * with axes merged wherever every operand allows, so the inner loops run as long as possible.
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
 * A broadcast elementwise op over operands `k = 0, 1, …` as
 * `out[o, r, c] = f(x_k[start_k(o) + r·rowStrides[k] + c·colStrides[k]])`. Column strides are 0
 * or 1; a row stride is 0 (broadcast), 1 (a column vector) or `cols`.
 */
export interface BroadcastPlan {
  /** Sizes of the outer axes, and each operand's strides along them (`outerStrides[k][axis]`). */
  readonly outer: readonly number[];
  readonly outerStrides: readonly (readonly number[])[];
  readonly rows: number;
  readonly rowStrides: readonly number[];
  readonly cols: number;
  readonly colStrides: readonly number[];
}

/**
 * The plan of an elementwise op on operands of `shapes` broadcast to `outShape`: size-1 axes
 * dropped, then adjacent axes merged where every operand is contiguous across them (or broadcast
 * along both), so `[m, n] + [m, n]` is one run of m·n, `[m, n] + [n]` is m rows of a run, and
 * `[b, c, h, w] + [1, c, 1, 1]` is b·c rows of a scalar.
 */
export function broadcastPlan(
  shapes: readonly (readonly number[])[],
  outShape: readonly number[],
): BroadcastPlan {
  const strides = shapes.map((s) => broadcastStrides(s, outShape));
  const size: number[] = [];
  const merged: number[][] = shapes.map(() => []);
  for (let d = 0; d < outShape.length; d++) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const last = size.length - 1;
    if (last >= 0 && strides.every((s, k) => merged[k]![last] === s[d]! * n)) {
      size[last]! *= n;
      strides.forEach((s, k) => {
        merged[k]![last] = s[d]!;
      });
    } else {
      size.push(n);
      strides.forEach((s, k) => merged[k]!.push(s[d]!));
    }
  }
  while (size.length < 2) {
    size.unshift(1);
    for (const m of merged) m.unshift(0);
  }
  const k = size.length;
  return {
    outer: size.slice(0, k - 2),
    outerStrides: merged.map((m) => m.slice(0, k - 2)),
    rows: size[k - 2]!,
    rowStrides: merged.map((m) => m[k - 2]!),
    cols: size[k - 1]!,
    colStrides: merged.map((m) => m[k - 1]!),
  };
}

/**
 * Calls `visit(starts, oo)` at each index of the plan's outer axes (once when there are none),
 * with the operands' start offsets there (one array, updated in place) and the output's; the
 * output is contiguous, rows·cols per index.
 */
export function forEachOuter(
  plan: BroadcastPlan,
  visit: (starts: readonly number[], oo: number) => void,
): void {
  const { outer, outerStrides } = plan;
  const block = plan.rows * plan.cols;
  let count = 1;
  for (const d of outer) count *= d;
  const counter = new Array<number>(outer.length).fill(0);
  const starts = outerStrides.map(() => 0);
  for (let i = 0; i < count; i++) {
    visit(starts, i * block);
    for (let d = outer.length - 1; d >= 0; d--) {
      counter[d]!++;
      const wrap = counter[d]! === outer[d]!;
      for (let k = 0; k < starts.length; k++) {
        starts[k]! += wrap ? -(outer[d]! - 1) * outerStrides[k]![d]! : outerStrides[k]![d]!;
      }
      if (!wrap) break;
      counter[d] = 0;
    }
  }
}
