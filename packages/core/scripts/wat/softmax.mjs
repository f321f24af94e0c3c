// Softmax and log-softmax: along contiguous rows (`softmax`), and along the first axis of a slab
// with the vectors running across its columns (`softmax_cols`).
import {
  add,
  and,
  countDown,
  countUp,
  eq,
  F,
  Fn,
  HIGH_HALF,
  LOW_HALF_OF_BOTH,
  offset,
  select,
  sub,
  ZERO,
} from './emit.mjs';
import { exp, log } from './math.mjs';

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

/** Lanes of the vector at float `at` of a row of `n` that lie inside the row. */
const inside = (at, n) =>
  `(i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.sub ${n} (local.get ${at}))))`;

/** `sums += e` for float64 sums held as two pairs of lanes (`lo`, `hi` locals). */
const accumulate = (lo, hi, e) => [
  `(local.set ${lo} (f64x2.add (local.get ${lo}) (f64x2.promote_low_f32x4 ${e})))`,
  `(local.set ${hi} (f64x2.add (local.get ${hi}) (f64x2.promote_low_f32x4 (${HIGH_HALF} ${e} ${e}))))`,
];

/**
 * `softmax(src, dst, rows, n, log)`: softmax (or log-softmax when `log` ≠ 0) of each contiguous
 * row of n floats. Per row: the maximum; Σ e^(x − max) in float64; then e^(x − max)/Σ, or
 * (x − max) − ln Σ. A row's last vector is masked where it passes the row.
 */
function softmaxRows() {
  const fn = new Fn(
    'softmax',
    ['src', 'dst', 'rows', 'n', 'log'].map((p) => [p, 'i32']),
  );
  const i = fn.local('i32');
  const m = fn.local('v128');
  const lo = fn.local('v128');
  const hi = fn.local('v128');
  const total = fn.local('f32');
  const n = '(local.get $n)';
  const srcAt = offset('(local.get $src)', `(local.get ${i})`);
  const dstAt = offset('(local.get $dst)', `(local.get ${i})`);
  const x = `(v128.load ${srcAt})`;
  const over = (body) => countUp(i, n, 4, body, 'c');
  // pmax skips NaN; a NaN in the row still makes every output NaN through Σ.
  const max = over([
    `(local.set ${m} (f32x4.pmax (local.get ${m}) ${select(x, F(-Infinity), inside(i, n))}))`,
  ]);
  const lane = (k) => `(f32x4.extract_lane ${k} (local.get ${m}))`;
  const expSum = fn.capture(() => {
    const e = fn.let(and(expDifference(fn, x, `(local.get ${m})`), inside(i, n)));
    fn.emit(`(if (i32.eqz (local.get $log)) (then (v128.store ${dstAt} ${e})))`, ...accumulate(lo, hi, e));
  });
  const sum = `(f64x2.add (local.get ${lo}) (local.get ${hi}))`;
  // The divisor Σ, or ln Σ, subtracted after the maximum: (x − max) − ln Σ is exact in its first
  // step near the maximum, where x − (max + ln Σ) would cancel.
  const divisor = fn.capture(() => {
    const s = `(f32x4.splat (local.get ${total}))`;
    fn.emit(`(local.set ${lo} (select ${log(fn, s)} ${s} (local.get $log)))`);
  });
  const write = over([
    `(if (local.get $log)`,
    `  (then (v128.store ${dstAt} (f32x4.sub (f32x4.sub ${x} (local.get ${m})) (local.get ${lo}))))`,
    `  (else (v128.store ${dstAt} (f32x4.div (v128.load ${dstAt}) (local.get ${lo})))))`,
  ]);
  const row = [
    `(local.set ${m} ${F(-Infinity)})`,
    ...max,
    `(local.set ${m} (f32x4.splat (f32.max (f32.max ${lane(0)} ${lane(1)}) (f32.max ${lane(2)} ${lane(3)}))))`,
    `(local.set ${lo} ${ZERO})`,
    `(local.set ${hi} ${ZERO})`,
    ...over(expSum),
    `(local.set ${total} (f32.demote_f64 (f64.add (f64x2.extract_lane 0 ${sum}) (f64x2.extract_lane 1 ${sum}))))`,
    ...divisor,
    ...write,
    `(local.set $src ${offset('(local.get $src)', n)})`,
    `(local.set $dst ${offset('(local.get $dst)', n)})`,
  ];
  fn.emit(...countDown('$rows', row, 'r'));
  return fn;
}

