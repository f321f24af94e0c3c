/**
 * Random composite expressions: short programs of smooth unary ops, broadcasting binary ops and
 * keepdims reductions over a few inputs, where values are reused (fan-out, so gradient
 * contributions must be summed). Their VJP with a random cotangent must match central
 * differences, in one backward and through createGraph.
 */

import type { Tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { broadcastShapesArb, RUNS, seedArb } from './arbitraries.js';
import { adjointCheck, randomTensor, rngFrom, secondOrderCheck } from './helpers.js';

const UNARY: ((x: Tensor) => Tensor)[] = [
  (x) => x.sin(),
  (x) => x.cos(),
  (x) => x.tanh(),
  (x) => x.sigmoid(),
  (x) => x.neg(),
  (x) => x.softplus(),
  (x) => x.gelu({ approximate: 'tanh' }),
  (x) => x.tanh().exp(),
  (x) => x.square().add(1).log(),
  (x) => x.sum(-1, true),
  (x) => x.mean(0, true),
  (x) => x.logsumexp(-1, true),
  (x) => x.softmax(-1),
];
const BINARY: ((a: Tensor, b: Tensor) => Tensor)[] = [
  (a, b) => a.add(b),
  (a, b) => a.sub(b),
  (a, b) => a.mul(b),
];

/** One step: a unary op on one earlier value, or a binary op on two (maybe the same) values. */
interface Step {
  binary: boolean;
  op: number;
  a: number;
  b: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  binary: fc.boolean(),
  op: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
});

const programArb = fc.tuple(
  broadcastShapesArb(3, 3).filter((shapes) => shapes.every((s) => s.length > 0)),
  fc.array(stepArb, { minLength: 1, maxLength: 8 }),
);

function run(steps: readonly Step[], xs: Tensor[]): Tensor {
  const values = [...xs];
  for (const s of steps) {
    const a = values[s.a % values.length]!;
    const b = values[s.b % values.length]!;
    values.push(s.binary ? BINARY[s.op % BINARY.length]!(a, b) : UNARY[s.op % UNARY.length]!(a));
  }
  return values[values.length - 1]!;
}

const prove = (check: typeof adjointCheck, runs: { numRuns: number }) =>
  fc.assert(
    fc.property(programArb, seedArb, ([shapes, steps], seed) => {
      const rng = rngFrom(seed);
      const inputs = shapes.map((s) => randomTensor(rng, s));
      check((xs) => run(steps, xs), inputs, rng);
    }),
    runs,
  );

describe('random composite expressions (float64)', () => {
  it('adjoint test with a random cotangent', () => prove(adjointCheck, { numRuns: 2 * RUNS.numRuns }));
  it('second derivatives through createGraph', () => prove(secondOrderCheck, RUNS));
});
