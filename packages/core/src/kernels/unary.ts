/**
 * Elementwise unary kernels. float32 runs the SIMD WebAssembly kernels (polynomial
 * transcendentals, accuracy in docs/kernels.md); float64 and int32 run the JavaScript loops
 * below, which use `Math` exactly. Each op has its own tight loop, no per-element closure.
 */
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
      out[i] = v > 0 ? v : 0;
    }
  },
  // d relu / dx (p = 0) and d leakyRelu / dx (p = slope): 1 where x > 0, else p.
  step: (x, out, p) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? 1 : p;
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
  // 1 where p ≤ x ≤ q (clamp's gradient; bounds inclusive as PyTorch).
  insideMask: (x, out, p, q) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      out[i] = v >= p && v <= q ? 1 : 0;
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
 * are the op's parameters: slope (leakyRelu, step), alpha (elu), beta/threshold (softplus),
 * min/max (clamp, insideMask).
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

/**
 * The error function, to float64 precision: W. J. Cody's rational Chebyshev approximations
 * (max relative error below 1e-16 on each interval).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const num =
      (((0.185777706184603152673 * t + 3.161123743870565596947) * t + 113.864154151050156) * t +
        377.485237685302021) *
        t +
      3209.37758913846947;
    const den =
      (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t +
      2844.23683343917062;
    return (x * num) / den;
  }
  const tail = ax < 4 ? erfcMid(ax) : erfcLarge(ax);
  return x > 0 ? 1 - tail : tail - 1;
}

/**
 * The complementary error function 1 − erf(x), to float64 precision and without cancellation in
 * the tail (Cody's intervals, as {@link erf}).
 */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) return 1 - erf(x);
  const tail = ax < 4 ? erfcMid(ax) : erfcLarge(ax);
  return x > 0 ? tail : 2 - tail;
}

function erfcMid(x: number): number {
  const num =
    (((((((2.15311535474403846e-8 * x + 0.564188496988670089) * x + 8.88314979438837594) * x +
      66.1191906371416295) *
      x +
      298.635138197400131) *
      x +
      881.95222124176909) *
      x +
      1712.04761263407058) *
      x +
      2051.07837782607147) *
      x +
    1230.33935479799725;
  const den =
    (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x +
      1621.38957456669019) *
      x +
      3290.79923573345963) *
      x +
      4362.61909014324716) *
      x +
      3439.36767414372164) *
      x +
    1230.33935480374942;
  return Math.exp(-x * x) * (num / den);
}

function erfcLarge(x: number): number {
  const z = 1 / (x * x);
  const num =
    ((((0.0163153871373020978 * z + 0.305326634961232344) * z + 0.360344899949804439) * z +
      0.125781726111229246) *
      z +
      0.0160837851487422766) *
      z +
    0.000658749161529837803;
  const den =
    ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 0.527905102951428412) * z +
      0.0605183413124413191) *
      z +
    0.00233520497626869185;
  const r = (z * num) / den;
  return (Math.exp(-x * x) / x) * (0.5641895835477563 - r);
}
