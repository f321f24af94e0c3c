/**
 * Formulas: expression trees over named values and constants, for the symbolic chain rule. They
 * come from the same derivative rules as the numbers (`rules.ts`), evaluated in `FORMULAS`,
 * so a formula cannot disagree with the derivative Scalar records. Each constructor simplifies as
 * a person does on paper: sums and products are flattened, numeric constants folded, like terms
 * collected (x + x = 2·x, x·x = x^2), and 1·x, x + 0, x^1 disappear.
 *
 * Every symbol carries its value at the point being explained, so a formula can always be
 * evaluated. The equality tests of the rules' edge cases (PyTorch's 0^0 and tie conventions) are
 * resolved at that point — a person writes d(aᵇ)/da = b·a^(b−1), not the masked form — while
 * inequalities ([x > 0] for relu) stay in the formula.
 */
import type { Algebra, Value } from './algebra.js';
import { BINARY_RULES, type BinaryRule, UNARY_RULES, type UnaryOp, type UnaryRule } from './rules.js';

/** A function a formula can apply: a one-input rule's op, `sign`, or the two-input max and min. */
export type FunctionName = UnaryOp | 'sign' | 'maximum' | 'minimum';

/** A comparison (an Iverson bracket: 1 where it holds, else 0). */
export type Comparison = 'gt' | 'ge' | 'lt' | 'le' | 'eq';

/** An expression tree over named values and constants (see `explainGradient` with `symbolic: true`). */
export type Formula =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'sym'; readonly name: string; readonly value: number }
  | { readonly kind: 'sum'; readonly terms: readonly Formula[] }
  | { readonly kind: 'product'; readonly coef: number; readonly factors: readonly Formula[] }
  | { readonly kind: 'div'; readonly num: Formula; readonly den: Formula }
  | { readonly kind: 'pow'; readonly base: Formula; readonly exp: Formula }
  | {
      readonly kind: 'fn';
      readonly name: FunctionName;
      readonly args: readonly Formula[];
      readonly params: readonly number[];
    }
  | { readonly kind: 'cmp'; readonly op: Comparison; readonly a: Formula; readonly b: Formula }
  | { readonly kind: 'where'; readonly cond: Formula; readonly a: Formula; readonly b: Formula };

/** A numeric constant. */
export const constant = (value: number): Formula => ({ kind: 'num', value });

/** A named value (a label), with its value at the point being explained. */
export const symbol = (name: string, value: number): Formula => ({ kind: 'sym', name, value });

const lift = (v: Value<Formula>): Formula => (typeof v === 'number' ? constant(v) : v);
const isNum = (f: Formula, v?: number): f is { kind: 'num'; value: number } =>
  f.kind === 'num' && (v === undefined || f.value === v);

/**
 * The value of `f`: symbols take their own values, or those `values` gives for their names.
 */
export function evaluateFormula(f: Formula, values?: (name: string) => number | undefined): number {
  const ev = (g: Formula): number => evaluateFormula(g, values);
  switch (f.kind) {
    case 'num':
      return f.value;
    case 'sym':
      return values?.(f.name) ?? f.value;
    case 'sum':
      return f.terms.reduce((s, t) => s + ev(t), 0);
    case 'product':
      return f.factors.reduce((p, t) => p * ev(t), f.coef);
    case 'div':
      return ev(f.num) / ev(f.den);
    case 'pow':
      return ev(f.base) ** ev(f.exp);
    case 'fn':
      return applyFunction(f.name, f.args.map(ev), f.params);
    case 'cmp':
      return compare(f.op, ev(f.a), ev(f.b));
    case 'where':
      return ev(f.cond) !== 0 ? ev(f.a) : ev(f.b);
  }
}

function applyFunction(name: FunctionName, args: readonly number[], params: readonly number[]): number {
  if (name === 'sign') return Math.sign(args[0]!);
  if (name === 'maximum' || name === 'minimum') return BINARY_RULES[name].value(args[0]!, args[1]!);
  return UNARY_RULES[name].value(args[0]!, params[0] ?? 0, params[1] ?? 0);
}

function compare(op: Comparison, a: number, b: number): number {
  const holds =
    op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : op === 'le' ? a <= b : a === b;
  return holds ? 1 : 0;
}

const values = new WeakMap<Formula, number>();

/** The value at the point (symbols' own values), cached: the simplifications consult it. */
function pointValue(f: Formula): number {
  let v = values.get(f);
  if (v === undefined) {
    v = evaluateFormula(f);
    values.set(f, v);
  }
  return v;
}

/** Dropping `0·f` (or `f − f`) keeps the value only where `f` is finite. */
const finiteAtPoint = (f: Formula): boolean => Number.isFinite(pointValue(f));

// --- structural identity (for collecting like terms and factors) ---------------------------------------

const keys = new WeakMap<Formula, string>();

