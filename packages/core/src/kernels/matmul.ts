import { packPanels } from './pack.js';
import { gemmF32 } from './wasm/gemm-f32.js';

type Arr = Float32Array | Float64Array;

// Packing buffers, reused across calls: fresh memory costs far more than refilling old memory.
let packedA: Float64Array = new Float64Array(0);
let packedB: Float64Array = new Float64Array(0);

const grow = (buf: Float64Array, size: number) =>
  buf.length >= size ? buf : new Float64Array(Math.max(size, buf.length * 2));

/**
 * `C = op(A) · op(B)` for one matrix pair, written into `c` at `cOff` (overwritten).
 * `op(A)` is `[m, k]`: A is stored `[m, k]`, or `[k, m]` when `transA`. `op(B)` is `[k, n]`: B is
 * stored `[k, n]`, or `[n, k]` when `transB`. The flags let backward use transposed operands
 * without the caller copying them.
 *
 * Both operands are first packed into float64 panels four rows (of A) or four columns (of B)
 * wide, so the inner loop reads both contiguously whatever the flags, and a 4×4 block of C lives
 * in sixteen local variables for the whole k loop: two loads per four multiply-adds instead of
 * three memory operations per multiply-add.
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
  // float32 goes through the SIMD kernel where the host has one; float64 stays exact in JS.
  if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) {
    if (gemmF32(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB)) return;
  }
  const mp = (m + 3) >> 2;
  const np = (n + 3) >> 2;
  packedA = grow(packedA, mp * k * 4);
  packedB = grow(packedB, np * k * 4);
  const pa = packedA;
  const pb = packedB;
  packPanels(a, aOff, m, k, transA ? 1 : k, transA ? m : 1, 4, pa, 0);
  packPanels(b, bOff, n, k, transB ? k : 1, transB ? 1 : n, 4, pb, 0);
  panelProduct(pa, pb, c, cOff, m, n, k);
}

/** The 4×4 register-blocked product of packed panels into `c` (see {@link matmul}). */
function panelProduct(
  pa: Float64Array,
  pb: Float64Array,
  c: Arr,
  cOff: number,
  m: number,
  n: number,
  k: number,
): void {
  const mp = (m + 3) >> 2;
  const np = (n + 3) >> 2;
  for (let jp = 0; jp < np; jp++) {
    const bBase = jp * k * 4;
    const j = jp * 4;
    const cols = Math.min(4, n - j);
    for (let ip = 0; ip < mp; ip++) {
      const aBase = ip * k * 4;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0;
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let p = 0; p < k; p++) {
        const ao = aBase + p * 4;
        const bo = bBase + p * 4;
        const a0 = pa[ao]!;
        const a1 = pa[ao + 1]!;
        const a2 = pa[ao + 2]!;
        const a3 = pa[ao + 3]!;
        const b0 = pb[bo]!;
        const b1 = pb[bo + 1]!;
        const b2 = pb[bo + 2]!;
        const b3 = pb[bo + 3]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const i = ip * 4;
      const rows = Math.min(4, m - i);
      const r0 = cOff + i * n + j;
      if (rows === 4 && cols === 4) {
        c[r0] = c00;
        c[r0 + 1] = c01;
        c[r0 + 2] = c02;
        c[r0 + 3] = c03;
        c[r0 + n] = c10;
        c[r0 + n + 1] = c11;
        c[r0 + n + 2] = c12;
        c[r0 + n + 3] = c13;
        c[r0 + 2 * n] = c20;
        c[r0 + 2 * n + 1] = c21;
        c[r0 + 2 * n + 2] = c22;
        c[r0 + 2 * n + 3] = c23;
        c[r0 + 3 * n] = c30;
        c[r0 + 3 * n + 1] = c31;
        c[r0 + 3 * n + 2] = c32;
        c[r0 + 3 * n + 3] = c33;
      } else {
        const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s++) c[r0 + r * n + s] = block[r * 4 + s]!;
      }
    }
  }
}
