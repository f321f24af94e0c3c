/**
 * Runs the adjoint property (and its second-order variant) for one op over generated inputs.
 * An op case generates its inputs from fast-check values and a seeded `Rng`, and says how to
 * apply the op; the property checks every differentiable input.
 */

import type { Tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { RUNS, seedArb } from './arbitraries.js';
import {
  adjointCheck,
  type FdOptions,
  float32Check,
  type Rng,
  rngFrom,
  secondOrderCheck,
} from './helpers.js';

/** One generated instance: the inputs and the op applied to (leaf copies of) them. */
export interface OpInstance {
  inputs: Tensor[];
  f: (xs: Tensor[]) => Tensor;
  /** Shown when the property fails. */
  describe: string;
}

/** An op case: a generator of instances from fast-check parameters `P` and an `Rng`. */
export interface OpCase<P> {
  name: string;
  params: fc.Arbitrary<P>;
  make: (params: P, rng: Rng) => OpInstance;
  tolerance?: FdOptions;
  /** Tolerance of the float32-vs-float64 comparison, for ops that amplify rounding. */
  float32Tolerance?: FdOptions;
}

/** An op case with its parameter type erased, ready to prove. */
export interface ProvableOp {
  name: string;
  /** The adjoint property: ⟨vjp(c), t⟩ matches central differences for every input. */
  adjoint(): void;
  /** The second-order property: the backward, recorded with createGraph, differentiates correctly. */
  secondOrder(): void;
  /** float32 values and gradients agree with float64 within float32 tolerance. */
  float32(): void;
}

const run = <P>(
  c: OpCase<P>,
  check: typeof adjointCheck,
  runs: { numRuns: number },
  tolerance: FdOptions | undefined = c.tolerance,
) =>
  fc.assert(
    fc.property(c.params, seedArb, (params, seed) => {
      const rng = rngFrom(seed);
      const inst = c.make(params, rng);
      try {
        check(inst.f, inst.inputs, rng, tolerance);
      } catch (e) {
        throw new Error(`${c.name} ${inst.describe}: ${(e as Error).message}`);
      }
    }),
    runs,
  );

/** Builds a provable op from a case, with `P` inferred from `params`. */
export const opCase = <P>(c: OpCase<P>): ProvableOp => ({
  name: c.name,
  adjoint: () => run(c, adjointCheck, RUNS),
  secondOrder: () => run(c, secondOrderCheck, { numRuns: Math.ceil(RUNS.numRuns / 2) }),
  float32: () => run(c, float32Check, RUNS, c.float32Tolerance),
});

/** Formats shapes for failure messages. */
export const fmt = (...shapes: (readonly number[])[]): string =>
  shapes.map((s) => `[${s.join(',')}]`).join(' ');
