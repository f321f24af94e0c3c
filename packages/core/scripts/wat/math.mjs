// Float32 transcendental functions as vector expressions: each takes the function being built
// and an input expression, emits the statements it needs, and returns the result expression.
// Coefficients: Cephes (S. L. Moshier) for exp, log and tanh; fit-erf.py for erf and erfc.
import {
  abs,
  add,
  and,
  clampTo,
  D,
  div,
  eq,
  F,
  ge,
  gt,
  HIGH_HALF,
  horner,
  I,
  LOW_HALF_OF_BOTH,
  lt,
  mul,
  neg,
  or,
  SIGN,
  select,
  sub,
} from './emit.mjs';

/**
 * e^x, Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·C1 is exact), e^r by a
 * degree-7 polynomial, 2^n built in the exponent bits as 2^(n/2)·2^(n − n/2) so that n = 128
 * overflows to inf and n down to −150 reaches the subnormals. Inputs are clamped to [−104, 89],
 * beyond which the result is 0 or inf; NaN stays NaN. With `lo`, the argument is x + lo, a sum
 * never rounded: lo joins the reduced argument r, which keeps e^(x + lo) accurate when x is
 * large and exact (erfc's −z²) and lo small.
 */
export function exp(fn, x, lo = null) {
  const xc = fn.let(clampTo(x, -104, 89));
  // Adding 1.5·2^23 rounds x·log2(e) to an integer n (to nearest even) and leaves n in the low
  // mantissa bits: one add instead of a rounding and a conversion.
  const j = fn.let(add(mul(lo ? add(xc, lo) : xc, F(Math.LOG2E)), F(12582912)));
  const n = fn.let(sub(j, F(12582912)));
  const hi = sub(xc, mul(n, F(0.693359375)));
  const r = fn.let(add(lo ? add(hi, lo) : hi, mul(n, F(2.1219444e-4))));
  const p = horner(
    fn,
    r,
    [1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1],
  );
  const y = add(add(mul(p, mul(r, r)), r), F(1));
  const k = fn.let(`(i32x4.sub ${j} ${I(0x4b400000)})`);
  const half = fn.let(`(i32x4.shr_s ${k} (i32.const 1))`);
  const pow2 = (e) => `(i32x4.shl (i32x4.add ${e} ${I(127)}) (i32.const 23))`;
  return fn.let(mul(mul(y, pow2(half)), pow2(`(i32x4.sub ${k} ${half})`)));
}

/**
 * ln x, Cephes logf: x = m·2^e with m in [√½, √2), ln(m) by a degree-9 polynomial in m − 1, e·ln2
 * added in two parts. Subnormal inputs are scaled by 2^23 first. ln 0 = −inf, ln inf = inf,
 * negative or NaN inputs give NaN.
 */
export function log(fn, x) {
  const tiny = fn.let(lt(x, F(1.1754943508222875e-38)));
  const xs = fn.let(select(mul(x, F(8388608)), x, tiny));
  const e = `(i32x4.sub (i32x4.sub (i32x4.shr_u ${xs} (i32.const 23)) ${I(126)}) ${and(tiny, I(23))})`;
  const m = fn.let(or(and(xs, I(0x007fffff)), I(0x3f000000)));
  const low = fn.let(lt(m, F(Math.SQRT1_2)));
  const ef = fn.let(sub(`(f32x4.convert_i32x4_s ${e})`, and(low, F(1))));
  const t = fn.let(add(sub(m, F(1)), and(low, m)));
  const z = fn.let(mul(t, t));
  const p = horner(
    fn,
    t,
    [
      7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
      2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ],
  );
  const y = sub(add(mul(mul(p, t), z), mul(ef, F(-2.1219444e-4))), mul(z, F(0.5)));
  let r = fn.let(add(add(t, y), mul(ef, F(0.693359375))));
  r = fn.let(select(F(-Infinity), r, eq(x, F(0))));
  r = fn.let(select(F(Infinity), r, eq(x, F(Infinity))));
  return fn.let(select(r, F(Number.NaN), ge(x, F(0))));
}

