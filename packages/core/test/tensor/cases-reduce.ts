/**
 * Generated op cases for every differentiable reduction, with `axis` undefined, a single (maybe
 * negative) axis or a list of axes, and `keepdims` both ways.
 */
import type { Tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { axisArb, shapeArb } from './arbitraries.js';
import { randomTensor, type ValueKind } from './helpers.js';
import { fmt, opCase } from './prove.js';

type Axis = number | number[] | undefined;

/** Shape, axis and keepdims for a reduction; `minCount` elements at least in each reduced group. */
const reductionParams = (minCount: number) =>
  shapeArb(0, 3)
    .chain((shape) => fc.tuple(fc.constant(shape), axisArb(shape.length), fc.boolean()))
    .filter(([shape, axis]) => reducedCount(shape, axis) >= minCount);

function reducedCount(shape: readonly number[], axis: Axis): number {
  if (axis === undefined) return shape.reduce((a, b) => a * b, 1);
  const list = typeof axis === 'number' ? [axis] : axis;
  return list.reduce((n, a) => n * shape[a < 0 ? a + shape.length : a]!, 1);
}

const reduction = (
  name: string,
  kind: ValueKind,
  f: (x: Tensor, axis: Axis, keepdims: boolean) => Tensor,
  minCount = 1,
) =>
  opCase({
    name,
    params: reductionParams(minCount),
    make: ([shape, axis, keepdims], rng) => ({
      inputs: [randomTensor(rng, shape, kind)],
      f: ([x]) => f(x!, axis, keepdims),
      describe: `${fmt(shape)} axis=${JSON.stringify(axis)} keepdims=${keepdims}`,
    }),
  });

/** The reductions op cases. */
export const reductionCases = [
  reduction('sum', 'any', (x, a, k) => x.sum(a, k)),
  reduction('mean', 'any', (x, a, k) => x.mean(a, k)),
  reduction('max', 'distinct', (x, a, k) => x.max(a, k)),
  reduction('min', 'distinct', (x, a, k) => x.min(a, k)),
  reduction('prod', 'prodSafe', (x, a, k) => x.prod(a, k)),
  reduction('logsumexp', 'any', (x, a, k) => x.logsumexp(a, k)),
  reduction('var (unbiased)', 'any', (x, a, k) => x.var(a, k), 2),
  reduction('var (biased)', 'any', (x, a, k) => x.var(a, k, { unbiased: false })),
  reduction('std (unbiased)', 'distinct', (x, a, k) => x.std(a, k), 2),
  reduction('std (biased)', 'distinct', (x, a, k) => x.std(a, k, { unbiased: false }), 2),
];
