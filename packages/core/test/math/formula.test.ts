import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFormula } from '../../src/inspect/formula-format.js';
import {
  binaryDefinition,
  evaluateFormula,
  FORMULAS,
  type Formula,
  formulaKey,
  productOf,
  sumOf,
  symbol,
  unaryDefinition,
} from '../../src/math/formula.js';
import { NUMBERS } from '../../src/math/numbers.js';
import { BINARY_RULES, UNARY_RULES } from '../../src/math/rules.js';

const text = (f: Formula | number) =>
  formatFormula(typeof f === 'number' ? { kind: 'num', value: f } : f, 'text');
const same = (a: number, b: number) =>
  Object.is(a, b) ||
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

/** Parameters each one-input rule is exercised with (its defaults and a generated value). */
const paramsArb = (name: string) => {
  if (name === 'leakyRelu') return fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.constant(0));
  if (name === 'elu') return fc.tuple(fc.double({ min: 0.1, max: 2, noNaN: true }), fc.constant(0));
  if (name === 'softplus') return fc.tuple(fc.constantFrom(0.5, 1, 2), fc.constantFrom(2, 20));
  if (name === 'clamp')
    return fc.tuple(fc.constantFrom(-Infinity, -1, -0.5), fc.constantFrom(0.5, 1, Infinity));
  return fc.constant([0, 0] as [number, number]);
};
/** Points in each rule's domain, with the edge values the rules special-case. */
const pointArb = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, -1, 0.5, 2));