/** A string equal for structurally equal formulas. */
export function formulaKey(f: Formula): string {
  const known = keys.get(f);
  if (known !== undefined) return known;
  const k = (g: Formula) => formulaKey(g);
  let key: string;
  switch (f.kind) {
    case 'num':
      key = `#${f.value}`;
      break;
    case 'sym':
      key = `$${f.name}`;
      break;
    case 'sum':
      key = `(+ ${f.terms.map(k).join(' ')})`;
      break;
    case 'product':
      key = `(* ${f.coef} ${f.factors.map(k).join(' ')})`;
      break;
    case 'div':
      key = `(/ ${k(f.num)} ${k(f.den)})`;
      break;
    case 'pow':
      key = `(^ ${k(f.base)} ${k(f.exp)})`;
      break;
    case 'fn':
      key = `(${f.name}[${f.params.join(',')}] ${f.args.map(k).join(' ')})`;
      break;
    case 'cmp':
      key = `(${f.op} ${k(f.a)} ${k(f.b)})`;
      break;
    case 'where':
      key = `(? ${k(f.cond)} ${k(f.a)} ${k(f.b)})`;
      break;
  }
  keys.set(f, key);
  return key;
}

// --- simplifying constructors -----------------------------------------------------------------------------

/** `c·f` split into its numeric coefficient and the rest (`null` rest for a constant). */
function splitCoefficient(f: Formula): [number, Formula | null] {
  if (f.kind === 'num') return [f.value, null];
  if (f.kind !== 'product') return [1, f];
  const rest: Formula =
    f.factors.length === 1 ? f.factors[0]! : { kind: 'product', coef: 1, factors: f.factors };
  return [f.coef, rest];
}

/** The sum, flattened, like terms collected, constants folded where the first one stood. */
export function sumOf(parts: readonly Value<Formula>[]): Formula {
  const flat = parts.map(lift).flatMap((p) => (p.kind === 'sum' ? p.terms : [p]));
  let total = 0;
  let constantAt = -1;
  const order: string[] = [];
  const terms = new Map<string, { coef: number; body: Formula }>();
  for (const t of flat) {
    const [coef, body] = splitCoefficient(t);
    if (body === null) {
      total += coef;
      if (constantAt < 0) constantAt = order.length;
      continue;
    }
    const key = formulaKey(body);
    const seen = terms.get(key);
    if (seen) seen.coef += coef;
    else {
      order.push(key);
      terms.set(key, { coef, body });
    }
  }
  const out: Formula[] = [];
  const pushConstant = () => total !== 0 && out.push(constant(total));
  order.forEach((key, i) => {
    if (i === constantAt) pushConstant();
    const { coef, body } = terms.get(key)!;
    if (coef !== 0 || !finiteAtPoint(body)) out.push(productOf([coef, body]));
  });
  if (constantAt >= order.length) pushConstant();
  if (out.length === 0) return constant(0);
  return out.length === 1 ? out[0]! : { kind: 'sum', terms: out };
}

/** The product, flattened, constants multiplied into one coefficient, equal bases combined. */
export function productOf(parts: readonly Value<Formula>[]): Formula {
  let coef = 1;
  const order: string[] = [];
  const powers = new Map<string, { base: Formula; exp: Formula }>();
  for (const p of parts
    .map(lift)
    .flatMap((q) => (q.kind === 'product' ? [constant(q.coef), ...q.factors] : [q]))) {
    if (p.kind === 'num') {
      coef *= p.value;
      continue;
    }
    const [base, exp] = p.kind === 'pow' ? [p.base, p.exp] : [p, constant(1)];
    const key = formulaKey(base);
    const seen = powers.get(key);
    if (seen) seen.exp = sumOf([seen.exp, exp]);
    else {
      order.push(key);
      powers.set(key, { base, exp });
    }
  }
  const factors: Formula[] = [];
  for (const key of order) {
    const { base, exp } = powers.get(key)!;
    const f = powerOf(base, exp);
    if (f.kind === 'num') coef *= f.value;
    else factors.push(f);
  }
  if (factors.length === 0 || (coef === 0 && factors.every(finiteAtPoint))) return constant(coef);
  return coef === 1 && factors.length === 1 ? factors[0]! : { kind: 'product', coef, factors };
}

/** `−f`. */
export const negative = (f: Value<Formula>): Formula => productOf([-1, f]);

/** `base ^ exp`, folding constants, x^1, x^0, 1^x and (x^a)^b for constant a, b. */
export function powerOf(base: Value<Formula>, exp: Value<Formula>): Formula {
  const b = lift(base);
  const e = lift(exp);
  if (isNum(b) && isNum(e)) return constant(BINARY_RULES.pow.value(b.value, e.value));
  if (isNum(e, 1)) return b;
  if (isNum(e, 0) || isNum(b, 1)) return constant(1);
  if (b.kind === 'pow' && isNum(b.exp) && isNum(e)) return powerOf(b.base, b.exp.value * e.value);
  return { kind: 'pow', base: b, exp: e };
}

/** A constant whose reciprocal a person would write as a decimal (2 → 0.5, but not 3). */
const shortReciprocal = (c: number): boolean => c !== 0 && String(1 / c).length <= 6;

