/**
 * The arithmetic derivative rules are written in. A rule is written once against this interface
 * and evaluated in several algebras: plain numbers give the local derivatives that Scalar records
 * and the float64 kernels apply; Scalars and Tensors give recorded derivatives, so gradients of
 * gradients work; formulas give the chain rule in symbols.
 *
 * Every method accepts plain numbers for constants; comparisons give 0 or 1 and are constants of
 * the graph (they carry no gradient).
 */
export interface Algebra<T> {
  add(a: Value<T>, b: Value<T>): Value<T>;
  sub(a: Value<T>, b: Value<T>): Value<T>;
  mul(a: Value<T>, b: Value<T>): Value<T>;
  div(a: Value<T>, b: Value<T>): Value<T>;
  pow(a: Value<T>, b: Value<T>): Value<T>;
  neg(a: Value<T>): Value<T>;
  exp(a: Value<T>): Value<T>;
  log(a: Value<T>): Value<T>;
  sin(a: Value<T>): Value<T>;
  cos(a: Value<T>): Value<T>;
  tanh(a: Value<T>): Value<T>;
  sigmoid(a: Value<T>): Value<T>;
  erf(a: Value<T>): Value<T>;
  /** −1, 0 or 1 (0 at 0); no gradient. */
  sign(a: Value<T>): Value<T>;
  /** 1 where `a > b`, else 0; no gradient. */
  gt(a: Value<T>, b: Value<T>): Value<T>;
  /** 1 where `a ≥ b`, else 0; no gradient. */
  ge(a: Value<T>, b: Value<T>): Value<T>;
  /** 1 where `a < b`, else 0; no gradient. */
  lt(a: Value<T>, b: Value<T>): Value<T>;
  /** 1 where `a ≤ b`, else 0; no gradient. */
  le(a: Value<T>, b: Value<T>): Value<T>;
  /** 1 where `a = b`, else 0; no gradient. */
  eq(a: Value<T>, b: Value<T>): Value<T>;
  /** `cond ≠ 0 ? a : b`; the condition carries no gradient. */
  where(cond: Value<T>, a: Value<T>, b: Value<T>): Value<T>;
}

/** A value of an algebra, or a plain number standing for a constant. */
export type Value<T> = T | number;