/**
 * σ(x) from e = e^(−|x|), which never overflows: 1/(1 + e) for x ≥ 0, e/(1 + e) below, so the
 * error is relative on both sides, down into the subnormals. With `lo`, σ(x + lo).
 */
export function sigmoid(fn, x, lo = null) {
  // e^(−|x| ∓ lo): the low part's sign follows x's.
  const e = fn.let(exp(fn, neg(abs(x)), lo && select(lo, neg(lo), lt(x, F(0)))));
  const r = fn.let(div(F(1), add(F(1), e)));
  return fn.let(select(r, mul(e, r), ge(x, F(0))));
}

/**
 * tanh x, Cephes tanhf: an odd polynomial x + x³·P(x²) below |x| = 0.625, else
 * sign(x)·(1 − 2/(e^(2|x|) + 1)), which saturates to ±1 without overflow trouble.
 */
export function tanh(fn, x) {
  const z = fn.let(mul(x, x));
  const p = horner(
    fn,
    z,
    [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1],
  );
  const small = add(mul(mul(p, z), x), x);
  const ax = fn.let(abs(x));
  const big = sub(F(1), div(F(2), add(exp(fn, add(ax, ax)), F(1))));
  return fn.let(select(small, select(x, big, SIGN), lt(ax, F(0.625))));
}

/**
 * e^x − 1 without cancellation near 0: the Taylor polynomial to x⁸/8! below |x| = 0.5 (remainder
 * under 1e−8 relative), e^x − 1 elsewhere (where e^x is at least 0.4 away from 1).
 */
export function expm1(fn, x) {
  const coeffs = [];
  for (let k = 8, f = 40320; k >= 1; f /= k, k--) coeffs.push(1 / f);
  const taylor = mul(horner(fn, x, coeffs), x);
  return fn.let(select(taylor, sub(exp(fn, x), F(1)), lt(abs(x), F(0.5))));
}

/**
 * ln(1 + x) without cancellation near 0: with u = 1 + x rounded, ln(u)·x/(u − 1) cancels the
 * rounding of u (Goldberg); x itself where u = 1, inf at inf.
 */
export function log1p(fn, x) {
  const u = fn.let(add(F(1), x));
  const r = mul(log(fn, u), div(x, sub(u, F(1))));
  return fn.let(select(x, r, or(eq(u, F(1)), eq(x, F(Infinity)))));
}

/**
 * `[hi, lo]` with hi + lo = v²·scale (scale a power of two): vh, v to 12 bits, gives an exact
 * hi = vh²·scale, and lo = (v − vh)(v + vh)·scale is small, so rounding it costs little.
 */
function splitSquare(fn, v, scale) {
  const vh = fn.let(and(v, I(0xfffff000 | 0)));
  return [fn.let(mul(mul(vh, vh), F(scale))), fn.let(mul(mul(sub(v, vh), add(v, vh)), F(scale)))];
}

/**
 * erfc z for z ≥ 0 as t·e^(−z² + S(t)) with t = 1/(1 + z/2) and S a degree-9 polynomial (a
 * minimax fit, fit-erf.py, error 6.5e−8 in the exponent): relative accuracy all the way into the
 * tail, where 1 − erf would cancel. z² comes split (`splitSquare`, of z or of whatever z was
 * rounded from) so the exponent is never rounded as a whole. 0 beyond z = 10.5.
 */
function erfc(fn, z, [sqHi, sqLo]) {
  const t = fn.let(div(F(1), add(F(1), mul(z, F(0.5)))));
  const s = horner(
    fn,
    t,
    [
      0.17328178882598877, -0.8335145115852356, 1.511042833328247, -1.1595975160598755, 0.2945617437362671,
      -0.192399799823761, 0.09818723052740097, 0.3739175498485565, 1.0000331401824951, -1.2655123472213745,
    ],
  );
  const e = exp(fn, neg(sqHi), sub(s, sqLo));
  return fn.let(select(F(0), mul(t, e), gt(z, F(10.5))));
}

