/**
 * 2-D convolution and its two gradients, each as ONE matrix product over the whole batch: the
 * images' im2col blocks sit side by side (`[C·KH·KW, N·OH·OW]`), so the product is large enough
 * to tile well and to split over threads, where one product per image would be tiny (a 5×5
 * kernel on one channel gives k = 25). float32 data is unfolded by the WebAssembly kernels in
 * their own memory, one image per task on the thread pool; float64 (or a host without
 * WebAssembly SIMD) runs the same steps in JS.
 */
import { type ConvGeometry, col2im, im2col } from './conv.js';
import { matmul } from './matmul.js';
import { parallel } from './threads/pool.js';
import { LAYOUT } from './threads/protocol.js';
import {
  type Product,
  packOperand,
  packStaged,
  planProduct,
  readProduct,
  runProduct,
} from './wasm/gemm-f32.js';

type Arr = Float32Array | Float64Array;

/** Sizes of the batched product: K = C·KH·KW rows of im2col, P pixels per image, NP in all. */
const sizes = (g: ConvGeometry, batch: number) => {
  const K = g.c * g.kh * g.kw;
  const P = g.oh * g.ow;
  return { K, P, NP: batch * P };
};

/** Below this many unfolded floats, im2col and col2im stay on the calling thread. */
const MIN_PARALLEL_FLOATS = 1 << 16;

/**
 * A float32 product in the kernels' memory with `staging` floats for an operand and, after them
 * at byte `images`, room for the batch of images; null for float64 data or without WebAssembly.
 */
function wasmProduct(
  m: number,
  n: number,
  k: number,
  staging: number,
  g: ConvGeometry,
  batch: number,
  ...data: Arr[]
): (Product & { images: number }) | null {
  if (!data.every((a) => a instanceof Float32Array)) return null;
  const stage = (staging + 15) & ~15;
  const p = planProduct(m, n, k, stage + batch * g.c * g.h * g.w);
  return p === null ? null : { ...p, images: p.raw + stage * 4 };
}

/**
 * im2col (or col2im) of the whole batch inside the kernels' memory, one image per task: images
 * at byte `images`, the `[K, N·P]` matrix at byte `cols` with rows `ld` floats apart.
 */
function unfoldBatch(
  p: Product,
  kind: number,
  g: ConvGeometry,
  batch: number,
  images: number,
  cols: number,
  ld: number,
): void {
  const { K, P, NP } = sizes(g, batch);
  const { c, h, w, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  const args = [images, cols, ld, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, c * h * w * 4, P * 4];
  parallel(p.rt, kind, args, batch, K * NP >= MIN_PARALLEL_FLOATS);
}

const like = (a: Arr, size: number): Arr =>
  a instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);

/** `[N, R, P]` → the `[R, N·P]` matrix at `at` in `dst`, rows `ld` apart. */
function batchToRows(
  src: Arr,
  dst: Arr,
  at: number,
  ld: number,
  batch: number,
  rows: number,
  P: number,
): void {
  for (let n = 0; n < batch; n++)
    for (let r = 0; r < rows; r++) {
      const s = (n * rows + r) * P;
      dst.set(src.subarray(s, s + P), at + r * ld + n * P);
    }
}

/**
 * The `[R, N·P]` matrix at `at` in `src`, rows `ld` apart → `[N, R, P]`, adding `bias[r]` to
 * row `r` when given (a convolution's bias, at no extra pass over the output).
 */
function rowsToBatch(
  src: Arr,
  at: number,
  ld: number,
  dst: Arr,
  batch: number,
  rows: number,
  P: number,
  bias: Arr | null,
): void {
  for (let n = 0; n < batch; n++)
    for (let r = 0; r < rows; r++) {
      const s = at + r * ld + n * P;
      const d = (n * rows + r) * P;
      if (bias === null) {
        dst.set(src.subarray(s, s + P), d);
        continue;
      }
      const b = bias[r]!;
      for (let i = 0; i < P; i++) dst[d + i] = src[s + i]! + b;
    }
}

