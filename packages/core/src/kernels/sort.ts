/**
 * Stable sorting along the middle axis of a tensor viewed as `[outer, n, inner]`. NaN counts as
 * larger than every number (last ascending, first descending), as PyTorch.
 */
type Arr = Float32Array | Float64Array | Int32Array;

/** Whether `a` must come before `b` in the order (ties: neither, so a stable sort keeps them). */
const before = (a: number, b: number, descending: boolean): boolean => {
  if (descending) return a > b || (Number.isNaN(a) && !Number.isNaN(b));
  return a < b || (Number.isNaN(b) && !Number.isNaN(a));
};

/**
 * Merge-sorts the axis positions `idx[0..n)` of one line (values `line[p·inner]` from `base`) in
 * place, with `tmp` as scratch. Bottom-up and iterative: no recursion, no closures per element.
 */
function sortLine(
  x: Arr,
  base: number,
  inner: number,
  n: number,
  descending: boolean,
  idx: Int32Array,
  tmp: Int32Array,
): void {
  let src = idx;
  let dst = tmp;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // take the right element only if it strictly precedes the left one: stable
        if (before(x[base + src[j]! * inner]!, x[base + src[i]! * inner]!, descending)) dst[k++] = src[j++]!;
        else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== idx) idx.set(src.subarray(0, n));
}

/**
 * Sorts every line of `x` (`[outer, n, inner]`) and writes the first `k` entries of each sorted
 * line: `indices` (`[outer, k, inner]`) gets their positions along the axis, `positions` their
 * flat positions in `x` (so values can be gathered, and gradients scattered back).
 */
export function sortAxis(
  x: Arr,
  outer: number,
  n: number,
  inner: number,
  k: number,
  descending: boolean,
  indices: Int32Array,
  positions: Int32Array,
): void {
  const idx = new Int32Array(n);
  const tmp = new Int32Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let p = 0; p < n; p++) idx[p] = p;
      sortLine(x, base, inner, n, descending, idx, tmp);
      for (let r = 0; r < k; r++) {
        const at = (o * k + r) * inner + i;
        indices[at] = idx[r]!;
        positions[at] = base + idx[r]! * inner;
      }
    }
  }
}
