/**
 * The per-element maths of every elementwise op, written once: its float64 value and its local
 * derivative. Scalar records the derivative evaluated in numbers, the float64 tensor kernels apply
 * the same functions element by element, recorded backward passes (gradients of gradients) evaluate
 * the derivative in Scalars or Tensors, and the explanation tools evaluate it in formulas. The edge
 * cases follow PyTorch: pow at 0^0 has gradients 0 and 0, relu'(0) = abs'(0) = 0, maximum/minimum
 * ties share the gradient equally, log and sqrt at 0 give infinite slopes.
 */
import type { Algebra, Value } from './algebra.js';
import { erf, GELU_TANH_CUBIC, GELU_TANH_SCALE, gelu, geluTanh, sigmoid, softplus } from './special.js';

/** Elementwise ops of one input (with up to two numeric parameters `p`, `q`). */
export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'square'
  | 'abs'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'leakyRelu'
  | 'elu'
  | 'erf'
  | 'gelu'
  | 'geluTanh'
  | 'softplus'
  | 'clamp';

/** Elementwise ops of two inputs. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

/** The value and local derivative of a one-input op. */
export interface UnaryRule {
  readonly name: UnaryOp;
  /** What the parameters mean (`['slope']`, `['beta', 'threshold']`, …); empty when there are none. */
  readonly params: readonly string[];
  /** f(x) in float64. */
  value(x: number, p: number, q: number): number;
  /** ∂f/∂x at `x`, where `out` = f(x), in any algebra. */
  grad<T>(A: Algebra<T>, x: Value<T>, out: Value<T>, p: number, q: number): Value<T>;
}