describe('formulas come from the one rule table and agree with its numbers', () => {
  for (const rule of Object.values(UNARY_RULES)) {
    it(`${rule.name}: the derivative formula and the definition evaluate to the rule's numbers`, () => {
      fc.assert(
        fc.property(pointArb, paramsArb(rule.name), (xv, [p, q]) => {
          const domainX = rule.name === 'log' || rule.name === 'sqrt' ? Math.abs(xv) + 0.1 : xv;
          const out = rule.value(domainX, p, q);
          const x = symbol('x', domainX);
          const o = symbol('out', out);
          const formula = rule.grad(FORMULAS, x, o, p, q);
          const expected = rule.grad(NUMBERS, domainX, out, p, q);
          expect(
            same(
              evaluateFormula(typeof formula === 'number' ? { kind: 'num', value: formula } : formula),
              expected,
            ),
          ).toBe(true);
          expect(same(evaluateFormula(unaryDefinition(rule, x, p, q)), out)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }
  for (const rule of Object.values(BINARY_RULES)) {
    it(`${rule.name}: both derivative formulas and the definition, with symbols and constants as operands`, () => {
      fc.assert(
        fc.property(pointArb, pointArb, fc.constantFrom('ss', 'sn', 'ns'), (av, bv, kinds) => {
          const a0 = rule.name === 'pow' ? Math.abs(av) : av;
          const out = rule.value(a0, bv);
          const a = kinds[0] === 's' ? symbol('a', a0) : a0;
          const b = kinds[1] === 's' ? symbol('b', bv) : bv;
          for (const wrt of [0, 1] as const) {
            const f = rule.grad(FORMULAS, a, b, symbol('out', out), wrt);
            const n = rule.grad(NUMBERS, a0, bv, out, wrt);
            const v = typeof f === 'number' ? f : evaluateFormula(f);
            expect(same(v, n), `${rule.name} wrt ${wrt} at (${a0}, ${bv}): ${v} vs ${n}`).toBe(true);
          }
          expect(same(evaluateFormula(binaryDefinition(rule, a, b)), out)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('symbols may be re-valued: a formula is a function of its names', () => {
    const out = symbol('out', 0.7);
    const f = UNARY_RULES.sigmoid.grad(FORMULAS, symbol('l', 0.85), out, 0, 0) as Formula;
    expect(evaluateFormula(f, (n) => (n === 'out' ? 0.25 : undefined))).toBeCloseTo(0.25 * 0.75, 15);
  });
});

describe('formulas are simplified as a person writes them', () => {
  const out = symbol('out_o1', 0.7);
  const x = symbol('x', 0.3);
  const t = symbol('t1', 0.85);

  it('derivatives of the rules read as in a textbook', () => {
    const g = (name: keyof typeof UNARY_RULES, p = 0) =>
      text(UNARY_RULES[name].grad(FORMULAS, x, out, p, 0) as Formula);
    expect(g('sigmoid')).toBe('out_o1·(1 − out_o1)');
    expect(g('tanh')).toBe('1 − out_o1^2');
    expect(g('exp')).toBe('out_o1');
    expect(g('log')).toBe('1/x');
    expect(g('cos')).toBe('−sin(x)');
    expect(g('relu')).toBe('[x > 0]');
    expect(g('leakyRelu', 0.01)).toBe('(1 if x > 0 else 0.01)');
    expect(g('square')).toBe('2·x');
    // pow with a constant exponent: the 0^0 mask is resolved at the point, leaving b·a^(b−1).
    expect(text(BINARY_RULES.pow.grad(FORMULAS, x, 2, symbol('p', 0.09), 0) as Formula)).toBe('2·x');
    expect(text(BINARY_RULES.pow.grad(FORMULAS, x, 3, symbol('p', 0.027), 0) as Formula)).toBe('3·x^2');
    expect(text(BINARY_RULES.pow.grad(FORMULAS, 2, x, symbol('p', 1.2), 1) as Formula)).toBe(
      '0.6931471806·p',
    );
    expect(text(BINARY_RULES.div.grad(FORMULAS, x, out, symbol('q', 0.4), 1) as Formula)).toBe('−x/out_o1^2');
  });

  it('no 1·x, x + 0, x^1; constants multiplied; −1·x as −x; like terms collected', () => {
    expect(text(productOf([1, x]))).toBe('x');
    expect(text(sumOf([x, 0]))).toBe('x');
    expect(text(productOf([2, x, 0.5, out]))).toBe('x·out_o1');
    expect(text(productOf([-1, sumOf([t, productOf([-1, out])])]))).toBe('−(t1 − out_o1)');
    expect(text(sumOf([x, x, productOf([3, out]), productOf([-3, out])]))).toBe('2·x');
    expect(text(productOf([x, x, x]))).toBe('x^3');
    expect(text(sumOf([1, productOf([-1, out]), 2]))).toBe('3 − out_o1');
    expect(text(FORMULAS.div(x, 2) as Formula)).toBe('0.5·x');
    expect(text(FORMULAS.div(x, 3) as Formula)).toBe('x/3');
    expect(text(FORMULAS.div(x, x) as Formula)).toBe('1');
    // ½(t − out)² differentiated by the chain rule: 0.5 · 2(t − out) · (−1) = −(t − out).
    const diff = sumOf([t, productOf([-1, out])]);
    const chain = productOf([0.5, BINARY_RULES.pow.grad(FORMULAS, diff, 2, 0, 0), -1]);
    expect(text(chain)).toBe('−(t1 − out_o1)');
    expect(formulaKey(productOf([x, out]))).toBe(formulaKey(productOf([x, out])));
  });

  it('LaTeX uses standard macros and the labels as subscripts', () => {
    const f = UNARY_RULES.sigmoid.grad(FORMULAS, x, out, 0, 0) as Formula;
    expect(formatFormula(f, 'latex')).toBe(
      '\\mathrm{out}_{\\mathrm{o1}} \\cdot \\left(1 - \\mathrm{out}_{\\mathrm{o1}}\\right)',
    );
    expect(formatFormula(FORMULAS.div(1, symbol('w5', 2)) as Formula, 'latex')).toBe('\\frac{1}{w_{5}}');
    expect(formatFormula(f, 'text', { substitute: true })).toBe('0.7·(1 − 0.7)');
  });
});
