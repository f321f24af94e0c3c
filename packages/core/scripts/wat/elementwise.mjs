// The elementwise kernels: one vector expression per op, wrapped in one loop per op (unary) or
// per op and operand layout (binary).
import {
  abs,
  add,
  and,
  countDown,
  div,
  eq,
  F,
  Fn,
  ge,
  gt,
  le,
  lt,
  mul,
  ne,
  neg,
  offset,
  ones,
  or,
  SIGN,
  select,
  sub,
  vectorLoop,
} from './emit.mjs';
import { erf, exp, expm1, gelu, geluTanh, log, log1p, sigmoid, tanh } from './math.mjs';

/** Unary ops: (fn, x, p, q) → result expression; p and q are the op's two parameters, splat. */
const UNARY = {
  neg: (_fn, x) => neg(x),
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
  // x where x > 0, and NaN where x is NaN (as PyTorch: relu never hides a NaN); 0 elsewhere.
  relu: (fn, x) => {
    const v = fn.let(x);
    return and(v, or(gt(v, F(0)), ne(v, v)));
  },
  leakyRelu: (_fn, x, p) => select(x, mul(p, x), gt(x, F(0))),
  elu: (fn, x, p) => select(x, mul(p, expm1(fn, x)), gt(x, F(0))),
  gelu,
  geluTanh,
  // p = β, q = threshold: (max(βx, 0) + ln(1 + e^−|βx|))/β, and x itself where βx > threshold.
  softplus: (fn, x, p, q) => {
    const bx = fn.let(mul(x, p));
    const soft = div(add(`(f32x4.pmax ${bx} ${F(0)})`, log1p(fn, exp(fn, neg(abs(bx))))), p);
    return select(x, soft, gt(bx, q));
  },
  // p = min, q = max: compares rather than min/max so NaN passes through as in JavaScript.
  clamp: (_fn, x, p, q) => select(q, select(p, x, lt(x, p)), gt(x, q)),
};

/** Binary ops: (a, b) → result expression. */
const BINARY = {
  add,
  sub,
  mul,
  div,
  // As the rule: `a > b ? a : b` (pmax(b, a) is `b < a ? a : b`), and NaN if either is NaN (as
  // PyTorch): pmax already passes a NaN in `b`; a NaN in `a` is selected back in.
  maximum: (a, b) => select(a, `(f32x4.pmax ${b} ${a})`, ne(a, a)),
  minimum: (a, b) => select(a, `(f32x4.pmin ${b} ${a})`, ne(a, a)),
  eq: (a, b) => ones(eq(a, b)),
  gt: (a, b) => ones(gt(a, b)),
  lt: (a, b) => ones(lt(a, b)),
  ge: (a, b) => ones(ge(a, b)),
  le: (a, b) => ones(le(a, b)),
  sigmoidGrad: (g, s) => mul(mul(g, s), sub(F(1), s)),
  // (1 − t)(1 + t) rather than 1 − t²: near |t| = 1 the square's rounding would dominate.
  tanhGrad: (g, t) => mul(g, mul(sub(F(1), t), add(F(1), t))),
  reluGrad: (g, x) => and(g, gt(x, F(0))),
};

/** `<op>(src, dst, n, p, q)`: dst[i] = op(src[i]) over whole vectors. */
function unaryKernel(name, body) {
  const params = ['src', 'dst', 'n']
    .map((p) => [p, 'i32'])
    .concat([
      ['p', 'f32'],
      ['q', 'f32'],
    ]);
  const fn = new Fn(name, params);
  const p = fn.let('(f32x4.splat (local.get $p))');
  const q = fn.let('(f32x4.splat (local.get $q))');
  vectorLoop(fn, ['src', 'dst'], 'n', () => {
    const x = fn.let('(v128.load (local.get $src))');
    fn.emit(`(v128.store (local.get $dst) ${body(fn, x, p, q)})`);
  });
  return fn;
}