/** `num / den`, folding constants, x/1, 0/x, x/x, and x/2 into 0.5·x. */
export function quotientOf(num: Value<Formula>, den: Value<Formula>): Formula {
  const n = lift(num);
  const d = lift(den);
  if (isNum(n) && isNum(d)) return constant(n.value / d.value);
  if (isNum(d) && shortReciprocal(d.value)) return productOf([1 / d.value, n]);
  // 0/x = 0 and x/x = 1 hold where x is neither 0 nor infinite.
  const regular = Number.isFinite(pointValue(d)) && pointValue(d) !== 0;
  if (isNum(n, 0) && regular) return constant(0);
  if (formulaKey(n) === formulaKey(d) && regular) return constant(1);
  return { kind: 'div', num: n, den: d };
}

/** A function applied to arguments, folded when they are all constants. */
export function functionOf(
  name: FunctionName,
  args: readonly Value<Formula>[],
  params: readonly number[] = [],
): Formula {
  const a = args.map(lift);
  if (a.every((x) => isNum(x)))
    return constant(
      applyFunction(
        name,
        a.map((x) => (x as { value: number }).value),
        params,
      ),
    );
  return { kind: 'fn', name, args: a, params };
}

/**
 * An Iverson bracket. Folded when both sides are constants, when one is infinite (the result is
 * the same for every finite value), and for equality (resolved at the point's values).
 */
export function comparisonOf(op: Comparison, a: Value<Formula>, b: Value<Formula>): Formula {
  const x = lift(a);
  const y = lift(b);
  const infinite = (f: Formula) => isNum(f) && !Number.isFinite(f.value);
  if ((isNum(x) && isNum(y)) || op === 'eq' || infinite(x) || infinite(y))
    return constant(compare(op, evaluateFormula(x), evaluateFormula(y)));
  return { kind: 'cmp', op, a: x, b: y };
}

/** `cond ≠ 0 ? a : b`, folded when the condition is a constant or both branches are equal. */
export function whereOf(cond: Value<Formula>, a: Value<Formula>, b: Value<Formula>): Formula {
  const c = lift(cond);
  const x = lift(a);
  const y = lift(b);
  if (isNum(c)) return c.value !== 0 ? x : y;
  if (formulaKey(x) === formulaKey(y)) return x;
  return { kind: 'where', cond: c, a: x, b: y };
}

/**
 * Formulas as an algebra: a derivative rule evaluated here gives its formula, simplified, in
 * whatever names its arguments carry.
 */
export const FORMULAS: Algebra<Formula> = {
  add: (a, b) => sumOf([a, b]),
  sub: (a, b) => sumOf([a, negative(b)]),
  mul: (a, b) => productOf([a, b]),
  div: quotientOf,
  pow: powerOf,
  neg: negative,
  exp: (a) => functionOf('exp', [a]),
  log: (a) => functionOf('log', [a]),
  sin: (a) => functionOf('sin', [a]),
  cos: (a) => functionOf('cos', [a]),
  tanh: (a) => functionOf('tanh', [a]),
  sigmoid: (a) => functionOf('sigmoid', [a]),
  erf: (a) => functionOf('erf', [a]),
  sign: (a) => functionOf('sign', [a]),
  gt: (a, b) => comparisonOf('gt', a, b),
  ge: (a, b) => comparisonOf('ge', a, b),
  lt: (a, b) => comparisonOf('lt', a, b),
  le: (a, b) => comparisonOf('le', a, b),
  eq: (a, b) => comparisonOf('eq', a, b),
  where: whereOf,
};

/** The value of a one-input op as a formula: `σ(x)`, `x^2`, `−x`, `leakyRelu(x; slope=0.01)`. */
export function unaryDefinition(rule: UnaryRule, x: Value<Formula>, p: number, q: number): Formula {
  if (rule.name === 'neg') return negative(x);
  if (rule.name === 'square') return powerOf(x, 2);
  return functionOf(rule.name, [x], [p, q].slice(0, rule.params.length));
}

/** The value of a two-input op as a formula: `a + b`, `a·b`, `max(a, b)`. */
export function binaryDefinition(rule: BinaryRule, a: Value<Formula>, b: Value<Formula>): Formula {
  if (rule.name === 'maximum' || rule.name === 'minimum') return functionOf(rule.name, [a, b]);
  return FORMULAS[rule.name](a, b) as Formula;
}

/** The names of the symbols in `f`, each once, in order of first appearance. */
export function symbolsOf(f: Formula, into: Set<string> = new Set()): Set<string> {
  switch (f.kind) {
    case 'num':
      break;
    case 'sym':
      into.add(f.name);
      break;
    case 'sum':
      for (const t of f.terms) symbolsOf(t, into);
      break;
    case 'product':
      for (const t of f.factors) symbolsOf(t, into);
      break;
    case 'div':
      symbolsOf(f.num, into);
      symbolsOf(f.den, into);
      break;
    case 'pow':
      symbolsOf(f.base, into);
      symbolsOf(f.exp, into);
      break;
    case 'fn':
      for (const t of f.args) symbolsOf(t, into);
      break;
    case 'cmp':
    case 'where':
      for (const t of f.kind === 'cmp' ? [f.a, f.b] : [f.cond, f.a, f.b]) symbolsOf(t, into);
      break;
  }
  return into;
}
