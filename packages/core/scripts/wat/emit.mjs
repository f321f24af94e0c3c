// Building blocks of the generated WebAssembly text: vector expressions, functions with their
// locals, and loops. Expressions are WAT s-expression strings; a function collects lines.

const lit = (c) => (c === Infinity ? 'inf' : c === -Infinity ? '-inf' : Number.isNaN(c) ? 'nan' : String(c));
export { lit };
/** A float32 constant in all four lanes. */
export const F = (c) => `(v128.const f32x4 ${lit(c)} ${lit(c)} ${lit(c)} ${lit(c)})`;
/** An int32 constant in all four lanes. */
export const I = (c) => `(v128.const i32x4 ${c} ${c} ${c} ${c})`;
/** A float64 constant in both lanes. */
export const D = (c) => `(v128.const f64x2 ${lit(c)} ${lit(c)})`;
/** All bits zero (V8 makes it with one xor, so it is never pooled). */
export const ZERO = '(v128.const i64x2 0 0)';
const op2 = (name) => (a, b) => `(${name} ${a} ${b})`;
export const add = op2('f32x4.add');
export const sub = op2('f32x4.sub');
export const mul = op2('f32x4.mul');
export const div = op2('f32x4.div');
export const and = op2('v128.and');
export const or = op2('v128.or');
export const gt = op2('f32x4.gt');
export const lt = op2('f32x4.lt');
export const ge = op2('f32x4.ge');
export const le = op2('f32x4.le');
export const eq = op2('f32x4.eq');
export const ne = op2('f32x4.ne');
export const neg = (a) => `(f32x4.neg ${a})`;
export const abs = (a) => `(f32x4.abs ${a})`;
/** Lanes of `a` where `mask` is set, else lanes of `b`. */
export const select = (a, b, mask) => `(v128.bitselect ${a} ${b} ${mask})`;
/**
 * `x < lo ? lo : x` then `hi < x ? hi : x`: pmax/pmin are one instruction each where f32x4.max/min
 * are NaN-exact sequences of seven; with `x` first, NaN passes through.
 */
export const clampTo = (x, lo, hi) => `(f32x4.pmin (f32x4.pmax ${x} ${F(lo)}) ${F(hi)})`;
/** 1.0 where the mask is set, else 0.0. */
export const ones = (mask) => and(mask, F(1));
/** The sign bit of each lane. */
export const SIGN = I(0x80000000 | 0);
/** Shuffles: the high two lanes of a vector (twice); the low two lanes of each of two vectors. */
export const HIGH_HALF = 'i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15';
export const LOW_HALF_OF_BOTH = 'i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23';
/** `base + (index << shift)`, an address. */
export const offset = (base, index, shift = 2) => `(i32.add ${base} (i32.shl ${index} (i32.const ${shift})))`;

/** One generated function: its signature, locals and body lines. */
export class Fn {
  /** `params` as `[[name, type], …]`; every function is exported under its name. */
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
  /** Runs `emitter` and takes back the lines it emitted (to nest them inside a loop). */
  capture(emitter) {
    const start = this.lines.length;
    emitter();
    return this.lines.splice(start);
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
export function horner(fn, x, coeffs) {
  let acc = F(coeffs[0]);
  for (const c of coeffs.slice(1)) acc = add(mul(acc, x), F(c));
  return fn.let(acc);
}

const indent = (lines) => lines.map((l) => `  ${l}`);

/** `for (counter = 0; counter < limit; counter += step) body`, as lines; `label` names the loop. */
export function countUp(counter, limit, step, body, label) {
  return [
    `(local.set ${counter} (i32.const 0))`,
    `(block $${label}_done (loop $${label}_next`,
    `  (br_if $${label}_done (i32.ge_s (local.get ${counter}) ${limit}))`,
    ...indent(body),
    `  (local.set ${counter} (i32.add (local.get ${counter}) (i32.const ${step})))`,
    `  (br $${label}_next)))`,
  ];
}

/** `while (counter != 0) { body; counter-- }`, as lines. */
export function countDown(counter, body, label) {
  return [
    `(block $${label}_done (loop $${label}_next`,
    `  (br_if $${label}_done (i32.eqz (local.get ${counter})))`,
    ...indent(body),
    `  (local.set ${counter} (i32.sub (local.get ${counter}) (i32.const 1)))`,
    `  (br $${label}_next)))`,
  ];
}

/**
 * `for (ptrs…; ptr0 < ptr0 + 4n; ptrs += 16) body`, running whole vectors: the last vector may
 * pass the end by up to 3 floats.
 */
export function vectorLoop(fn, pointers, n, body) {
  const first = `(local.get $${pointers[0]})`;
  const end = fn.local('i32', offset(first, `(local.get $${n})`));
  const lines = fn.capture(body);
  fn.emit(
    `(block $v_done (loop $v_next`,
    `  (br_if $v_done (i32.ge_u ${first} (local.get ${end})))`,
    ...indent(lines),
    ...pointers.map((p) => `  (local.set $${p} (i32.add (local.get $${p}) (i32.const 16)))`),
    `  (br $v_next)))`,
  );
}

/**
 * Whole vectors while 4 floats remain, then single floats, as lines: for reductions, which must
 * not read past their rows. `ptr` advances by 16 bytes, then by 4.
 */
export function splitLoop(fn, ptr, n, vecBody, scalarBody) {
  const p = `(local.get $${ptr})`;
  const end = fn.local('i32');
  const vecEnd = fn.local('i32');
  return [
    `(local.set ${end} ${offset(p, `(local.get $${n})`)})`,
    `(local.set ${vecEnd} (i32.sub (local.get ${end}) (i32.const 12)))`,
    `(block $s_vdone (loop $s_vnext`,
    `  (br_if $s_vdone (i32.ge_s ${p} (local.get ${vecEnd})))`,
    ...indent(vecBody),
    `  (local.set $${ptr} (i32.add ${p} (i32.const 16)))`,
    `  (br $s_vnext)))`,
    `(block $s_done (loop $s_next`,
    `  (br_if $s_done (i32.ge_u ${p} (local.get ${end})))`,
    ...indent(scalarBody),
    `  (local.set $${ptr} (i32.add ${p} (i32.const 4)))`,
    `  (br $s_next)))`,
  ];
}
