// Writes src/kernels/wasm/elementwise-f32.wat: the float32 SIMD kernels for elementwise ops,
// reductions and softmax. Each op is one vector expression below; this script wraps it in the
// loops (one per op and operand layout), so a loop is written once and an op once.
// Run through build-wasm.mjs (pnpm --filter @tapegrad/core build:wasm), which also assembles it.
//
// Conventions of the generated kernels (documented for callers in kernels/wasm/elementwise.ts):
// pointers are byte offsets into the module's memory; elementwise loops run over whole 4-float
// vectors, so they may read up to 3 floats past the end of a source and write up to 3 past the
// end of a destination (callers keep 16 bytes of slack after every buffer); reductions and
// softmax stay within their rows.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// --- expression helpers -------------------------------------------------------------------------

const lit = (c) => (c === Infinity ? 'inf' : c === -Infinity ? '-inf' : Number.isNaN(c) ? 'nan' : String(c));
/** A float32 constant in all four lanes. */
const F = (c) => `(v128.const f32x4 ${lit(c)} ${lit(c)} ${lit(c)} ${lit(c)})`;
/** An int32 constant in all four lanes. */
const I = (c) => `(v128.const i32x4 ${c} ${c} ${c} ${c})`;
const op2 = (name) => (a, b) => `(${name} ${a} ${b})`;
const add = op2('f32x4.add');
const sub = op2('f32x4.sub');
const mul = op2('f32x4.mul');
const div = op2('f32x4.div');
const and = op2('v128.and');
const or = op2('v128.or');
const gt = op2('f32x4.gt');
const lt = op2('f32x4.lt');
const ge = op2('f32x4.ge');
const le = op2('f32x4.le');
const eq = op2('f32x4.eq');
/** Lanes of `a` where `mask` is set, else lanes of `b`. */
const select = (a, b, mask) => `(v128.bitselect ${a} ${b} ${mask})`;
const abs = (a) => `(f32x4.abs ${a})`;
/**
 * `x < lo ? lo : x` then `hi < x ? hi : x`: pmax/pmin are one instruction each where f32x4.max/min
 * are NaN-exact sequences of seven; with `x` first, NaN passes through.
 */
const clampTo = (x, lo, hi) => `(f32x4.pmin (f32x4.pmax ${x} ${F(lo)}) ${F(hi)})`;
/** 1.0 where the mask is set, else 0.0. */
const ones = (mask) => and(mask, F(1));
const SIGN = I(0x80000000 | 0);
/** Shuffles: the high two lanes of a vector (twice); the low two lanes of each of two vectors. */
const HIGH_HALF = 'i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15';
const LOW_HALF_OF_BOTH = 'i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';

/** One generated function: its signature, locals and body lines. */
class Fn {
  constructor(name, params, result = '') {
    this.name = name;
    this.params = params;
    this.result = result;
    this.locals = [];
    this.lines = [];
    this.count = 0;
  }
  /** Declares a local (v128 unless said otherwise), optionally set to `init`; returns its name. */
  local(type = 'v128', init) {
    const name = `$t${this.count++}`;
    this.locals.push(`(local ${name} ${type})`);
    if (init !== undefined) this.emit(`(local.set ${name} ${init})`);
    return name;
  }
  /** Stores `expr` in a fresh v128 local and returns the expression reading it. */
  let(expr) {
    return `(local.get ${this.local('v128', expr)})`;
  }
  emit(...lines) {
    this.lines.push(...lines);
  }
  toString() {
    const params = this.params.map(([n, t]) => `(param $${n} ${t})`).join(' ');
    const result = this.result ? ` (result ${this.result})` : '';
    const head = `  (func $${this.name} (export "${this.name}") ${params}${result}`;
    const body = [...this.locals, ...this.lines].map((l) => `    ${l}`);
    return [head, ...body, '  )'].join('\n');
  }
}

/** `c[0]·x^(k−1) + … + c[k−1]` by Horner's rule. */
function horner(fn, x, coeffs) {
  let acc = F(coeffs[0]);
  for (const c of coeffs.slice(1)) acc = add(mul(acc, x), F(c));
  return fn.let(acc);
}

// --- float32 transcendental functions (vector expressions) ---------------------------------------

/**
 * e^x, Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so n·C1 is exact), e^r by a
 * degree-7 polynomial, 2^n built in the exponent bits as 2^(n/2)·2^(n − n/2) so that n = 128
 * overflows to inf and n down to −150 reaches the subnormals. Inputs are clamped to [−104, 89],
 * beyond which the result is 0 or inf; NaN stays NaN. With `lo`, the argument is x + lo, a sum
 * never rounded: lo joins the reduced argument r, which keeps e^(x + lo) accurate when x is
 * large and exact (erfc's −z²) and lo small.
 */
