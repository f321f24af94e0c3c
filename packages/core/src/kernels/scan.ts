/** Running sums and products along the middle axis of a tensor viewed as `[outer, n, inner]`. */
type Arr = Float32Array | Float64Array | Int32Array;

/**
 * `out[o, j, i] = Σ (or Π) of x[o, 0..j, i]`, or of `x[o, j..n−1, i]` when `reverse`. The running
 * value is a JavaScript number (float64) whatever the element type.
 */
export function scanAxis(
  op: 'sum' | 'prod',
  x: Arr,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
  out: Arr,
): void {
  const start = reverse ? n - 1 : 0;
  const step = reverse ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = op === 'sum' ? 0 : 1;
      let at = (o * n + start) * inner + i;
      for (let j = 0; j < n; j++, at += step * inner) {
        acc = op === 'sum' ? acc + x[at]! : acc * x[at]!;
        out[at] = acc;
      }
    }
  }
}
