// Reductions of float32 data: over a contiguous run (`sum`, `max`, …) and row by row into an
// accumulator row (`sum_rows`, `max_rows`, …). They never read past their data, so the tail of
// a run is taken one float at a time.
import { countDown, F, Fn, HIGH_HALF, lit, mul, select, splitLoop, ZERO } from './emit.mjs';

/**
 * Max, min and product, each a combiner of the running value `acc` and the next `v`, for vectors
 * and for single floats. Max and min take `v` where it is NaN or beats `acc`, exactly as the
 * JavaScript loops do (pmax/pmin are one instruction each; the NaN test keeps NaN from being
 * skipped).
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

/** Float64 pairs of a float32 vector: its low and its high two lanes. */
const promoteLow = (v) => `(f64x2.promote_low_f32x4 ${v})`;
const promoteHigh = (v) => `(f64x2.promote_low_f32x4 (${HIGH_HALF} ${v} ${v}))`;

/** `sum(src, n)`: Σ of n floats, accumulated in float64 (a float32 running sum drifts). */
function sumAll() {
  const fn = new Fn(
    'sum',
    [
      ['src', 'i32'],
      ['n', 'i32'],
    ],
    'f64',
  );
  const lo = fn.local('v128', ZERO);
  const hi = fn.local('v128', ZERO);
  const s = fn.local('f64');
  const vName = fn.local('v128');
  const v = `(local.get ${vName})`;
  const vecLines = [
    `(local.set ${vName} (v128.load (local.get $src)))`,
    `(local.set ${lo} (f64x2.add (local.get ${lo}) ${promoteLow(v)}))`,
    `(local.set ${hi} (f64x2.add (local.get ${hi}) ${promoteHigh(v)}))`,
  ];
  const scalarLines = [
    `(local.set ${s} (f64.add (local.get ${s}) (f64.promote_f32 (f32.load (local.get $src)))))`,
  ];
  fn.emit(...splitLoop(fn, 'src', 'n', vecLines, scalarLines));
  const both = `(f64x2.add (local.get ${lo}) (local.get ${hi}))`;
  fn.emit(
    `(f64.add (local.get ${s}) (f64.add (f64x2.extract_lane 0 ${both}) (f64x2.extract_lane 1 ${both})))`,
  );
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
  const fold = (value) => [
    `(local.set ${x} ${value})`,
    `(local.set ${s} ${scalar(`(local.get ${s})`, `(local.get ${x})`)})`,
  ];
  const vecLines = [
    `(local.set ${v} (v128.load (local.get $src)))`,
    `(local.set ${acc} ${vec(`(local.get ${acc})`, `(local.get ${v})`)})`,
  ];
  fn.emit(...splitLoop(fn, 'src', 'n', vecLines, fold('(f32.load (local.get $src))')));
  for (let i = 0; i < 4; i++) fn.emit(...fold(`(f32x4.extract_lane ${i} (local.get ${acc}))`));
  fn.emit(`(local.get ${s})`);
  return fn;
}

/**
 * `<name>(src, acc, rows, cols)`: folds each of `rows` rows of `cols` floats into the row at
 * `acc`. `vecLines(a, v)` and `scalarLines(a, x)` update the accumulator at address `a` with a
 * vector or a float; `a` then moves on by `vecBytes` or `scalarBytes`.
 */
function rowsKernel(name, { vecLines, scalarLines, vecBytes, scalarBytes }) {
  const fn = new Fn(
    name,
    ['src', 'acc', 'rows', 'cols'].map((p) => [p, 'i32']),
  );
  const a = fn.local('i32');
  const v = fn.local('v128');
  const x = fn.local('f32');
  const r = fn.local('i32');
  const at = `(local.get ${a})`;
  const advance = (bytes) => `(local.set ${a} (i32.add ${at} (i32.const ${bytes})))`;
  const perRow = [
    `(local.set ${a} (local.get $acc))`,
    ...splitLoop(
      fn,
      'src',
      'cols',
      [
        `(local.set ${v} (v128.load (local.get $src)))`,
        ...vecLines(at, `(local.get ${v})`),
        advance(vecBytes),
      ],
      [
        `(local.set ${x} (f32.load (local.get $src)))`,
        ...scalarLines(at, `(local.get ${x})`),
        advance(scalarBytes),
      ],
    ),
  ];
  fn.emit(`(local.set ${r} (local.get $rows))`, ...countDown(r, perRow, 'r'));
  return fn;
}

/** `sum_rows`: a float64 accumulator row, `acc[c] += Σ_r src[r, c]`. */
const sumRows = () =>
  rowsKernel('sum_rows', {
    vecLines: (a, v) => [
      `(v128.store ${a} (f64x2.add (v128.load ${a}) ${promoteLow(v)}))`,
      `(v128.store offset=16 ${a} (f64x2.add (v128.load offset=16 ${a}) ${promoteHigh(v)}))`,
    ],
    scalarLines: (a, x) => [`(f64.store ${a} (f64.add (f64.load ${a}) (f64.promote_f32 ${x})))`],
    vecBytes: 32,
    scalarBytes: 8,
  });

/** `<op>_rows`: a float32 accumulator row, `acc[c] = acc[c] OP src[r, c]`. */
const reduceRows = (name, { vec, scalar }) =>
  rowsKernel(`${name}_rows`, {
    vecLines: (a, v) => [`(v128.store ${a} ${vec(`(v128.load ${a})`, v)})`],
    scalarLines: (a, x) => [`(f32.store ${a} ${scalar(`(f32.load ${a})`, x)})`],
    vecBytes: 16,
    scalarBytes: 4,
  });

/** Every reduction function of the module. */
export function reduceFunctions() {
  return [
    sumAll(),
    sumRows(),
    ...Object.entries(REDUCE).flatMap(([name, spec]) => [reduceAll(name, spec), reduceRows(name, spec)]),
  ];
}
