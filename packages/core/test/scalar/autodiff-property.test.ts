import { grad, type Scalar, scalar } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BINARY,
  buildProgram,
  depthOf,
  evalPlain,
  evalScalar,
  type Op,
  type Program,
  sharedNodes,
  UNARY,
} from './expr.js';

const VARS = 2;
const H = 1e-4;

const arbPoint = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: VARS, maxLength: VARS });
const arbSteps = fc.array(
  fc.record({
    op: fc.nat(),
    chain: fc.double({ min: 0, max: 1, noNaN: true }).map((u) => u < 0.7),
    a: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    b: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    guard: fc.nat(),
  }),
  { minLength: 8, maxLength: 24 },
);

/**
 * Central differences with one Richardson step (error O(h⁴)), refusing a point where any
 * evaluation takes another branch at a kink than the base point does.
 */
function richardson(f: (t: number) => number): number {
  const d = (h: number) => (f(h) - f(-h)) / (2 * h);
  return (4 * d(H / 2) - d(H)) / 3;
}

const shifted = (x: readonly number[], j: number, t: number) => x.map((v, i) => (i === j ? v + t : v));

/** Gradient by reverse mode: every input at once. */
function autodiffGrad(prog: Program, x: readonly number[]): number[] {
  const inputs = x.map((v) => scalar(v));
  const args = inputs.map((_, i) => i);
  const grads = grad((...xs: Scalar[]) => evalScalar(prog, xs), { argnums: args })(...inputs);
  return grads.map((g) => g.value);
}

/** True when the program takes the same branch at every kink within ±H of `x`. */
function smoothAround(prog: Program, x: readonly number[]): boolean {
  const base = evalPlain(prog, x).branches.join();
  for (let j = 0; j < x.length; j++) {
    for (const t of [H, -H, H / 2, -H / 2]) {
      const { value, branches } = evalPlain(prog, shifted(x, j, t));
      if (branches.join() !== base || !Number.isFinite(value)) return false;
    }
  }
  return true;
}

const close = (got: number, want: number, rel: number) =>
  Math.abs(got - want) <= rel * Math.max(1, Math.abs(want));

const ALL_OPS: readonly Op[] = [...UNARY, ...BINARY];

describe('Scalar autodiff on random expression graphs', () => {
  it('the generator covers every Scalar op (pow with a number and with a Scalar exponent)', () => {
    const methods = [
      'add',
      'sub',
      'mul',
      'div',
      'neg',
      'pow',
      'exp',
      'log',
      'sqrt',
      'abs',
      'sin',
      'cos',
      'tanh',
      'sigmoid',
      'relu',
      'leakyRelu',
      'softplus',
      'maximum',
      'minimum',
    ];
    const proto = Object.getPrototypeOf(scalar(0)) as Record<string, unknown>;
    for (const m of methods) {
      expect(typeof proto[m]).toBe('function');
      expect(ALL_OPS).toContain(m);
    }
    expect(ALL_OPS).toContain('powc');
  });

  it('first derivatives match central differences within 1e-6 (depth ≥ 6, shared nodes)', () => {
    const seen = new Set<Op>();
    fc.assert(
      fc.property(arbPoint, arbSteps, (x, steps) => {
        const prog = buildProgram(x, steps);
        fc.pre(depthOf(prog) >= 6 && sharedNodes(prog) >= 1 && smoothAround(prog, x));
        for (const ins of prog.instrs) seen.add(ins.op);

        const out = evalScalar(
          prog,
          x.map((v) => scalar(v)),
        );
        expect(close(out.value, evalPlain(prog, x).value, 1e-12)).toBe(true);

        const g = autodiffGrad(prog, x);
        for (let j = 0; j < x.length; j++) {
          const fd = richardson((t) => evalPlain(prog, shifted(x, j, t)).value);
          if (!close(g[j]!, fd, 1e-6)) {
            throw new Error(`∂f/∂x${j}: autodiff ${g[j]}, finite differences ${fd}\n${JSON.stringify(prog)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual([...ALL_OPS].sort());
  });

  it('second derivatives through createGraph match finite differences of the first derivative', () => {
    fc.assert(
      fc.property(arbPoint, arbSteps, (x, steps) => {
        const prog = buildProgram(x, steps);
        fc.pre(depthOf(prog) >= 6 && sharedNodes(prog) >= 1 && smoothAround(prog, x));
        const f = (...xs: Scalar[]) => evalScalar(prog, xs);
        const args = x.map((_, i) => i);
        for (let i = 0; i < x.length; i++) {
          // ∂/∂x_j of ∂f/∂x_i: the inner gradient is recorded, the outer one differentiates it.
          const dfi = (...xs: Scalar[]) => grad(f, { argnums: i })(...xs);
          const row = grad(dfi, { argnums: args })(...x.map((v) => scalar(v)));
          for (let j = 0; j < x.length; j++) {
            const fd = richardson((t) => autodiffGrad(prog, shifted(x, j, t))[i]!);
            if (!close(row[j]!.value, fd, 1e-6)) {
              throw new Error(
                `∂²f/∂x${i}∂x${j}: autodiff ${row[j]!.value}, finite differences ${fd}\n${JSON.stringify(prog)}`,
              );
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