/** The value and local derivatives of a two-input op. */
export interface BinaryRule {
  readonly name: BinaryOp;
  /** f(a, b) in float64. */
  value(a: number, b: number): number;
  /** ∂f/∂a (`wrt` 0) or ∂f/∂b (`wrt` 1), where `out` = f(a, b), in any algebra. */
  grad<T>(A: Algebra<T>, a: Value<T>, b: Value<T>, out: Value<T>, wrt: 0 | 1): Value<T>;
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Every one-input op; a missing entry is a type error. */
export const UNARY_RULES: { readonly [K in UnaryOp]: UnaryRule & { readonly name: K } } = {
  // d(−x) = −1
  neg: { name: 'neg', params: [], value: (x) => -x, grad: () => -1 },
  // d(eˣ) = eˣ
  exp: { name: 'exp', params: [], value: Math.exp, grad: (_A, _x, out) => out },
  // d(ln x) = 1/x
  log: { name: 'log', params: [], value: Math.log, grad: (A, x) => A.div(1, x) },
  // d(ln(1 + x)) = 1/(1 + x)
  log1p: { name: 'log1p', params: [], value: Math.log1p, grad: (A, x) => A.div(1, A.add(x, 1)) },
  // d(eˣ − 1) = eˣ = out + 1
  expm1: { name: 'expm1', params: [], value: Math.expm1, grad: (A, _x, out) => A.add(out, 1) },
  // d(√x) = 1/(2√x)
  sqrt: { name: 'sqrt', params: [], value: Math.sqrt, grad: (A, _x, out) => A.div(0.5, out) },
  // d(x²) = 2x
  square: { name: 'square', params: [], value: (x) => x * x, grad: (A, x) => A.mul(x, 2) },
  // d|x| = sign(x), 0 at 0
  abs: { name: 'abs', params: [], value: Math.abs, grad: (A, x) => A.sign(x) },
  // d sin x = cos x
  sin: { name: 'sin', params: [], value: Math.sin, grad: (A, x) => A.cos(x) },
  // d cos x = −sin x
  cos: { name: 'cos', params: [], value: Math.cos, grad: (A, x) => A.neg(A.sin(x)) },
  // d tanh x = 1 − tanh²x
  tanh: { name: 'tanh', params: [], value: Math.tanh, grad: (A, _x, out) => A.sub(1, A.mul(out, out)) },
  // d σ(x) = σ(x)(1 − σ(x))
  sigmoid: {
    name: 'sigmoid',
    params: [],
    value: sigmoid,
    grad: (A, _x, out) => A.mul(out, A.sub(1, out)),
  },
  // d max(0, x) = [x > 0]
  // relu(NaN) is NaN, as PyTorch: an activation never hides a NaN
  relu: { name: 'relu', params: [], value: (x) => (x <= 0 ? 0 : x), grad: (A, x) => A.gt(x, 0) },
  // d = 1 for x > 0, slope otherwise (slope at 0)
  leakyRelu: {
    name: 'leakyRelu',
    params: ['slope'],
    value: (x, slope) => (x > 0 ? x : slope * x),
    grad: (A, x, _out, slope) => A.where(A.gt(x, 0), 1, slope),
  },
  // d = 1 for x > 0, α·eˣ = out + α otherwise (α at 0)
  elu: {
    name: 'elu',
    params: ['alpha'],
    value: (x, alpha) => (x > 0 ? x : alpha * Math.expm1(x)),
    grad: (A, x, out, alpha) => A.where(A.gt(x, 0), 1, A.add(out, alpha)),
  },
  // d erf(x) = 2/√π · e^(−x²)
  erf: {
    name: 'erf',
    params: [],
    value: erf,
    grad: (A, x) => A.mul(A.exp(A.neg(A.mul(x, x))), TWO_OVER_SQRT_PI),
  },
  // d xΦ(x) = Φ(x) + x·φ(x)
  gelu: {
    name: 'gelu',
    params: [],
    value: gelu,
    grad: (A, x) => {
      const cdf = A.mul(A.add(A.erf(A.mul(x, Math.SQRT1_2)), 1), 0.5);
      const pdf = A.mul(A.exp(A.mul(A.mul(x, x), -0.5)), ONE_OVER_SQRT_2PI);
      return A.add(cdf, A.mul(x, pdf));
    },
  },
  // d ½x(1 + tanh u) = ½(1 + tanh u) + ½x(1 − tanh²u)·u′, u = √(2/π)(x + 0.044715x³)
  geluTanh: {
    name: 'geluTanh',
    params: [],
    value: geluTanh,
    grad: (A, x) => {
      const x2 = A.mul(x, x);
      const t = A.tanh(A.mul(A.add(x, A.mul(A.mul(x2, x), GELU_TANH_CUBIC)), GELU_TANH_SCALE));
      const du = A.mul(A.add(A.mul(x2, 3 * GELU_TANH_CUBIC), 1), GELU_TANH_SCALE);
      return A.add(A.mul(A.add(t, 1), 0.5), A.mul(A.mul(A.mul(x, 0.5), A.sub(1, A.mul(t, t))), du));
    },
  },
  // d = σ(βx), and 1 where βx > threshold (where the op is the identity)
  softplus: {
    name: 'softplus',
    params: ['beta', 'threshold'],
    value: softplus,
    grad: (A, x, _out, beta, threshold) => {
      const bx = A.mul(x, beta);
      return A.where(A.gt(bx, threshold), 1, A.sigmoid(bx));
    },
  },
  // d = 1 inside [min, max] (bounds inclusive, as PyTorch), 0 outside
  clamp: {
    name: 'clamp',
    params: ['min', 'max'],
    value: (x, min, max) => (x < min ? min : x > max ? max : x),
    grad: (A, x, _out, min, max) => A.mul(A.ge(x, min), A.le(x, max)),
  },
};

/** Every two-input op; a missing entry is a type error. */
export const BINARY_RULES: { readonly [K in BinaryOp]: BinaryRule & { readonly name: K } } = {
  // d(a + b) = (1, 1)
  add: { name: 'add', value: (a, b) => a + b, grad: () => 1 },
  // d(a − b) = (1, −1)
  sub: { name: 'sub', value: (a, b) => a - b, grad: (_A, _a, _b, _out, wrt) => (wrt === 0 ? 1 : -1) },
  // d(a·b) = (b, a)
  mul: { name: 'mul', value: (a, b) => a * b, grad: (_A, a, b, _out, wrt) => (wrt === 0 ? b : a) },
  // d(a/b) = (1/b, −a/b²)
  div: {
    name: 'div',
    value: (a, b) => a / b,
    grad: (A, a, b, _out, wrt) => (wrt === 0 ? A.div(1, b) : A.neg(A.div(a, A.mul(b, b)))),
  },
  // d(aᵇ) = (b·aᵇ⁻¹, aᵇ·ln a), with 0 where the formulas would give 0·∞ = NaN: at 0⁰ for ∂/∂a
  // and at a = 0 ≤ b for ∂/∂b (PyTorch's values). Only those points are masked, so elsewhere the
  // rule keeps its dependence on both inputs (b = 0, a ≠ 0 still has ∂²/∂a∂b = 1/a), and the masked
  // branch is evaluated at a harmless point so differentiating the rule again stays finite.
  pow: {
    name: 'pow',
    value: (a, b) => a ** b,
    grad: (A, a, b, out, wrt) => {
      if (wrt === 0) {
        const flat = A.mul(A.eq(b, 0), A.eq(a, 0));
        return A.where(flat, 0, A.mul(b, A.pow(a, A.where(flat, 1, A.sub(b, 1)))));
      }
      const flat = A.mul(A.eq(a, 0), A.ge(b, 0));
      return A.where(flat, 0, A.mul(out, A.log(A.where(flat, 1, a))));
    },
  },
  // d max(a, b): the larger input takes it all, a tie splits it (PyTorch's rule; NaN passes to both)
  maximum: {
    name: 'maximum',
    value: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a > b ? a : b),
    grad: (A, a, b, _out, wrt) =>
      A.sub(1, A.add(wrt === 0 ? A.lt(a, b) : A.gt(a, b), A.mul(A.eq(a, b), 0.5))),
  },
  // d min(a, b): the smaller input takes it all, a tie splits it
  minimum: {
    name: 'minimum',
    value: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : a < b ? a : b),
    grad: (A, a, b, _out, wrt) =>
      A.sub(1, A.add(wrt === 0 ? A.gt(a, b) : A.lt(a, b), A.mul(A.eq(a, b), 0.5))),
  },
};
