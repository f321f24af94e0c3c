/**
 * float32 matrix products through the WebAssembly SIMD kernel of `gemm-f32.wat`: operands are
 * copied into the kernels' memory and packed into panels there, C is computed tile by tile
 * (on the thread pool when the product is big enough) and read back.
 */

import { parallel } from '../threads/pool.js';
import { LAYOUT } from '../threads/protocol.js';
import { CONTROL_BYTES, heapOf, type Runtime, wasmRuntime } from './runtime.js';

type Arr = Float32Array | Float64Array;

/** Steps of k per block: a B panel's slice (32·KC bytes) stays in L1 while A streams past. */
const KC = 256;
/** Tile of C per task, in panels: 16 A panels (64 rows) by 16 B panels (128 columns). */
const MC_PANELS = 16;
const NC_PANELS = 16;
/** Below this many multiply-adds a product stays on the calling thread: waking workers costs more. */
const MIN_PARALLEL_MACS = 1 << 20;

/** A product laid out in the kernels' memory (byte offsets), ready to be packed and run. */
export interface Product {
  readonly rt: Runtime;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Panels of 4 rows of A and of 8 columns of B. */
  readonly mp: number;
  readonly np: number;
  readonly pa: number;
  readonly pb: number;
  readonly pc: number;
  /** Where an operand is copied before it is packed. */
  readonly raw: number;
  /** C's row stride in floats (`np · 8`): C is `mp·4 × np·8`, its padding unused. */
  readonly ldc: number;
  /** A view of the whole memory, valid until the next {@link planProduct}. */
  readonly heap: Float32Array;
}

const align = (bytes: number) => (bytes + 63) & ~63;

/**
 * Reserves memory for `C[m×n] = A[m×k] · B[k×n]`, with `rawFloats` floats of staging space for
 * an operand before packing. Null where the kernels are unavailable or the product does not fit.
 */
export function planProduct(m: number, n: number, k: number, rawFloats: number): Product | null {
  const rt = wasmRuntime();
  if (rt === null) return null;
  const mp = (m + 3) >> 2;
  const np = (n + 7) >> 3;
  const pa = CONTROL_BYTES;
  const pb = align(pa + mp * 16 * k);
  const pc = align(pb + np * 32 * k);
  const raw = align(pc + mp * 4 * np * 32);
  const heap = heapOf(rt, raw + rawFloats * 4);
  if (heap === null) return null;
  return { rt, m, n, k, mp, np, pa, pb, pc, raw, ldc: np * 8, heap };
}

/**
 * Packs A (`which = 'a'`, `[m, k]`, or stored `[k, m]` when `trans`) or B (`'b'`, `[k, n]`, or
 * stored `[n, k]` when `trans`) from `src` at `off` into the product's panels.
 */
export function packOperand(p: Product, which: 'a' | 'b', src: Arr, off: number, trans: boolean): void {
  const size = (which === 'a' ? p.m : p.n) * p.k;
  p.heap.set(
    src instanceof Float32Array ? src.subarray(off, off + size) : src.slice(off, off + size),
    p.raw / 4,
  );
  packStaged(p, which, trans);
}

/** As {@link packOperand}, for an operand already written at `p.raw` (e.g. by im2col). */
export function packStaged(p: Product, which: 'a' | 'b', trans: boolean): void {
  const rows = which === 'a' ? p.m : p.n;
  // A's rows run along k unless transposed; B's columns are strided unless transposed.
  const alongK = which === 'a' ? !trans : trans;
  const rs = alongK ? p.k : 1;
  const cs = alongK ? 1 : rows;
  p.rt.exports.pack(p.raw, rows, p.k, rs, cs, which === 'a' ? 4 : 8, which === 'a' ? p.pa : p.pb);
}

/** Computes C from the packed operands, on the thread pool when the product is large. */
export function runProduct(p: Product): void {
  if (p.k === 0) {
    p.heap.fill(0, p.pc / 4, p.pc / 4 + p.mp * 4 * p.ldc);
    return;
  }
  const tilesI = Math.ceil(p.mp / MC_PANELS);
  const tiles = tilesI * Math.ceil(p.np / NC_PANELS);
  const args = [p.pa, p.pb, p.pc, p.ldc * 4, p.k, KC, p.mp, p.np, MC_PANELS, NC_PANELS, tilesI];
  parallel(p.rt, LAYOUT.GEMM, args, tiles, p.m * p.n * p.k >= MIN_PARALLEL_MACS);
}

/** Copies C (`[m, n]`, row-major) out of the kernels' memory into `c` at `cOff`. */
export function readProduct(p: Product, c: Arr, cOff: number): void {
  const base = p.pc / 4;
  // Rows without padding are one block: one copy instead of a view and a copy per row.
  if (p.ldc === p.n) {
    c.set(p.heap.subarray(base, base + p.m * p.n), cOff);
    return;
  }
  for (let i = 0; i < p.m; i++) {
    const src = base + i * p.ldc;
    c.set(p.heap.subarray(src, src + p.n), cOff + i * p.n);
  }
}

/** `C = op(A) · op(B)` as in `kernels/matmul.ts`, for float32 data; false if it could not run. */
export function gemmF32(
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
): boolean {
  const p = planProduct(m, n, k, Math.max(m, n) * k);
  if (p === null) return false;
  packOperand(p, 'a', a, aOff, transA);
  packOperand(p, 'b', b, bOff, transB);
  runProduct(p);
  readProduct(p, c, cOff);
  return true;
}
