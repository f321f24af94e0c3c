/**
 * The float32 SIMD kernels over JavaScript typed arrays: data is copied into the kernels' memory
 * a block at a time (a block stays in the first-level caches), run, and copied back. Each
 * function returns false where WebAssembly SIMD is unavailable, and the caller runs its
 * JavaScript loop instead.
 */
import { type BroadcastPlan, forEachOuter } from '../broadcast.js';
import type { SimdBinaryOp, SimdUnaryOp } from '../op-names.js';
import { type ElementwiseF32, elementwiseF32 } from './elementwise.js';

/** Floats per staged block: 32 KB, so a block and its result fit in the first-level cache. */
const BLOCK = 8192;
/** Slack after each staged buffer: the kernels may pass a buffer's end by up to 3 floats. */
const SLACK = 16;

/** Byte offsets of three staging buffers of `floats` each and a scratch area after them. */
interface Layout {
  readonly a: number;
  readonly b: number;
  readonly d: number;
  readonly scratch: number;
}

let f32: Float32Array | null = null;
let f64: Float64Array | null = null;

/** The kernels, where their staging buffers are, and a float32 view of their memory. */
interface Staged {
  readonly k: ElementwiseF32;
  readonly at: Layout;
  readonly heap: Float32Array;
}

/** The kernels with buffers of at least `floats` floats each and `scratch` bytes reserved. */
function staged(floats: number, scratch = 0): Staged | null {
  const k = elementwiseF32();
  if (k === null) return null;
  const region = Math.ceil(((floats + SLACK) * 4) / 64) * 64;
  const base = k.heapBase;
  const at = { a: base, b: base + region, d: base + 2 * region, scratch: base + 3 * region };
  k.reserve(at.scratch + scratch);
  if (f32?.buffer !== k.memory.buffer) f32 = new Float32Array(k.memory.buffer);
  return { k, at, heap: f32 };
}

/** A float64 view of the kernels' memory (current after the last {@link staged}). */
function heap64(k: ElementwiseF32): Float64Array {
  if (f64?.buffer !== k.memory.buffer) f64 = new Float64Array(k.memory.buffer);
  return f64;
}

/** `out[i] = op(x[i])`; `x` and `out` may be the same array. */
export function unaryF32(op: SimdUnaryOp, x: Float32Array, out: Float32Array, p: number, q: number): boolean {
  const s = staged(BLOCK);
  if (s === null) return false;
  const { k, at, heap } = s;
  const kernel = k.unary[op];
  const n = x.length;
  const a = at.a >> 2;
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    heap.set(x.subarray(i, i + len), a);
    kernel(at.a, at.a, len, p, q);
    out.set(heap.subarray(a, a + len), i);
  }
  return true;
}

/** Floats of an operand a block of `rows × cols` reads, from its first one. */
const span = (rs: number, cs: number, rows: number, cols: number) => (rows - 1) * rs + (cs === 0 ? 1 : cols);

/**
 * `out = a OP b` along a broadcast plan; `out` may be `a` or `b` (gradient accumulation). Blocks
 * are whole rows when a row is short, else pieces of one row.
 */
export function binaryF32(
  op: SimdBinaryOp,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  plan: BroadcastPlan,
): boolean {
  const s = staged(BLOCK);
  if (s === null) return false;
  const { k, at, heap } = s;
  const kernel = k.binary[op].rows;
  const { rows, cols } = plan;
  const [ars, brs] = plan.rowStrides as [number, number];
  const [acs, bcs] = plan.colStrides as [number, number];
  const width = Math.min(cols, BLOCK);
  const tileRows = width === cols ? Math.max(1, Math.floor(BLOCK / cols)) : 1;
  forEachOuter(plan, ([ao, bo], oo) => {
    for (let r = 0; r < rows; r += tileRows) {
      const h = Math.min(tileRows, rows - r);
      for (let c = 0; c < cols; c += width) {
        const w = Math.min(width, cols - c);
        const a0 = ao! + r * ars + c * acs;
        const b0 = bo! + r * brs + c * bcs;
        heap.set(a.subarray(a0, a0 + span(ars, acs, h, w)), at.a >> 2);
        heap.set(b.subarray(b0, b0 + span(brs, bcs, h, w)), at.b >> 2);
        kernel(at.a, ars, acs, at.b, brs, bcs, at.d, h, w);
        out.set(heap.subarray(at.d >> 2, (at.d >> 2) + h * w), oo + r * cols + c);
      }
    }
  });
  return true;
}

type ReduceName = 'sum' | 'max' | 'min' | 'prod';

const identity: Record<ReduceName, number> = { sum: 0, max: -Infinity, min: Infinity, prod: 1 };

/** Combines two partial results as the kernels do (max/min propagate NaN; products round to float32). */
const combine: Record<ReduceName, (p: number, q: number) => number> = {
  sum: (p, q) => p + q,
  max: Math.max,
  min: Math.min,
  prod: (p, q) => Math.fround(p * q),
};

