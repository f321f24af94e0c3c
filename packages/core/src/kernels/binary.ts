/**
 * Elementwise binary kernels with NumPy broadcasting, over typed arrays. float32 runs the SIMD
 * WebAssembly kernels; float64, int32 and mixed dtypes run the JavaScript row loops below.
 */
import { broadcastPlan, forEachOuter } from './broadcast.js';
import type { BinaryOp } from './op-names.js';
import { isSimdBinary } from './wasm/elementwise.js';
import { binaryF32 } from './wasm/staging.js';

export { broadcastStrides } from './broadcast.js';
export type { BinaryOp } from './op-names.js';

type Arr = Float32Array | Float64Array | Int32Array;

/** One op over a row of `n`: `out[o + j] = a[ai + j·sa] OP b[bi + j·sb]`, the strides 0 or 1. */
type RowLoop = (
  a: Arr,
  ai: number,
  sa: number,
  b: Arr,
  bi: number,
  sb: number,
  out: Arr,
  o: number,
  n: number,
) => void;

/** The JavaScript row loops by op name. */
const ROWS: Record<BinaryOp, RowLoop> = {
  add: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! + b[bi + j * sb]!;
  },
  // a = g, b = σ.
  sigmoidGrad: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) {
      const s = b[bi + j * sb]!;
      out[o + j] = a[ai + j * sa]! * s * (1 - s);
    }
  },
  // a = g, b = tanh.
  tanhGrad: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) {
      const t = b[bi + j * sb]!;
      out[o + j] = a[ai + j * sa]! * (1 - t * t);
    }
  },
  // a = g, b = x.
  reluGrad: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = b[bi + j * sb]! > 0 ? a[ai + j * sa]! : 0;
  },
  sub: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! - b[bi + j * sb]!;
  },
  mul: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! * b[bi + j * sb]!;
  },
  div: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! / b[bi + j * sb]!;
  },
  pow: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! ** b[bi + j * sb]!;
  },
  maximum: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) {
      const x = a[ai + j * sa]!;
      const y = b[bi + j * sb]!;
      // NaN in either operand gives NaN, as the rule (math/rules.ts) and PyTorch
      out[o + j] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  minimum: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) {
      const x = a[ai + j * sa]!;
      const y = b[bi + j * sb]!;
      out[o + j] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  eq: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! === b[bi + j * sb]! ? 1 : 0;
  },
  gt: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! > b[bi + j * sb]! ? 1 : 0;
  },
  lt: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! < b[bi + j * sb]! ? 1 : 0;
  },
  ge: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! >= b[bi + j * sb]! ? 1 : 0;
  },
  le: (a, ai, sa, b, bi, sb, out, o, n) => {
    for (let j = 0; j < n; j++) out[o + j] = a[ai + j * sa]! <= b[bi + j * sb]! ? 1 : 0;
  },
};

/**
 * `out = a OP b` broadcast to `outShape`. The output is walked as rows of the plan (axes merged
 * where both operands allow); each row is one tight loop with operand strides 0 or 1.
 */
export function binary(
  op: BinaryOp,
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  if (out.length === 0) return;
  const plan = broadcastPlan([aShape, bShape], outShape);
  if (
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    out instanceof Float32Array &&
    isSimdBinary(op)
  ) {
    if (binaryF32(op, a, b, out, plan)) return;
  }
  const loop = ROWS[op];
  const { rows, cols, rowStrides, colStrides } = plan;
  const [ars, brs] = rowStrides as [number, number];
  const [acs, bcs] = colStrides as [number, number];
  forEachOuter(plan, ([ao, bo], oo) => {
    for (let r = 0; r < rows; r++)
      loop(a, ao! + r * ars, acs, b, bo! + r * brs, bcs, out, oo + r * cols, cols);
  });
}

/** `out = cond ? a : b`, all three broadcast to `outShape` (cond nonzero means true), row by row. */
export function where(
  cond: Arr,
  cShape: readonly number[],
  a: Arr,
  aShape: readonly number[],
  b: Arr,
  bShape: readonly number[],
  out: Arr,
  outShape: readonly number[],
): void {
  if (out.length === 0) return;
  const plan = broadcastPlan([cShape, aShape, bShape], outShape);
  const { rows, cols } = plan;
  const [crs, ars, brs] = plan.rowStrides as [number, number, number];
  const [ccs, acs, bcs] = plan.colStrides as [number, number, number];
  forEachOuter(plan, ([co, ao, bo], oo) => {
    for (let r = 0; r < rows; r++) {
      const c0 = co! + r * crs;
      const a0 = ao! + r * ars;
      const b0 = bo! + r * brs;
      const o = oo + r * cols;
      for (let j = 0; j < cols; j++)
        out[o + j] = cond[c0 + j * ccs] !== 0 ? a[a0 + j * acs]! : b[b0 + j * bcs]!;
    }
  });
}

/** `acc[i] += x[i]` in place (gradient accumulation); both of the same length. */
export function addInto(acc: Arr, x: Arr): void {
  const shape = [acc.length];
  binary('add', acc, shape, x, shape, acc, shape);
}