/**
 * `softmax_cols(src, dst, n, inner, log, scratch)`: softmax (or log-softmax) along the first
 * axis of one `[n, inner]` slab, vectorized across `inner`. `scratch` (12·inner + 64 bytes,
 * 16-byte aligned) holds the float32 column maxima, then the float64 column sums. Stores into
 * `dst` rows are masked at the row end, so a row's last vector never touches the next row.
 */
function softmaxCols() {
  const fn = new Fn(
    'softmax_cols',
    ['src', 'dst', 'n', 'inner', 'log', 'scratch'].map((p) => [p, 'i32']),
  );
  const k = fn.local('i32');
  const i = fn.local('i32');
  const inner = '(local.get $inner)';
  const sums = fn.local(
    'i32',
    `(i32.and (i32.add ${offset('(local.get $scratch)', inner)} (i32.const 31)) (i32.const -16))`,
  );
  const column = (base, shift = 2) => offset(base, `(local.get ${i})`, shift);
  const rowStart = (base) => offset(`(local.get $${base})`, `(i32.mul (local.get ${k}) ${inner})`);
  const at = {
    max: column('(local.get $scratch)'),
    sum: column(`(local.get ${sums})`, 3),
    // Column i's float32 divisor lands at byte 4i of the sums, below the float64s not yet read.
    total: column(`(local.get ${sums})`),
    x: column(rowStart('src')),
    d: column(rowStart('dst')),
  };
  const columns = (body) => countUp(i, inner, 4, body, 'c');
  const cells = (body) => countUp(k, '(local.get $n)', 1, columns(body), 'k');
  const store = (value) => `(v128.store ${at.d} ${select(value, `(v128.load ${at.d})`, inside(i, inner))})`;
  fn.emit(
    ...columns([
      `(v128.store ${at.max} ${F(-Infinity)})`,
      `(v128.store ${at.sum} ${ZERO})`,
      `(v128.store offset=16 ${at.sum} ${ZERO})`,
    ]),
    ...cells([`(v128.store ${at.max} (f32x4.pmax (v128.load ${at.max}) (v128.load ${at.x})))`]),
  );
  const expSum = fn.capture(() => {
    const e = fn.let(expDifference(fn, `(v128.load ${at.x})`, `(v128.load ${at.max})`));
    const pair = (o, half) =>
      `(v128.store offset=${o} ${at.sum} (f64x2.add (v128.load offset=${o} ${at.sum}) (f64x2.promote_low_f32x4 ${half})))`;
    fn.emit(
      `(if (i32.eqz (local.get $log)) (then ${store(e)}))`,
      pair(0, e),
      pair(16, `(${HIGH_HALF} ${e} ${e})`),
    );
  });
  const divisor = fn.capture(() => {
    const demote = (o) => `(f32x4.demote_f64x2_zero (v128.load offset=${o} ${at.sum}))`;
    const s = fn.let(`(${LOW_HALF_OF_BOTH} ${demote(0)} ${demote(16)})`);
    fn.emit(`(v128.store ${at.total} (select ${log(fn, s)} ${s} (local.get $log)))`);
  });
  fn.emit(
    ...cells(expSum),
    ...columns(divisor),
    ...cells([
      `(if (local.get $log)`,
      `  (then ${store(`(f32x4.sub (f32x4.sub (v128.load ${at.x}) (v128.load ${at.max})) (v128.load ${at.total}))`)})`,
      `  (else ${store(`(f32x4.div (v128.load ${at.d}) (v128.load ${at.total}))`)}))`,
    ]),
  );
  return fn;
}

/** The softmax functions of the module. */
export const softmaxFunctions = () => [softmaxRows(), softmaxCols()];