function exp(fn, x, lo = null) {
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
function log(fn, x) {
  const tiny = fn.let(lt(x, F(1.1754943508222875e-38)));
  const xs = fn.let(select(mul(x, F(8388608)), x, tiny));
  const e = `(i32x4.sub (i32x4.sub (i32x4.shr_u ${xs} (i32.const 23)) ${I(126)}) ${and(tiny, I(23))})`;
  const m = fn.let(or(and(xs, I(0x007fffff)), I(0x3f000000)));
  const low = fn.let(lt(m, F(Math.SQRT1_2)));
  const ef = fn.let(sub(`(f32x4.convert_i32x4_s ${e})`, ones(low)));
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
 * error is relative on both sides, down into the subnormals.
 */
function sigmoid(fn, x, lo = null) {
  // With `lo`, σ(x + lo): e^(−|x| ∓ lo), the low part's sign following x's.
  const e = fn.let(exp(fn, `(f32x4.neg ${abs(x)})`, lo && select(lo, `(f32x4.neg ${lo})`, lt(x, F(0)))));
  const r = fn.let(div(F(1), add(F(1), e)));
  return fn.let(select(r, mul(e, r), ge(x, F(0))));
}

/**
 * tanh x, Cephes tanhf: an odd polynomial x + x³·P(x²) below |x| = 0.625, else
 * sign(x)·(1 − 2/(e^(2|x|) + 1)), which saturates to ±1 without overflow trouble.
 */
function tanh(fn, x) {
  const z = fn.let(mul(x, x));
  const p = horner(
    fn,
    z,
    [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1],
  );
  const small = add(mul(mul(p, z), x), x);
  const ax = fn.let(abs(x));
  const big = sub(F(1), div(F(2), add(exp(fn, add(ax, ax)), F(1))));
  const signed = select(x, big, SIGN);
  return fn.let(select(small, signed, lt(ax, F(0.625))));
}

/**
 * e^x − 1 without cancellation near 0: the Taylor polynomial to x⁸/8! below |x| = 0.5 (remainder
 * under 1e−8 relative), e^x − 1 elsewhere (where e^x is at least 0.4 away from 1).
 */
function expm1(fn, x) {
  const coeffs = [];
  for (let k = 8, f = 40320; k >= 1; f /= k, k--) coeffs.push(1 / f);
  const taylor = mul(horner(fn, x, coeffs), x);
  const direct = sub(exp(fn, x), F(1));
  return fn.let(select(taylor, direct, lt(abs(x), F(0.5))));
}

/**
 * ln(1 + x) without cancellation near 0: with u = 1 + x rounded, ln(u)·x/(u − 1) cancels the
 * rounding of u (Goldberg); x itself where u = 1, inf at inf.
 */
function log1p(fn, x) {
  const u = fn.let(add(F(1), x));
  const r = mul(log(fn, u), div(x, sub(u, F(1))));
  const exact = fn.let(or(eq(u, F(1)), eq(x, F(Infinity))));
  return fn.let(select(x, r, exact));
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
 * minimax fit, scripts/fit-erf.py, error 6.5e−8 in the exponent): relative accuracy all the way
 * into the tail, where 1 − erf would cancel. z² comes split (`splitSquare`, of z or of whatever
 * z was rounded from) so the exponent is never rounded as a whole. 0 beyond z = 10.5.
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
  const e = exp(fn, `(f32x4.neg ${sqHi})`, sub(s, sqLo));
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
function erf(fn, x) {
  const ax = fn.let(abs(x));
  const big = select(x, sub(F(1), erfc(fn, ax, splitSquare(fn, ax, 1))), SIGN);
  return fn.let(select(erfSmall(fn, x), big, lt(ax, F(1))));
}

const GELU_K = Math.sqrt(2 / Math.PI);
const D = (c) => `(v128.const f64x2 ${lit(c)} ${lit(c)})`;

/**
 * GELU's tanh form, 0.5·x·(1 + tanh u) = x·σ(2u) with u = √(2/π)(x + 0.044715x³): one
 * exponential, no cancellation for x ≪ 0. 2u is computed in float64 and handed to σ as a
 * float32 pair (hi + lo): σ(2u) ≈ e^2u there, which would magnify a rounded 2u by |2u|.
 */
function geluTanh(fn, x) {
  const twoU = (half) => {
    const v = fn.let(`(f64x2.promote_low_f32x4 ${half})`);
    return fn.let(
      `(f64x2.mul (f64x2.mul ${D(2 * GELU_K)} ${v}) (f64x2.add ${D(1)} (f64x2.mul ${D(0.044715)} (f64x2.mul ${v} ${v}))))`,
    );
  };
  const uLow = twoU(x);
  const uHigh = twoU(`(${HIGH_HALF} ${x} ${x})`);
  const hi = fn.let(
    `(${LOW_HALF_OF_BOTH} (f32x4.demote_f64x2_zero ${uLow}) (f32x4.demote_f64x2_zero ${uHigh}))`,
  );
  const rest = (u, h) => `(f32x4.demote_f64x2_zero (f64x2.sub ${u} (f64x2.promote_low_f32x4 ${h})))`;
  const lo = fn.let(`(${LOW_HALF_OF_BOTH} ${rest(uLow, hi)} ${rest(uHigh, `(${HIGH_HALF} ${hi} ${hi})`)})`);
  // No low part where 2u overflows float32 (or is NaN).
  const finiteLo = and(lo, lt(abs(hi), F(Infinity)));
  return fn.let(mul(x, sigmoid(fn, hi, finiteLo)));
}

/**
 * GELU, x·Φ(x): Φ = (1 + erf(x/√2))/2 while |x/√2| < 0.5; beyond, erfc(|x|/√2)/2 taken
 * directly for x < 0 (and 1 minus it above), so the negative tail keeps its relative accuracy
 * where 1 + erf would cancel.
 */
function gelu(fn, x) {
  const ax = fn.let(abs(x));
  const z = fn.let(mul(ax, F(Math.SQRT1_2)));
  const central = add(F(0.5), mul(F(0.5), erfSmall(fn, mul(x, F(Math.SQRT1_2)))));
  // z² = x²/2 from the exact x, not from the rounded z (whose error e^−z² would amplify by 2z²).
  const h = fn.let(mul(F(0.5), erfc(fn, z, splitSquare(fn, ax, 0.5))));
  const tail = select(sub(F(1), h), h, ge(x, F(0)));
  return fn.let(mul(x, select(central, tail, lt(z, F(0.5)))));
}

// --- the op tables -------------------------------------------------------------------------------

/** Unary ops: (fn, x, p, q) → result expression; p and q are the op's two parameters, splat. */
const UNARY = {
  neg: (_fn, x) => `(f32x4.neg ${x})`,
  abs: (_fn, x) => abs(x),
  sqrt: (_fn, x) => `(f32x4.sqrt ${x})`,
  square: (_fn, x) => mul(x, x),
  // ±1 with x's sign where x is non-zero, x itself for ±0 and NaN (as Math.sign).
  sign: (_fn, x) => select(or(and(x, SIGN), F(1)), x, or(gt(x, F(0)), lt(x, F(0)))),
  exp,
  expm1,
  log,
  log1p,
  tanh,
  sigmoid,
  erf,
  relu: (_fn, x) => and(x, gt(x, F(0))),
  leakyRelu: (_fn, x, p) => select(x, mul(p, x), gt(x, F(0))),
  elu: (fn, x, p) => select(x, mul(p, expm1(fn, x)), gt(x, F(0))),
  gelu,
  // 0.5·x·(1 + tanh u) = x·σ(2u): one exponential, and relative accuracy on the negative side.
  geluTanh,
  // p = β, q = threshold: (max(βx, 0) + ln(1 + e^−|βx|))/β, and x itself where βx > threshold.
  softplus: (fn, x, p, q) => {
    const bx = fn.let(mul(x, p));
    const soft = div(add(`(f32x4.pmax ${bx} ${F(0)})`, log1p(fn, exp(fn, `(f32x4.neg ${abs(bx)})`))), p);
    return select(x, soft, gt(bx, q));
  },
  // p = min, q = max: compares rather than min/max so NaN passes through as in JavaScript.
  clamp: (_fn, x, p, q) => select(q, select(p, x, lt(x, p)), gt(x, q)),
};

/** Binary ops: (fn, a, b) → result expression. */
const BINARY = {
  add: (_fn, a, b) => add(a, b),
  sub: (_fn, a, b) => sub(a, b),
  mul: (_fn, a, b) => mul(a, b),
  div: (_fn, a, b) => div(a, b),
  // As `a > b ? a : b` (pmax(b, a) is `b < a ? a : b`): NaN in `a` yields `b`, as in JavaScript.
  maximum: (_fn, a, b) => `(f32x4.pmax ${b} ${a})`,
  minimum: (_fn, a, b) => `(f32x4.pmin ${b} ${a})`,
  eq: (_fn, a, b) => ones(eq(a, b)),
  gt: (_fn, a, b) => ones(gt(a, b)),
  lt: (_fn, a, b) => ones(lt(a, b)),
  ge: (_fn, a, b) => ones(ge(a, b)),
  le: (_fn, a, b) => ones(le(a, b)),
  sigmoidGrad: (_fn, g, s) => mul(mul(g, s), sub(F(1), s)),
  // (1 − t)(1 + t) rather than 1 − t²: near |t| = 1 the square's rounding would dominate.
  tanhGrad: (_fn, g, t) => mul(g, mul(sub(F(1), t), add(F(1), t))),
  reluGrad: (_fn, g, x) => and(g, gt(x, F(0))),
};

// --- loops ----------------------------------------------------------------------------------------

/**
 * `for (ptrs…; ptr0 < end; ptrs += 16)`, running whole vectors: `end` is `ptr0 + 4n` bytes, so
 * the last vector may pass the end by up to 3 floats.
 */
function vectorLoop(fn, pointers, n, body) {
  const end = fn.local(
    'i32',
    `(i32.add (local.get $${pointers[0]}) (i32.shl (local.get $${n}) (i32.const 2)))`,
  );
  fn.emit(
    `(block $done (loop $next`,
    `  (br_if $done (i32.ge_u (local.get $${pointers[0]}) (local.get ${end})))`,
  );
  const start = fn.lines.length;
  body();
  for (let i = start; i < fn.lines.length; i++) fn.lines[i] = `  ${fn.lines[i]}`;
  for (const p of pointers) fn.emit(`  (local.set $${p} (i32.add (local.get $${p}) (i32.const 16)))`);
  fn.emit(`  (br $next)))`);
}

function unaryKernel(name, body) {
  const fn = new Fn(name, [
    ['src', 'i32'],
    ['dst', 'i32'],
    ['n', 'i32'],
    ['p', 'f32'],
    ['q', 'f32'],
  ]);
  const p = fn.let('(f32x4.splat (local.get $p))');
  const q = fn.let('(f32x4.splat (local.get $q))');
  vectorLoop(fn, ['src', 'dst'], 'n', () => {
    const x = fn.let('(v128.load (local.get $src))');
    fn.emit(`(v128.store (local.get $dst) ${body(fn, x, p, q)})`);
  });
  return fn;
}

/**
 * The four layouts of a binary op over one row: `vv` both operands run along, `vs` the second
 * is one number (read at its pointer), `sv` the first is, `ss` both are (a constant row).
 */
const LAYOUTS = {
  vv: [true, true],
  vs: [true, false],
  sv: [false, true],
  ss: [false, false],
};

function binaryKernel(name, layout, body) {
  const [va, vb] = LAYOUTS[layout];
  const fn = new Fn(`${name}_${layout}`, [
    ['a', 'i32'],
    ['b', 'i32'],
    ['dst', 'i32'],
    ['n', 'i32'],
  ]);
  const splat = (p) => fn.let(`(v128.load32_splat (local.get $${p}))`);
  const a0 = va ? null : splat('a');
  const b0 = vb ? null : splat('b');
  const constant = !va && !vb ? fn.let(body(fn, a0, b0)) : null;
  const moving = ['dst', ...(va ? ['a'] : []), ...(vb ? ['b'] : [])];
  vectorLoop(fn, moving, 'n', () => {
    if (constant) return fn.emit(`(v128.store (local.get $dst) ${constant})`);
    const a = a0 ?? fn.let('(v128.load (local.get $a))');
    const b = b0 ?? fn.let('(v128.load (local.get $b))');
    fn.emit(`(v128.store (local.get $dst) ${body(fn, a, b)})`);
  });
  return fn;
}

/**
 * `dst[r, c] = a[r·ars + c·acs] OP b[r·brs + c·bcs]` for a `rows × cols` block (strides in
 * elements, column strides 0 or 1): one call of the row kernel of the matching layout per row.
 */
function binary2d(name) {
  const fn = new Fn(`${name}_2d`, [
    ['a', 'i32'],
    ['ars', 'i32'],
    ['acs', 'i32'],
    ['b', 'i32'],
    ['brs', 'i32'],
    ['bcs', 'i32'],
    ['dst', 'i32'],
    ['rows', 'i32'],
    ['cols', 'i32'],
  ]);
  const r = fn.local('i32');
  const rowLoop = (layout) => [
    `(local.set ${r} (local.get $rows))`,
    `(block $done (loop $next`,
    `  (br_if $done (i32.eqz (local.get ${r})))`,
    `  (call $${name}_${layout} (local.get $a) (local.get $b) (local.get $dst) (local.get $cols))`,
    `  (local.set $a (i32.add (local.get $a) (i32.shl (local.get $ars) (i32.const 2))))`,
    `  (local.set $b (i32.add (local.get $b) (i32.shl (local.get $brs) (i32.const 2))))`,
    `  (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $cols) (i32.const 2))))`,
    `  (local.set ${r} (i32.sub (local.get ${r}) (i32.const 1)))`,
    `  (br $next)))`,
    `(return)`,
  ];
  const layoutOf = (va, vb) => Object.keys(LAYOUTS).find((k) => LAYOUTS[k][0] === va && LAYOUTS[k][1] === vb);
  for (const va of [true, false]) {
    for (const vb of [true, false]) {
      const test = `(i32.and (i32.eq (local.get $acs) (i32.const ${va ? 1 : 0})) (i32.eq (local.get $bcs) (i32.const ${vb ? 1 : 0})))`;
      fn.emit(`(if ${test} (then`, ...rowLoop(layoutOf(va, vb)).map((l) => `  ${l}`), `))`);
    }
  }
  return fn;
}

// --- reductions -----------------------------------------------------------------------------------

/**
 * Reductions of float32 data, each a combiner of the running value `acc` and the next `v`, for
 * vectors and for single floats. `sum` (below) accumulates in float64, the others in float32.
 * Max and min take `v` where it is NaN or beats `acc`, exactly as the JavaScript loops do
 * (pmax/pmin are one instruction each; the NaN test keeps NaN from being skipped).
 */
const REDUCE = {
  max: {
    identity: -Infinity,
    vec: (acc, v) => select(v, `(f32x4.pmax ${acc} ${v})`, `(f32x4.ne ${v} ${v})`),
    scalar: (acc, v) => `(select ${v} ${acc} (i32.or (f32.gt ${v} ${acc}) (f32.ne ${v} ${v})))`,
  },
  min: {
    identity: Infinity,
    vec: (acc, v) => select(v, `(f32x4.pmin ${acc} ${v})`, `(f32x4.ne ${v} ${v})`),
    scalar: (acc, v) => `(select ${v} ${acc} (i32.or (f32.lt ${v} ${acc}) (f32.ne ${v} ${v})))`,
  },
  prod: {
    identity: 1,
    vec: (acc, v) => mul(acc, v),
    scalar: (acc, v) => `(f32.mul ${acc} ${v})`,
  },
};

/** Whole vectors while 4 floats remain, then single floats: reductions never pass their rows. */
function splitLoop(fn, ptr, n, vecBody, scalarBody) {
  const end = fn.local('i32', `(i32.add (local.get $${ptr}) (i32.shl (local.get $${n}) (i32.const 2)))`);
  const vecEnd = fn.local('i32', `(i32.sub (local.get ${end}) (i32.const 12))`);
  fn.emit(
    `(block $vdone (loop $vnext`,
    `  (br_if $vdone (i32.ge_s (local.get $${ptr}) (local.get ${vecEnd})))`,
    ...vecBody.map((l) => `  ${l}`),
    `  (local.set $${ptr} (i32.add (local.get $${ptr}) (i32.const 16)))`,
    `  (br $vnext)))`,
    `(block $sdone (loop $snext`,
    `  (br_if $sdone (i32.ge_u (local.get $${ptr}) (local.get ${end})))`,
    ...scalarBody.map((l) => `  ${l}`),
    `  (local.set $${ptr} (i32.add (local.get $${ptr}) (i32.const 4)))`,
    `  (br $snext)))`,
  );
}

/** `sum(src, n)`: Σ of n floats, accumulated in float64. */
function sumAll() {
  const fn = new Fn(
    'sum',
    [
      ['src', 'i32'],
      ['n', 'i32'],
    ],
    'f64',
  );
  const lo = fn.local('v128', '(v128.const i64x2 0 0)');
  const hi = fn.local('v128', '(v128.const i64x2 0 0)');
  const s = fn.local('f64');
  const v = fn.local('v128');
  splitLoop(
    fn,
    'src',
    'n',
    [
      `(local.set ${v} (v128.load (local.get $src)))`,
      `(local.set ${lo} (f64x2.add (local.get ${lo}) (f64x2.promote_low_f32x4 (local.get ${v}))))`,
      `(local.set ${hi} (f64x2.add (local.get ${hi}) (f64x2.promote_low_f32x4 (${HIGH_HALF} (local.get ${v}) (local.get ${v})))))`,
    ],
    [`(local.set ${s} (f64.add (local.get ${s}) (f64.promote_f32 (f32.load (local.get $src)))))`],
  );
  fn.emit(
    `(local.set ${lo} (f64x2.add (local.get ${lo}) (local.get ${hi})))`,
    `(f64.add (local.get ${s}) (f64.add (f64x2.extract_lane 0 (local.get ${lo})) (f64x2.extract_lane 1 (local.get ${lo}))))`,
  );
  return fn;
}

/** `sum_rows(src, acc, rows, cols)`: float64 `acc[c] += Σ_r src[r, c]`. */
function sumRows() {
  const fn = new Fn('sum_rows', [
    ['src', 'i32'],
    ['acc', 'i32'],
    ['rows', 'i32'],
    ['cols', 'i32'],
  ]);
  const a = fn.local('i32');
  const v = fn.local('v128');
  const r = fn.local('i32', '(local.get $rows)');
  fn.emit(
    `(block $rdone (loop $rnext`,
    `  (br_if $rdone (i32.eqz (local.get ${r})))`,
    `  (local.set ${a} (local.get $acc))`,
  );
  const before = fn.lines.length;
  splitLoop(
    fn,
    'src',
    'cols',
    [
      `(local.set ${v} (v128.load (local.get $src)))`,
      `(v128.store (local.get ${a}) (f64x2.add (v128.load (local.get ${a})) (f64x2.promote_low_f32x4 (local.get ${v}))))`,
      `(v128.store offset=16 (local.get ${a}) (f64x2.add (v128.load offset=16 (local.get ${a})) (f64x2.promote_low_f32x4 (${HIGH_HALF} (local.get ${v}) (local.get ${v})))))`,
      `(local.set ${a} (i32.add (local.get ${a}) (i32.const 32)))`,
    ],
    [
      `(f64.store (local.get ${a}) (f64.add (f64.load (local.get ${a})) (f64.promote_f32 (f32.load (local.get $src)))))`,
      `(local.set ${a} (i32.add (local.get ${a}) (i32.const 8)))`,
    ],
  );
  for (let i = before; i < fn.lines.length; i++) fn.lines[i] = `  ${fn.lines[i]}`;
  fn.emit(`  (local.set ${r} (i32.sub (local.get ${r}) (i32.const 1)))`, `  (br $rnext)))`);
  return fn;
}

/** `<op>(src, n)`: the max, min or product of n floats. */
function reduceAll(name, { identity, vec, scalar }) {
  const fn = new Fn(
    name,
    [
      ['src', 'i32'],
      ['n', 'i32'],
    ],
    'f32',
  );
  const acc = fn.local('v128', F(identity));
  const s = fn.local('f32', `(f32.const ${lit(identity)})`);
  const v = fn.local('v128');
  const x = fn.local('f32');
  splitLoop(
    fn,
    'src',
    'n',
    [
      `(local.set ${v} (v128.load (local.get $src)))`,
      `(local.set ${acc} ${vec(`(local.get ${acc})`, `(local.get ${v})`)})`,
    ],
    [
      `(local.set ${x} (f32.load (local.get $src)))`,
      `(local.set ${s} ${scalar(`(local.get ${s})`, `(local.get ${x})`)})`,
    ],
  );
  for (let i = 0; i < 4; i++) {
    fn.emit(
      `(local.set ${x} (f32x4.extract_lane ${i} (local.get ${acc})))`,
      `(local.set ${s} ${scalar(`(local.get ${s})`, `(local.get ${x})`)})`,
    );
  }
  fn.emit(`(local.get ${s})`);
  return fn;
}

/** `<op>_rows(src, acc, rows, cols)`: `acc[c] = acc[c] OP src[r, c]` over the rows. */
function reduceRows(name, { vec, scalar }) {
  const fn = new Fn(`${name}_rows`, [
    ['src', 'i32'],
    ['acc', 'i32'],
    ['rows', 'i32'],
    ['cols', 'i32'],
  ]);
  const a = fn.local('i32');
  const v = fn.local('v128');
  const x = fn.local('f32');
  const r = fn.local('i32', '(local.get $rows)');
  fn.emit(
    `(block $rdone (loop $rnext`,
    `  (br_if $rdone (i32.eqz (local.get ${r})))`,
    `  (local.set ${a} (local.get $acc))`,
  );
  const before = fn.lines.length;
  splitLoop(
    fn,
    'src',
    'cols',
    [
      `(local.set ${v} (v128.load (local.get $src)))`,
      `(v128.store (local.get ${a}) ${vec(`(v128.load (local.get ${a}))`, `(local.get ${v})`)})`,
      `(local.set ${a} (i32.add (local.get ${a}) (i32.const 16)))`,
    ],
    [
      `(local.set ${x} (f32.load (local.get $src)))`,
      `(f32.store (local.get ${a}) ${scalar(`(f32.load (local.get ${a}))`, `(local.get ${x})`)})`,
      `(local.set ${a} (i32.add (local.get ${a}) (i32.const 4)))`,
    ],
  );
  for (let i = before; i < fn.lines.length; i++) fn.lines[i] = `  ${fn.lines[i]}`;
  fn.emit(`  (local.set ${r} (i32.sub (local.get ${r}) (i32.const 1)))`, `  (br $rnext)))`);
  return fn;
}

// --- softmax --------------------------------------------------------------------------------------

/**
 * e^(x − m) with the difference kept exact (Knuth's two-sum: d + err = x − m): rounding x − m
 * would cost |x − m|·2^−24 relative, 34 ulps for a logit 40 below the maximum. err is 0 where d
 * is not finite (masked −inf logits), so e^−inf stays 0.
 */
function expDifference(fn, x, m) {
  const a = fn.let(x);
  const b = fn.let(m);
  const d = fn.let(sub(a, b));
  const bb = fn.let(sub(d, a));
  const err = fn.let(sub(sub(a, sub(d, bb)), add(b, bb)));
  return exp(fn, d, and(err, eq(err, err)));
}

/** Lanes `i` of the vector at float offset `at` of a row of `n` that lie inside the row. */
const inside = (at, n) =>
  `(i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub (local.get $${n}) (local.get ${at}))))`;

/**
 * `softmax(src, dst, rows, n, log)`: softmax (or log-softmax when `log` ≠ 0) of each contiguous
 * row of n floats. Per row: the maximum; Σ e^(x − max) in float64; then e^(x − max)/Σ, or
 * x − max − ln Σ. The last vector of a row is masked where it passes the row.
 */
function softmaxRows() {
  const fn = new Fn('softmax', [
    ['src', 'i32'],
    ['dst', 'i32'],
    ['rows', 'i32'],
    ['n', 'i32'],
    ['log', 'i32'],
  ]);
  const i = fn.local('i32');
  const m = fn.local('v128');
  const lo = fn.local('v128');
  const hi = fn.local('v128');
  const at = (base) => `(i32.add (local.get $${base}) (i32.shl (local.get ${i}) (i32.const 2)))`;
  const columns = (lines) => [
    `  (local.set ${i} (i32.const 0))`,
    `  (block $cdone (loop $cnext`,
    `    (br_if $cdone (i32.ge_s (local.get ${i}) (local.get $n)))`,
    ...lines.map((l) => `    ${l}`),
    `    (local.set ${i} (i32.add (local.get ${i}) (i32.const 4)))`,
    `    (br $cnext)))`,
  ];
  fn.emit(
    `(block $rdone (loop $rnext`,
    `  (br_if $rdone (i32.eqz (local.get $rows)))`,
    `  (local.set ${m} ${F(-Infinity)})`,
  );
  const x = `(v128.load ${at('src')})`;
  // pmax skips NaN; a NaN in the row still makes every output NaN through Σ.
  fn.emit(
    ...columns([`(local.set ${m} (f32x4.pmax (local.get ${m}) ${select(x, F(-Infinity), inside(i, 'n'))}))`]),
  );
  const lane = (k) => `(f32x4.extract_lane ${k} (local.get ${m}))`;
  fn.emit(
    `  (local.set ${m} (f32x4.splat (f32.max (f32.max ${lane(0)} ${lane(1)}) (f32.max ${lane(2)} ${lane(3)}))))`,
  );
  fn.emit(`  (local.set ${lo} (v128.const i64x2 0 0))`, `  (local.set ${hi} (v128.const i64x2 0 0))`);
  const expLines = withLines(fn, () => {
    const e = fn.let(and(expDifference(fn, x, `(local.get ${m})`), inside(i, 'n')));
    fn.emit(
      `(if (i32.eqz (local.get $log)) (then (v128.store ${at('dst')} ${e})))`,
      `(local.set ${lo} (f64x2.add (local.get ${lo}) (f64x2.promote_low_f32x4 ${e})))`,
      `(local.set ${hi} (f64x2.add (local.get ${hi}) (f64x2.promote_low_f32x4 (${HIGH_HALF} ${e} ${e}))))`,
    );
  });
  fn.emit(...columns(expLines));
  const sum = `(f64x2.add (local.get ${lo}) (local.get ${hi}))`;
  const total = fn.local('f32');
  fn.emit(
    `  (local.set ${total} (f32.demote_f64 (f64.add (f64x2.extract_lane 0 ${sum}) (f64x2.extract_lane 1 ${sum}))))`,
  );
  // The divisor Σ, or for log-softmax ln Σ, subtracted after the maximum: (x − max) − ln Σ is
  // exact in its first step near the maximum, where x − (max + ln Σ) would cancel.
  const scale = withLines(fn, () => {
    const ln = log(fn, `(f32x4.splat (local.get ${total}))`);
    fn.emit(`(local.set ${lo} (select ${ln} (f32x4.splat (local.get ${total})) (local.get $log)))`);
  });
  fn.emit(...scale.map((l) => `  ${l}`));
  fn.emit(
    ...columns([
      `(if (local.get $log)`,
      `  (then (v128.store ${at('dst')} (f32x4.sub (f32x4.sub ${x} (local.get ${m})) (local.get ${lo}))))`,
      `  (else (v128.store ${at('dst')} (f32x4.div (v128.load ${at('dst')}) (local.get ${lo})))))`,
    ]),
  );
  fn.emit(
    `  (local.set $src (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))`,
    `  (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))`,
    `  (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))`,
    `  (br $rnext)))`,
  );
  return fn;
}

/** Runs `emitter` and takes back the lines it emitted (to nest them inside a loop). */
function withLines(fn, emitter) {
  const start = fn.lines.length;
  emitter();
  return fn.lines.splice(start);
}

/**
 * `softmax_cols(src, dst, n, inner, log, scratch)`: softmax (or log-softmax) along the first
 * axis of one `[n, inner]` slab, vectorized across `inner`. `scratch` (12·inner + 64 bytes,
 * 16-byte aligned) holds the float32 column maxima and float64 column sums. Stores into `dst`
 * rows are masked at the row end, so a row's last vector never touches the next row.
 */
function softmaxCols() {
  const fn = new Fn('softmax_cols', [
    ['src', 'i32'],
    ['dst', 'i32'],
    ['n', 'i32'],
    ['inner', 'i32'],
    ['log', 'i32'],
    ['scratch', 'i32'],
  ]);
  const k = fn.local('i32');
  const i = fn.local('i32');
  // float64 sums after the maxima (inner + 4 floats), 16-byte aligned.
  const sums = fn.local(
    'i32',
    `(i32.and (i32.add (local.get $scratch) (i32.add (i32.shl (local.get $inner) (i32.const 2)) (i32.const 31))) (i32.const -16))`,
  );
  const off = (base, scale = 2) => `(i32.add ${base} (i32.shl (local.get ${i}) (i32.const ${scale})))`;
  const row = (base) =>
    `(i32.add (local.get $${base}) (i32.shl (i32.mul (local.get ${k}) (local.get $inner)) (i32.const 2)))`;
  const maxAt = off('(local.get $scratch)');
  const sumAt = off(`(local.get ${sums})`, 3);
  const xAt = off(row('src'));
  const dAt = off(row('dst'));
  const over = (lines, { rows = true } = {}) => {
    const cols = [
      `(local.set ${i} (i32.const 0))`,
      `(block $cdone (loop $cnext`,
      `  (br_if $cdone (i32.ge_s (local.get ${i}) (local.get $inner)))`,
      ...lines.map((l) => `  ${l}`),
      `  (local.set ${i} (i32.add (local.get ${i}) (i32.const 4)))`,
      `  (br $cnext)))`,
    ];
    if (!rows) return cols;
    return [
      `(local.set ${k} (i32.const 0))`,
      `(block $kdone (loop $knext`,
      `  (br_if $kdone (i32.ge_s (local.get ${k}) (local.get $n)))`,
      ...cols.map((l) => `  ${l}`),
      `  (local.set ${k} (i32.add (local.get ${k}) (i32.const 1)))`,
      `  (br $knext)))`,
    ];
  };
  fn.emit(
    ...over(
      [
        `(v128.store ${maxAt} ${F(-Infinity)})`,
        `(v128.store ${sumAt} (v128.const i64x2 0 0))`,
        `(v128.store offset=16 ${sumAt} (v128.const i64x2 0 0))`,
      ],
      { rows: false },
    ),
  );
  fn.emit(...over([`(v128.store ${maxAt} (f32x4.pmax (v128.load ${maxAt}) (v128.load ${xAt})))`]));
  const store = (value) => `(v128.store ${dAt} ${select(value, `(v128.load ${dAt})`, inside(i, 'inner'))})`;
  const sumLines = withLines(fn, () => {
    const e = fn.let(expDifference(fn, `(v128.load ${xAt})`, `(v128.load ${maxAt})`));
    fn.emit(
      `(if (i32.eqz (local.get $log)) (then ${store(e)}))`,
      `(v128.store ${sumAt} (f64x2.add (v128.load ${sumAt}) (f64x2.promote_low_f32x4 ${e})))`,
      `(v128.store offset=16 ${sumAt} (f64x2.add (v128.load offset=16 ${sumAt}) (f64x2.promote_low_f32x4 (${HIGH_HALF} ${e} ${e}))))`,
    );
  });
  fn.emit(...over(sumLines));
  // The per-column divisor Σ (or ln Σ for log-softmax), float32, over the float64 sums: column
  // i's float32 lands at byte 4i of the sums, below the float64s not yet read.
  const totalAt = off(`(local.get ${sums})`);
  const total = `(f32x4.demote_f64x2_zero (v128.load ${sumAt}))`;
  const totalHi = `(f32x4.demote_f64x2_zero (v128.load offset=16 ${sumAt}))`;
  const totalLines = withLines(fn, () => {
    const s = fn.let(`(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${total} ${totalHi})`);
    fn.emit(`(v128.store ${totalAt} (select ${log(fn, s)} ${s} (local.get $log)))`);
  });
  fn.emit(...over(totalLines, { rows: false }));
  fn.emit(
    ...over([
      `(if (local.get $log)`,
      `  (then ${store(`(f32x4.sub (f32x4.sub (v128.load ${xAt}) (v128.load ${maxAt})) (v128.load ${totalAt}))`)})`,
      `  (else ${store(`(f32x4.div (v128.load ${dAt}) (v128.load ${totalAt}))`)}))`,
    ]),
  );
  return fn;
}

// --- the module -----------------------------------------------------------------------------------

const functions = [
  ...Object.entries(UNARY).map(([name, body]) => unaryKernel(name, body)),
  ...Object.entries(BINARY).flatMap(([name, body]) => [
    ...Object.keys(LAYOUTS).map((layout) => binaryKernel(name, layout, body)),
    binary2d(name),
  ]),
  sumAll(),
  sumRows(),
  ...Object.entries(REDUCE).flatMap(([name, spec]) => [reduceAll(name, spec), reduceRows(name, spec)]),
  softmaxRows(),
  softmaxCols(),
];

/**
 * Moves every non-zero vector constant into a data segment at the bottom of memory and reads it
 * with a load: V8 builds a 128-bit immediate from general registers at each use (three
 * instructions, inside the loop), where a load is one.
 */
function poolConstants(bodies) {
  const pool = new Map();
  const lanes = (type, values) => {
    const parse = (v) =>
      v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === 'nan' ? Number.NaN : Number(v);
    const array =
      type === 'f32x4' ? new Float32Array(4) : type === 'f64x2' ? new Float64Array(2) : new Int32Array(4);
    values.split(' ').forEach((v, i) => {
      array[i] = parse(v);
    });
    return new Uint8Array(array.buffer);
  };
  const replaced = bodies.map((body) =>
    body.replace(/\(v128\.const (f32x4|i32x4|f64x2) ([^)]*)\)/g, (text, type, values) => {
      if (values.split(' ').every((v) => Number(v) === 0)) return text;
      if (!pool.has(text)) pool.set(text, { offset: 16 * pool.size, bytes: lanes(type, values) });
      return `(v128.load offset=${pool.get(text).offset} (i32.const 0) (; ${values.split(' ')[0]} ;))`;
    }),
  );
  const bytes = [...pool.values()].flatMap(({ bytes }) => [...bytes]);
  const data = bytes.map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return { bodies: replaced, data, end: 16 * pool.size };
}

const pooled = poolConstants(functions.map(String));
/** The first byte callers may use: the constants sit below it. */
const heapBase = Math.ceil(pooled.end / 64) * 64;
const header = `;; Generated by scripts/gen-elementwise-wat.mjs; do not edit (edit the generator).
;; Float32 SIMD kernels over the module's memory: elementwise unary and binary ops, reductions,
;; softmax. Pointers are byte offsets; see src/kernels/wasm/elementwise.ts for the contract.
;; The vector constants live in the data segment below heap_base.`;
const text = [
  header,
  '(module',
  '  (memory (export "memory") 4)',
  `  (global (export "heap_base") i32 (i32.const ${heapBase}))`,
  `  (data (i32.const 0) "${pooled.data}")`,
  ...pooled.bodies,
  ')',
  '',
].join('\n');

/** The generated module text. */
export const ELEMENTWISE_WAT = text;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(fileURLToPath(new URL('../src/kernels/wasm/elementwise-f32.wat', import.meta.url)), text);
  console.log(`elementwise-f32.wat: ${functions.length} functions`);
}