/**
 * The four layouts of a binary op over one row, by which operands run along it: `vv` both,
 * `vs` the first (the second is one number, read at its pointer), `sv` the second, `ss` neither.
 */
const LAYOUTS = { vv: [true, true], vs: [true, false], sv: [false, true], ss: [false, false] };

/** `<op>_<layout>(a, b, dst, n)`. */
function binaryKernel(name, layout, body) {
  const [va, vb] = LAYOUTS[layout];
  const fn = new Fn(
    `${name}_${layout}`,
    ['a', 'b', 'dst', 'n'].map((p) => [p, 'i32']),
  );
  const splat = (p) => fn.let(`(v128.load32_splat (local.get $${p}))`);
  const a0 = va ? null : splat('a');
  const b0 = vb ? null : splat('b');
  const constant = !va && !vb ? fn.let(body(a0, b0)) : null;
  const moving = ['dst', ...(va ? ['a'] : []), ...(vb ? ['b'] : [])];
  vectorLoop(fn, moving, 'n', () => {
    const a = a0 ?? fn.let('(v128.load (local.get $a))');
    const b = b0 ?? fn.let('(v128.load (local.get $b))');
    fn.emit(`(v128.store (local.get $dst) ${constant ?? body(a, b)})`);
  });
  return fn;
}

/**
 * `<op>_2d(a, ars, acs, b, brs, bcs, dst, rows, cols)`: `dst[r, c] = a[r·ars + c·acs] OP
 * b[r·brs + c·bcs]` over a `rows × cols` block (strides in elements, column strides 0 or 1), one
 * call of the row kernel of the matching layout per row.
 */
function binary2d(name) {
  const params = ['a', 'ars', 'acs', 'b', 'brs', 'bcs', 'dst', 'rows', 'cols'].map((p) => [p, 'i32']);
  const fn = new Fn(`${name}_2d`, params);
  const r = fn.local('i32');
  const step = (p, stride) => `(local.set $${p} ${offset(`(local.get $${p})`, `(local.get $${stride})`)})`;
  for (const [layout, [va, vb]] of Object.entries(LAYOUTS)) {
    const test = `(i32.and (i32.eq (local.get $acs) (i32.const ${+va})) (i32.eq (local.get $bcs) (i32.const ${+vb})))`;
    const row = `(call $${name}_${layout} (local.get $a) (local.get $b) (local.get $dst) (local.get $cols))`;
    const rows = countDown(r, [row, step('a', 'ars'), step('b', 'brs'), step('dst', 'cols')], 'r');
    fn.emit(
      `(if ${test} (then`,
      `  (local.set ${r} (local.get $rows))`,
      ...rows.map((l) => `  ${l}`),
      '  (return)))',
    );
  }
  return fn;
}

/** `where(cond, a, b, dst, n)`: dst[i] = cond[i] ≠ 0 ? a[i] : b[i] (NaN counts as true, ±0 as false). */
function whereKernel() {
  const fn = new Fn(
    'where',
    ['cond', 'a', 'b', 'dst', 'n'].map((p) => [p, 'i32']),
  );
  vectorLoop(fn, ['dst', 'cond', 'a', 'b'], 'n', () => {
    const load = (p) => `(v128.load (local.get $${p}))`;
    fn.emit(
      `(v128.store (local.get $dst) ${select(load('a'), load('b'), `(f32x4.ne ${load('cond')} ${F(0)})`)})`,
    );
  });
  return fn;
}

/** Every elementwise function of the module. */
export function elementwiseFunctions() {
  return [
    whereKernel(),
    ...Object.entries(UNARY).map(([name, body]) => unaryKernel(name, body)),
    ...Object.entries(BINARY).flatMap(([name, body]) => [
      ...Object.keys(LAYOUTS).map((layout) => binaryKernel(name, layout, body)),
      binary2d(name),
    ]),
  ];
}