/**
 * `out[o, i] = OP_k x[o, k, i]` for `x` viewed as `[outer, n, inner]`. Sums accumulate in
 * float64. With `inner = 1` each row is reduced in blocks; otherwise blocks of whole rows (or
 * pieces of long rows) fold into a per-column accumulator.
 */
export function reduceF32(
  op: ReduceName,
  x: Float32Array,
  outer: number,
  n: number,
  inner: number,
  out: Float32Array,
): boolean {
  const s = staged(BLOCK, 8 * (Math.min(inner, BLOCK) + SLACK));
  if (s === null) return false;
  if (n === 0) out.fill(identity[op]);
  else if (inner === 1) reduceRuns(s, op, x, outer, n, out);
  else reduceColumns(s, op, x, outer, n, inner, out);
  return true;
}

function reduceRuns(
  s: Staged,
  op: ReduceName,
  x: Float32Array,
  outer: number,
  n: number,
  out: Float32Array,
): void {
  const { k, at, heap } = s;
  const all = op === 'sum' ? k.sum : k.reduce[op].all;
  if (n <= BLOCK) {
    // Many short rows: stage as many as fit at once, one kernel call per row.
    const perBlock = Math.floor(BLOCK / n);
    for (let o = 0; o < outer; o += perBlock) {
      const m = Math.min(perBlock, outer - o);
      heap.set(x.subarray(o * n, (o + m) * n), at.a >> 2);
      for (let r = 0; r < m; r++) out[o + r] = all(at.a + 4 * r * n, n);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    let acc = identity[op];
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      heap.set(x.subarray(o * n + i, o * n + i + len), at.a >> 2);
      acc = combine[op](acc, all(at.a, len));
    }
    out[o] = acc;
  }
}

function reduceColumns(
  s: Staged,
  op: ReduceName,
  x: Float32Array,
  outer: number,
  n: number,
  inner: number,
  out: Float32Array,
): void {
  const { k, at, heap } = s;
  const fold = op === 'sum' ? k.sumRows : k.reduce[op].rows;
  const acc = op === 'sum' ? heap64(k) : heap;
  const accIndex = op === 'sum' ? at.scratch >> 3 : at.scratch >> 2;
  const width = Math.min(inner, BLOCK);
  const tileRows = width === inner ? Math.max(1, Math.floor(BLOCK / inner)) : 1;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c += width) {
      const w = Math.min(width, inner - c);
      acc.fill(identity[op], accIndex, accIndex + w);
      for (let r = 0; r < n; r += tileRows) {
        const h = Math.min(tileRows, n - r);
        const start = (o * n + r) * inner + c;
        // A tile is whole rows (w = inner, contiguous) or a piece of one row (h = 1).
        heap.set(x.subarray(start, start + (h - 1) * inner + w), at.a >> 2);
        fold(at.a, at.scratch, h, w);
      }
      out.set(acc.subarray(accIndex, accIndex + w), o * inner + c);
    }
  }
}

/**
 * Softmax or log-softmax along the middle axis of `x` viewed as `[outer, n, inner]`. Rows
 * (inner = 1) are staged many at a time; otherwise slabs `[n, w]` of up to a block's worth of
 * columns, vectorized across them.
 */
export function softmaxF32(
  x: Float32Array,
  outer: number,
  n: number,
  inner: number,
  out: Float32Array,
  log: boolean,
): boolean {
  if (n === 0) return true;
  if (inner === 1) {
    const perBlock = Math.max(1, Math.floor(BLOCK / n));
    const s = staged(perBlock * n);
    if (s === null) return false;
    const { k, at, heap } = s;
    for (let o = 0; o < outer; o += perBlock) {
      const m = Math.min(perBlock, outer - o);
      heap.set(x.subarray(o * n, (o + m) * n), at.a >> 2);
      k.softmax(at.a, at.d, m, n, log ? 1 : 0);
      out.set(heap.subarray(at.d >> 2, (at.d >> 2) + m * n), o * n);
    }
    return true;
  }
  const width = Math.min(inner, Math.max(4, Math.floor(BLOCK / n)));
  const s = staged(n * width, 12 * width + 64);
  if (s === null) return false;
  const { k, at, heap } = s;
  const a = at.a >> 2;
  const d = at.d >> 2;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < inner; c += width) {
      const w = Math.min(width, inner - c);
      const base = o * n * inner + c;
      for (let r = 0; r < n; r++) heap.set(x.subarray(base + r * inner, base + r * inner + w), a + r * w);
      k.softmaxCols(at.a, at.d, n, w, log ? 1 : 0, at.scratch);
      for (let r = 0; r < n; r++) out.set(heap.subarray(d + r * w, d + (r + 1) * w), base + r * inner);
    }
  }
  return true;
}
