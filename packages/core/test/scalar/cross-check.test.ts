/**
 * Scalar and float64 Tensor are two faces of one per-element rule table: every op Scalar has,
 * evaluated as a Scalar and as a 0-d float64 Tensor at ordinary and edge points, gives identical
 * values, first derivatives and second derivatives (bit for bit, NaN and signed zeros included).
 */
import { describe, expect, it } from 'vitest';
import { grad, type Scalar, scalar, type Tensor, tensor } from '../../src/index.js';
import { BINARY_RULES, UNARY_RULES } from '../../src/math/rules.js';

type Value = Scalar | Tensor;
type Unary = (x: Value) => Value;
type Binary = (a: Value, b: Value) => Value;

/** Each one-input op as both kinds accept it (the same call on a Scalar and on a Tensor). */
const UNARY: Record<string, Unary> = {
  neg: (x) => x.neg(),
  exp: (x) => x.exp(),
  log: (x) => x.log(),
  log1p: (x) => x.log1p(),
  expm1: (x) => x.expm1(),
  sqrt: (x) => x.sqrt(),
  square: (x) => x.square(),
  abs: (x) => x.abs(),
  sin: (x) => x.sin(),
  cos: (x) => x.cos(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  leakyRelu: (x) => x.leakyRelu(0.2),
  elu: (x) => x.elu(1.5),
  erf: (x) => x.erf(),
  gelu: (x) => x.gelu(),
  geluTanh: (x) => x.gelu({ approximate: 'tanh' }),
  softplus: (x) => x.softplus({ beta: 2, threshold: 5 }),
  clamp: (x) => x.clamp(-1, 2),
  powNumber: (x) => x.pow(3),
  powFraction: (x) => x.pow(0.5),
  powZero: (x) => x.pow(0),
  addNumber: (x) => x.add(0.25),
  subFromNumber: (x) => x.mul(-1).add(3),
  divNumber: (x) => x.div(7),
  maximumNumber: (x) => x.maximum(1),
  minimumNumber: (x) => x.minimum(-1),
};

const BINARY: Record<string, Binary> = {
  add: (a, b) => (a as Scalar).add(b as Scalar),
  sub: (a, b) => (a as Scalar).sub(b as Scalar),
  mul: (a, b) => (a as Scalar).mul(b as Scalar),
  div: (a, b) => (a as Scalar).div(b as Scalar),
  pow: (a, b) => (a as Scalar).pow(b as Scalar),
  maximum: (a, b) => (a as Scalar).maximum(b as Scalar),
  minimum: (a, b) => (a as Scalar).minimum(b as Scalar),
};

const EDGES = [0, -0, 1, -1, 0.5, -2.5, 1e-300, -1e-300, 1e300, -1e300, Infinity, -Infinity, 3];
const PAIRS: [number, number][] = [
  [0, 0], // 0^0, ties
  [1, 1],
  [-2, -2],
  [2, 3],
  [3, 2],
  [0, 2],
  [0, -1],
  [-2, 0.5],
  [1e-300, 2],
  [1e300, -1e300],
  [Infinity, 1],
  [-Infinity, -Infinity],
];

const asScalar = (v: number) => scalar(v);
const asTensor = (v: number) => tensor(v, { dtype: 'float64' });
const num = (x: Value): number => ('item' in x ? x.item() : x.value);

/** Value, derivative and second derivative of a one-input op. */
function unaryTriple(f: Unary, make: (v: number) => Value, v: number): number[] {
  const d1 = grad(f as (x: Value) => Value);
  const d2 = grad((x: Value) => d1(x) as Value);
  return [num(f(make(v))), num(d1(make(v)) as Value), num(d2(make(v)) as Value)];
}

/** Value, both partials and the four second partials of a two-input op. */
function binaryResults(f: Binary, make: (v: number) => Value, a: number, b: number): number[] {
  const both = grad(f as (a: Value, b: Value) => Value, { argnums: [0, 1] });
  const partial = (k: 0 | 1) => (x: Value, y: Value) => (both(x, y) as Value[])[k]!;
  const second = (k: 0 | 1) =>
    (grad(partial(k) as (x: Value, y: Value) => Value, { argnums: [0, 1] })(make(a), make(b)) as Value[]).map(
      num,
    );
  return [
    num(f(make(a), make(b))),
    ...(both(make(a), make(b)) as Value[]).map(num),
    ...second(0),
    ...second(1),
  ];
}

/** Object.is per element, with the op, point and position in the failure message. */
function expectIdentical(got: number[], want: number[], what: string): void {
  const mismatches = got
    .map((g, i) => (Object.is(g, want[i]) ? null : `#${i}: Scalar ${g} vs Tensor ${want[i]}`))
    .filter((m) => m !== null);
  expect(mismatches, what).toEqual([]);
}

describe('Scalar against 0-d float64 Tensor, through the same rules', () => {
  it('covers every rule of the table', () => {
    const unaryCovered = Object.keys(UNARY);
    for (const name of Object.keys(UNARY_RULES)) expect(unaryCovered, name).toContain(name);
    expect(Object.keys(BINARY).sort()).toEqual(Object.keys(BINARY_RULES).sort());
  });

  for (const [name, f] of Object.entries(UNARY)) {
    it(`${name}: values and first and second derivatives at ${EDGES.length} points`, () => {
      for (const v of EDGES) {
        expectIdentical(unaryTriple(f, asScalar, v), unaryTriple(f, asTensor, v), `${name} at ${v}`);
      }
    });
  }

  for (const [name, f] of Object.entries(BINARY)) {
    it(`${name}: value, both partials and all second partials at ${PAIRS.length} points (0^0 and ties included)`, () => {
      for (const [a, b] of PAIRS) {
        expectIdentical(
          binaryResults(f, asScalar, a, b),
          binaryResults(f, asTensor, a, b),
          `${name}(${a}, ${b})`,
        );
      }
    });
  }

  it('PyTorch conventions at the edges', () => {
    const d = (f: Unary, v: number) => unaryTriple(f, asScalar, v)[1];
    const [, dBase, dExponent] = binaryResults(BINARY.pow!, asScalar, 0, 0);
    expect([dBase, dExponent]).toEqual([0, 0]); // 0^0
    // At exponent 0 only 0^0 is masked: elsewhere ∂²(aᵇ)/∂a∂b = 1/a there, as the calculus says.
    expect(binaryResults(BINARY.pow!, asScalar, 2, 0)[4]).toBe(0.5);
    expect(d(UNARY.relu!, 0)).toBe(0);
    expect(d(UNARY.abs!, 0)).toBe(0);
    expect(d(UNARY.log!, 0)).toBe(Infinity);
    expect(d(UNARY.sqrt!, 0)).toBe(Infinity);
    expect(binaryResults(BINARY.maximum!, asScalar, 2, 2).slice(1, 3)).toEqual([0.5, 0.5]);
    expect(binaryResults(BINARY.minimum!, asScalar, -1, -1).slice(1, 3)).toEqual([0.5, 0.5]);
    // Large magnitudes without overflow: finite values, derivatives 0 or 1.
    expect(unaryTriple(UNARY.sigmoid!, asScalar, -1e300).slice(0, 2)).toEqual([0, 0]);
    expect(unaryTriple(UNARY.sigmoid!, asScalar, 1e300).slice(0, 2)).toEqual([1, 0]);
    expect(unaryTriple(UNARY.tanh!, asScalar, 1e300).slice(0, 2)).toEqual([1, 0]);
    expect(unaryTriple(UNARY.softplus!, asScalar, 1e300).slice(0, 2)).toEqual([1e300, 1]);
    expect(unaryTriple(UNARY.softplus!, asScalar, -1e300).slice(0, 2)).toEqual([0, 0]);
  });
});