/** Unfolds every image of the batch side by side into `cols` at `at` (`[K, N·P]`). */
function im2colBatch(x: Arr, g: ConvGeometry, batch: number, cols: Arr, at: number): void {
  const { P, NP } = sizes(g, batch);
  for (let n = 0; n < batch; n++) im2col(x, n, g, cols, at + n * P, NP);
}

/** `out[N, O, OH, OW] = conv(x[N, C, H, W], w[O, C, KH, KW]) + bias[O]`, as `w · im2col(x)`. */
export function convForward(
  x: Arr,
  w: Arr,
  bias: Arr | null,
  out: Arr,
  batch: number,
  o: number,
  g: ConvGeometry,
): void {
  const { K, P, NP } = sizes(g, batch);
  const p = wasmProduct(o, NP, K, K * NP, g, batch, x, w, out);
  if (p !== null) {
    packOperand(p, 'a', w, 0, false);
    p.heap.set(x, p.images / 4);
    unfoldBatch(p, LAYOUT.IM2COL, g, batch, p.images, p.raw, NP);
    packStaged(p, 'b', false);
    runProduct(p);
    rowsToBatch(p.heap, p.pc / 4, p.ldc, out, batch, o, P, bias);
    return;
  }
  const cols = like(x, K * NP);
  im2colBatch(x, g, batch, cols, 0);
  const c = like(x, o * NP);
  matmul(w, 0, cols, 0, c, 0, o, NP, K, false, false);
  rowsToBatch(c, 0, NP, out, batch, o, P, bias);
}

/** Adds d⟨conv(x, w), dy⟩/dx into `dx` (zeros on entry): `col2im(wᵀ · dy)`. */
export function convInputGrad(dy: Arr, w: Arr, dx: Arr, batch: number, o: number, g: ConvGeometry): void {
  const { K, P, NP } = sizes(g, batch);
  const p = wasmProduct(K, NP, o, o * NP, g, batch, dy, w, dx);
  if (p !== null) {
    packOperand(p, 'a', w, 0, true);
    batchToRows(dy, p.heap, p.raw / 4, NP, batch, o, P);
    packStaged(p, 'b', false);
    runProduct(p);
    p.heap.fill(0, p.images / 4, p.images / 4 + dx.length);
    unfoldBatch(p, LAYOUT.COL2IM, g, batch, p.images, p.pc, p.ldc);
    dx.set(p.heap.subarray(p.images / 4, p.images / 4 + dx.length));
    return;
  }
  const dyRows = like(dy, o * NP);
  batchToRows(dy, dyRows, 0, NP, batch, o, P);
  const cols = like(dy, K * NP);
  matmul(w, 0, dyRows, 0, cols, 0, K, NP, o, true, false);
  for (let n = 0; n < batch; n++) col2im(cols, n * P, NP, n, g, dx);
}

/** d⟨conv(x, w), dy⟩/dw into `dw` (`[O, C·KH·KW]`): `dy · im2col(x)ᵀ`, summed over the batch by k. */
export function convWeightGrad(x: Arr, dy: Arr, dw: Arr, batch: number, o: number, g: ConvGeometry): void {
  const { K, P, NP } = sizes(g, batch);
  const p = wasmProduct(o, K, NP, Math.max(o, K) * NP, g, batch, x, dy, dw);
  if (p !== null) {
    batchToRows(dy, p.heap, p.raw / 4, NP, batch, o, P);
    packStaged(p, 'a', false);
    p.heap.set(x, p.images / 4);
    unfoldBatch(p, LAYOUT.IM2COL, g, batch, p.images, p.raw, NP);
    packStaged(p, 'b', true);
    runProduct(p);
    readProduct(p, dw, 0);
    return;
  }
  const dyRows = like(dy, o * NP);
  batchToRows(dy, dyRows, 0, NP, batch, o, P);
  const cols = like(x, K * NP);
  im2colBatch(x, g, batch, cols, 0);
  matmul(dyRows, 0, cols, 0, dw, 0, o, K, NP, false, true);
}
