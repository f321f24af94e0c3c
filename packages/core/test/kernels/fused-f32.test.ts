/**
 * Float32 fused programs through the SIMD kernels (fused-f32.ts) against the same programs run
 * in float64 by the JavaScript evaluator: every step kind, one-element inputs, steps without a
 * SIMD kernel, block boundaries, the three sinks, and a result written over one of its inputs.
 */
import { describe, expect, it } from 'vitest';
import { runFused, sumFused } from '../../src/kernels/fused.js';
import { evaluateF32 } from '../../src/kernels/fused-f32.js';
import type { FusedProgram, FusedStep } from '../../src/kernels/fused-program.js';
import { BINARY_RULES as B, UNARY_RULES as U } from '../../src/math/rules.js';
import { rngFrom } from '../tensor/helpers.js';
import { expectClose } from './float32-reference.js';

/** Leaves: x and y of `n` values in ±3, and the one-element 0.25. */
function leavesOf(n: number, seed: number): Float32Array[] {
  const rng = rngFrom(seed);
  const draw = () => Float32Array.from({ length: n }, () => 6 * rng() - 3);
  return [draw(), draw(), Float32Array.of(0.25)];
}

const X = 0;
const Y = 1;
const QUARTER = 2;

/** Programs over slots x, y, 0.25 (steps numbered from 3), each with what it exercises. */
const PROGRAMS: Record<string, FusedStep[]> = {
  // W5's forward: σ(x)·tanh(x).
  'unary and binary steps': [
    { kind: 'unary', rule: U.sigmoid, p: 0, q: 0, a: X },
    { kind: 'unary', rule: U.tanh, p: 0, q: 0, a: X },
    { kind: 'binary', rule: B.mul, a: 3, b: 4 },
  ],
  'a one-element input in binary and unary steps, parameters': [
    { kind: 'binary', rule: B.add, a: X, b: QUARTER },
    { kind: 'unary', rule: U.exp, p: 0, q: 0, a: QUARTER },
    { kind: 'binary', rule: B.maximum, a: 3, b: 4 },
    { kind: 'unary', rule: U.softplus, p: 2, q: 5, a: 5 },
    { kind: 'unary', rule: U.clamp, p: -1, q: 1.5, a: 6 },
  ],
  'compare, where, sign and copy': [
    { kind: 'compare', op: 'gt', a: X, b: Y },
    { kind: 'copy', a: Y },
    { kind: 'sign', a: 4 },
    { kind: 'where', cond: 3, a: X, b: 5 },
    { kind: 'compare', op: 'le', a: 6, b: QUARTER },
    { kind: 'binary', rule: B.sub, a: 6, b: 7 },
  ],
  'steps without a SIMD kernel (sin, pow) between SIMD steps': [
    { kind: 'unary', rule: U.sin, p: 0, q: 0, a: X },
    { kind: 'unary', rule: U.abs, p: 0, q: 0, a: Y },
    { kind: 'binary', rule: B.pow, a: 4, b: QUARTER },
    { kind: 'binary', rule: B.div, a: 3, b: 5 },
  ],
  // The backward of σ, tanh and relu as one step each (SIMD kernels), and of gelu (no kernel).
  'one-step backward rules': [
    { kind: 'unary', rule: U.sigmoid, p: 0, q: 0, a: X },
    { kind: 'unaryGrad', rule: U.sigmoid, p: 0, q: 0, g: Y, x: X, out: 3 },
    { kind: 'unary', rule: U.tanh, p: 0, q: 0, a: X },
    { kind: 'unaryGrad', rule: U.tanh, p: 0, q: 0, g: 4, x: X, out: 5 },
    { kind: 'unary', rule: U.relu, p: 0, q: 0, a: X },
    { kind: 'unaryGrad', rule: U.relu, p: 0, q: 0, g: 6, x: X, out: 7 },
    { kind: 'unary', rule: U.gelu, p: 0, q: 0, a: X },
    { kind: 'unaryGrad', rule: U.gelu, p: 0, q: 0, g: 8, x: X, out: 9 },
  ],
};

function programs(n: number, seed: number) {
  const leaves = leavesOf(n, seed);
  return Object.entries(PROGRAMS).map(([name, steps]) => ({
    name,
    f32: { length: n, float64: false, leaves, steps } satisfies FusedProgram,
    f64: {
      length: n,
      float64: true,
      leaves: leaves.map((l) => Float64Array.from(l)),
      steps,
    } satisfies FusedProgram,
  }));
}

const LENGTHS = [1, 3, 2047, 2048, 2049, 5001];
const TOL = { ulps: 8, abs: 1e-6 };

describe('float32 fused programs through the SIMD kernels agree with float64', () => {
  it('write: every step kind, at lengths around the block size', () => {
    for (const n of LENGTHS) {
      for (const { name, f32, f64 } of programs(n, n)) {
        const got = new Float32Array(n);
        expect(evaluateF32(f32, { kind: 'write', out: got })).toBe(0);
        const want = new Float64Array(n);
        runFused(f64, want);
        expectClose(got, Float32Array.from(want), TOL, `${name}, n = ${n}`);
      }
    }
  });

  it('add: the result is added into an array', () => {
    for (const n of LENGTHS) {
      for (const { name, f32, f64 } of programs(n, n + 1)) {
        const start = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
        const got = start.slice();
        evaluateF32(f32, { kind: 'add', out: got });
        const want = Float64Array.from(start);
        runFused(f64, want, true);
        expectClose(got, Float32Array.from(want), TOL, `${name} added, n = ${n}`);
      }
    }
  });

  it('sum: the result summed in float64, never stored', () => {
    for (const n of LENGTHS) {
      for (const { name, f32, f64 } of programs(n, n + 2)) {
        const got = evaluateF32(f32, { kind: 'sum' })!;
        const want = sumFused(f64);
        expect(Math.abs(got - want), `${name}, n = ${n}`).toBeLessThanOrEqual(1e-6 * n);
      }
    }
  });

  it('writes over one of its own inputs block by block, reading each block first', () => {
    const n = 5001;
    const [x, y, quarter] = leavesOf(n, 9);
    const steps = PROGRAMS['unary and binary steps']!;
    const want = new Float32Array(n);
    evaluateF32(
      { length: n, float64: false, leaves: [x!.slice(), y!, quarter!], steps },
      { kind: 'write', out: want },
    );
    evaluateF32({ length: n, float64: false, leaves: [x!, y!, quarter!], steps }, { kind: 'write', out: x! });
    expectClose(x!, want, { ulps: 0 }, 'in place');
  });

  it('declines float64 outputs, leaving them to the JavaScript evaluator', () => {
    const { f32 } = programs(10, 1)[0]!;
    expect(evaluateF32(f32, { kind: 'write', out: new Float64Array(10) })).toBeNull();
  });
});
