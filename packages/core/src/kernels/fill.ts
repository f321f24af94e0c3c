/** Filling kernels for tensor creation. */
type Arr = Float32Array | Float64Array | Int32Array;

/** `out[i] = start + i·step`. */
export function fillArange(out: Arr, start: number, step: number): void {
  for (let i = 0; i < out.length; i++) out[i] = start + i * step;
}

/** `out.length` evenly spaced values from `start` to `end` inclusive. */
export function fillLinspace(out: Arr, start: number, end: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
}

/** Ones on the diagonal of a zeroed row-major `n × m` matrix. */
export function fillEye(out: Arr, n: number, m: number): void {
  for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
}

/**
 * One-hot rows: `out[i·numClasses + indices[i]] = 1` on a zeroed `out`. Returns the position of
 * the first index outside `[0, numClasses)`, or −1 when all are valid.
 */
export function fillOneHot(indices: Arr, numClasses: number, out: Arr): number {
  for (let i = 0; i < indices.length; i++) {
    const c = indices[i]!;
    if (c < 0 || c >= numClasses || !Number.isInteger(c)) return i;
    out[i * numClasses + c] = 1;
  }
  return -1;
}

/**
 * Copies `index` into `out`, wrapping negative entries by `n` (Python style). Returns the first
 * entry outside `[−n, n)`, or undefined when all are valid.
 */
export function wrapIndices(index: Arr, n: number, out: Int32Array): number | undefined {
  for (let i = 0; i < index.length; i++) {
    const v = index[i]!;
    if (v < -n || v >= n) return v;
    out[i] = v < 0 ? v + n : v;
  }
  return undefined;
}