/** erf x as x·P(x²), for |x| < 1: a degree-5 minimax fit in x², relative error 3.4e−8 before rounding. */
function erfSmall(fn, x) {
  const p = horner(
    fn,
    mul(x, x),
    [
      -5.634565022774041e-4, 4.918703809380531e-3, -2.6712581515312195e-2, 1.1280228197574615e-1,
      -3.76123309135437e-1, 1.1283791065216064,
    ],
  );
  return fn.let(mul(x, p));
}

/** erf x: the small-argument polynomial below |x| = 1, ±(1 − erfc|x|) above (erfc ≤ 0.16 there). */
export function erf(fn, x) {
  const ax = fn.let(abs(x));
  const big = select(x, sub(F(1), erfc(fn, ax, splitSquare(fn, ax, 1))), SIGN);
  return fn.let(select(erfSmall(fn, x), big, lt(ax, F(1))));
}

/**
 * GELU, x·Φ(x): Φ = (1 + erf(x/√2))/2 while |x/√2| < 0.5; beyond, erfc(|x|/√2)/2 taken
 * directly for x < 0 (and 1 minus it above), so the negative tail keeps its relative accuracy
 * where 1 + erf would cancel.
 */
export function gelu(fn, x) {
  const ax = fn.let(abs(x));
  const z = fn.let(mul(ax, F(Math.SQRT1_2)));
  const central = add(F(0.5), mul(F(0.5), erfSmall(fn, mul(x, F(Math.SQRT1_2)))));
  // z² = x²/2 from the exact x, not from the rounded z (whose error e^−z² would amplify by 2z²).
  const h = fn.let(mul(F(0.5), erfc(fn, z, splitSquare(fn, ax, 0.5))));
  const tail = select(sub(F(1), h), h, ge(x, F(0)));
  return fn.let(mul(x, select(central, tail, lt(z, F(0.5)))));
}

const GELU_K = Math.sqrt(2 / Math.PI);

/**
 * GELU's tanh form, 0.5·x·(1 + tanh u) = x·σ(2u) with u = √(2/π)(x + 0.044715x³): one
 * exponential, no cancellation for x ≪ 0. 2u is computed in float64 and handed to σ as a
 * float32 pair (hi + lo): σ(2u) ≈ e^2u there, which would magnify a rounded 2u by |2u|.
 */
export function geluTanh(fn, x) {
  const twoU = (half) => {
    const v = fn.let(`(f64x2.promote_low_f32x4 ${half})`);
    const cubic = `(f64x2.add ${D(1)} (f64x2.mul ${D(0.044715)} (f64x2.mul ${v} ${v})))`;
    return fn.let(`(f64x2.mul (f64x2.mul ${D(2 * GELU_K)} ${v}) ${cubic})`);
  };
  const uLow = twoU(x);
  const uHigh = twoU(`(${HIGH_HALF} ${x} ${x})`);
  const demote = (u) => `(f32x4.demote_f64x2_zero ${u})`;
  const hi = fn.let(`(${LOW_HALF_OF_BOTH} ${demote(uLow)} ${demote(uHigh)})`);
  const rest = (u, h) => demote(`(f64x2.sub ${u} (f64x2.promote_low_f32x4 ${h}))`);
  const lo = fn.let(`(${LOW_HALF_OF_BOTH} ${rest(uLow, hi)} ${rest(uHigh, `(${HIGH_HALF} ${hi} ${hi})`)})`);
  // No low part where 2u overflows float32 (or is NaN).
  return fn.let(mul(x, sigmoid(fn, hi, and(lo, lt(abs(hi), F(Infinity))))));
}
