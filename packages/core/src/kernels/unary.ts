import { erf } from '../math/special.js';

/**
 * Elementwise unary kernels: pure loops over typed arrays. The switch runs once per call, so each
 * op gets its own tight loop with no per-element closure.
 */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'step'
  | 'leakyRelu'
  | 'elu'
  | 'eluGradFactor'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'gaussianPdf'
  | 'softplus'
  | 'clamp'
  | 'insideMask'
  | 'square'
  | 'reciprocal'
  | 'log1p'
  | 'expm1'
  | 'isNonFinite';

type Out = Float32Array | Float64Array | Int32Array;
type In = Float32Array | Float64Array | Int32Array;

/**
 * Applies `op` to every element of `x` into `out` (same length). `p`, `q` are the op's
 * parameters: slope (leakyRelu), alpha (elu), beta/threshold (softplus), min/max (clamp).
 */
export function unary(op: UnaryOp, x: In, out: Out, p = 0, q = 0): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = Math.sign(x[i]!);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : 0;
      }
      return;
    case 'step': // d relu / dx (p = 0) and d leakyRelu / dx (p = slope): 1 where x > 0, else p
      for (let i = 0; i < n; i++) out[i] = x[i]! > 0 ? 1 : p;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : p * v;
      }
      return;
    case 'elu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : p * Math.expm1(v);
      }
      return;
    case 'eluGradFactor': // d elu / dx: 1 for x > 0, alpha·e^x otherwise
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? 1 : p * Math.exp(v);
      }
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]!);
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
      }
      return;
    case 'geluTanh':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
      }
      return;
    case 'gaussianPdf':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = Math.exp(-0.5 * v * v) * 0.3989422804014327;
      }
      return;
    case 'softplus': // p = beta, q = threshold
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const bx = v * p;
        out[i] = bx > q ? v : (Math.max(bx, 0) + Math.log1p(Math.exp(-Math.abs(bx)))) / p;
      }
      return;
    case 'clamp': // p = min, q = max (±Infinity when absent)
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v < p ? p : v > q ? q : v;
      }
      return;
    case 'insideMask': // 1 where p ≤ x ≤ q (clamp's gradient; bounds inclusive as PyTorch)
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v >= p && v <= q ? 1 : 0;
      }
      return;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i]!;
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]!);
      return;
    case 'expm1':
      for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]!);
      return;
    case 'isNonFinite':
      for (let i = 0; i < n; i++) out[i] = Number.isFinite(x[i]!) ? 0 : 1;
      return;
  }
}

/** True when any element is NaN or ±Infinity. */
export function hasNonFinite(x: In): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) return true;
  return false;
}
