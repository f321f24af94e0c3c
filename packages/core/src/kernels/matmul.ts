type Arr = Float32Array | Float64Array;

const BLOCK_K = 128;
const BLOCK_N = 512;

/**
 * `C = op(A) · op(B)` for one matrix pair, written into `c` at `cOff` (overwritten).
 * `op(A)` is `[m, k]`: A is stored `[m, k]`, or `[k, m]` when `transA`. `op(B)` is `[k, n]`: B is
 * stored `[k, n]`, or `[n, k]` when `transB`. The flags let backward use transposed operands
 * without copying them.
 */
export function matmul(
  a: Arr,
  aOff: number,
  b: Arr,
  bOff: number,
  c: Arr,
  cOff: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  c.fill(0, cOff, cOff + m * n);
  if (transB && !transA) return matmulNT(a, aOff, b, bOff, c, cOff, m, n, k);
  // i-k-j order: the innermost loop runs along contiguous rows of B and C. Blocking over k and j
  // keeps a panel of B in cache while every row of A streams past it.
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const j1 = Math.min(n, j0 + BLOCK_N);
    for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
      const p1 = Math.min(k, p0 + BLOCK_K);
      for (let i = 0; i < m; i++) {
        const ci = cOff + i * n;
        for (let p = p0; p < p1; p++) {
          const av = a[aOff + i * aRow + p * aCol]!;
          if (av === 0) continue;
          if (transB) {
            for (let j = j0; j < j1; j++) c[ci + j] = c[ci + j]! + av * b[bOff + j * k + p]!;
          } else {
            const bp = bOff + p * n;
            for (let j = j0; j < j1; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
          }
        }
      }
    }
  }
}

/** `C = A · Bᵀ`: each entry is a dot product of two contiguous rows, four at a time. */
function matmulNT(
  a: Arr,
  aOff: number,
  b: Arr,
  bOff: number,
  c: Arr,
  cOff: number,
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * k;
    for (let j = 0; j < n; j++) {
      const bj = bOff + j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += a[ai + p]! * b[bj + p]!;
        s1 += a[ai + p + 1]! * b[bj + p + 1]!;
        s2 += a[ai + p + 2]! * b[bj + p + 2]!;
        s3 += a[ai + p + 3]! * b[bj + p + 3]!;
      }
      for (; p < k; p++) s0 += a[ai + p]! * b[bj + p]!;
      c[cOff + i * n + j] = s0 + s1 + s2 + s3;
    }
  }
}
