/**
 * Elementwise unary kernels. float32 runs the SIMD WebAssembly kernels (polynomial
 * transcendentals, accuracy in docs/kernels.md); int32, float64 (the op layer sends float64
 * through the per-element rules of `rules.ts` instead) and float32 without WebAssembly SIMD run
 * the JavaScript loops below, with `Math` exactly. Each op has its own tight loop.
 */
import { erf } from '../math/special.js';
import type { UnaryOp } from './op-names.js';
import { isSimdUnary } from './wasm/elementwise.js';
import { unaryF32 } from './wasm/staging.js';

export type { UnaryOp } from './op-names.js';

type Out = Float32Array | Float64Array | Int32Array;
type In = Float32Array | Float64Array | Int32Array;

/** One op's loop: `out[i] = f(x[i]; p, q)`. */
type UnaryLoop = (x: In, out: Out, p: number, q: number) => void;

/** The JavaScript loops, by op name: float64 (exact `Math`), int32, and float32 without SIMD. */
const LOOPS: Record<UnaryOp, UnaryLoop> = {
  neg: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = -x[i]!;
  },
  exp: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
  },
  expm1: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.expm1(x[i]!);
  },
  log: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!);
  },
  log1p: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.log1p(x[i]!);
  },
  sqrt: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]!);
  },
  abs: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.abs(x[i]!);
  },
  sign: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sign(x[i]!);
  },
  sin: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.sin(x[i]!);
  },
  cos: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.cos(x[i]!);
  },
  tanh: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
  },
  sigmoid: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        out[i] = e / (1 + e);
      }
    }
  },
  relu: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v <= 0 ? 0 : v; // relu(NaN) is NaN
    }
  },
  leakyRelu: (x, out, p) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v > 0 ? v : p * v;
    }
  },
  elu: (x, out, p) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v > 0 ? v : p * Math.expm1(v);
    }
  },
  erf: (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = erf(x[i]!);
  },
  gelu: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
    }
  },
  geluTanh: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
    }
  },
  // p = beta, q = threshold.
  softplus: (x, out, p, q) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      const bx = v * p;
      out[i] = bx > q ? v : (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / p;
    }
  },
  // p = min, q = max (±Infinity when absent).
  clamp: (x, out, p, q) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v < p ? p : v > q ? q : v;
    }
  },
  square: (x, out) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v * v;
    }
  },
};

/**
 * Applies `op` to every element of `x` into `out` (same length; may be the same array). `p`, `q`
 * are the op's parameters: slope (leakyRelu), alpha (elu), beta/threshold (softplus), min/max
 * (clamp).
 */
export function unary(op: UnaryOp, x: In, out: Out, p = 0, q = 0): void {
  if (x instanceof Float32Array && out instanceof Float32Array && isSimdUnary(op)) {
    if (unaryF32(op, x, out, p, q)) return;
  }
  LOOPS[op](x, out, p, q);
}

/** True when any element is NaN or ±Infinity. */
export function hasNonFinite(x: In): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return true;
  return false;
}
