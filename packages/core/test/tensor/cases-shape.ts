/**
 * Generated op cases for the shape and indexing ops: reshape, transpose, permute, expand, squeeze,
 * unsqueeze, flatten, slice, select, gather, indexSelect, concat and stack.
 */
import { concat, stack } from '@tapegrad/core';
import fc from 'fast-check';
import { shapeArb } from './arbitraries.js';
import { randomIndex, randomTensor } from './helpers.js';
import { fmt, opCase } from './prove.js';

/** Any shape of rank ≥ `min` with an axis index into it, maybe negative. */
const shapeAndAxis = (min = 1, maxRank = 3) =>
  shapeArb(min, maxRank).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.integer({ min: 0, max: shape.length - 1 }).chain((a) => fc.constantFrom(a, a - shape.length)),
    ),
  );

const shuffled = <T>(xs: readonly T[]) =>
  fc.shuffledSubarray([...xs], { minLength: xs.length, maxLength: xs.length });

/** The shape op cases. */
export const shapeCases = [
  opCase({
    name: 'reshape',
    // The target regroups the same elements: reversed sizes, one axis as -1, or flat.
    params: shapeArb(0, 3).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.constantFrom<(s: number[]) => number[]>(
          (x) => [...x].reverse(),
          (x) => (x.length > 0 ? [-1, ...x.slice(1)] : [1, -1]),
          (x) => [x.reduce((a, b) => a * b, 1)],
          (x) => [1, ...x, 1],
        ),
      ),
    ),
    make: ([s, target], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.reshape(target(s)),
      describe: `${fmt(s)} → ${fmt(target(s))}`,
    }),
  }),
  opCase({
    name: 'transpose',
    params: shapeArb(2, 4).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.option(
          fc.tuple(
            fc.integer({ min: -s.length, max: s.length - 1 }),
            fc.integer({ min: -s.length, max: s.length - 1 }),
          ),
        ),
      ),
    ),
    make: ([s, axes], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => (axes === null ? x!.transpose() : x!.transpose(axes[0], axes[1])),
      describe: `${fmt(s)} ${JSON.stringify(axes)}`,
    }),
  }),
  opCase({
    name: 'permute',
    params: shapeArb(0, 4).chain((s) => fc.tuple(fc.constant(s), shuffled(s.map((_, i) => i)))),
    make: ([s, axes], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.permute(axes),
      describe: `${fmt(s)} ${fmt(axes)}`,
    }),
  }),
  opCase({
    name: 'expand',
    // From a shape with size-1 axes to the full shape plus new leading axes; -1 keeps a size.
    params: shapeArb(0, 3).chain((out) =>
      fc.tuple(
        fc.constant(out),
        fc.integer({ min: 0, max: out.length }),
        fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
        fc.boolean(),
      ),
    ),
    make: ([out, drop, ones, useMinusOne], rng) => {
      const from = out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      const target = out.map((d, i) => (useMinusOne && i >= drop && from[i - drop] === d ? -1 : d));
      return {
        inputs: [randomTensor(rng, from)],
        f: ([x]) => x!.expand(target),
        describe: `${fmt(from)} → ${fmt(target)}`,
      };
    },
  }),
  opCase({
    name: 'squeeze',
    params: shapeArb(0, 4).chain((s) =>
      fc.tuple(fc.constant(s), fc.option(fc.integer({ min: 0, max: Math.max(0, s.length - 1) }))),
    ),
    make: ([s, axis], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => (axis === null || s.length === 0 ? x!.squeeze() : x!.squeeze(axis)),
      describe: `${fmt(s)} axis=${axis}`,
    }),
  }),
  opCase({
    name: 'unsqueeze',
    params: shapeArb(0, 3).chain((s) =>
      fc.tuple(fc.constant(s), fc.integer({ min: -s.length - 1, max: s.length })),
    ),
    make: ([s, axis], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.unsqueeze(axis),
      describe: `${fmt(s)} axis=${axis}`,
    }),
  }),
  opCase({
    name: 'flatten',
    params: shapeArb(1, 4).chain((s) =>
      fc
        .tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }))
        .chain(([shape, start]) =>
          fc.tuple(fc.constant(shape), fc.constant(start), fc.integer({ min: start, max: shape.length - 1 })),
        ),
    ),
    make: ([s, start, end], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.flatten(start, end - s.length),
      describe: `${fmt(s)} ${start}..${end}`,
    }),
  }),
  opCase({
    name: 'slice',
    // Python slicing per leading axis: negative and out-of-range bounds, null, steps 1..3.
    params: shapeArb(1, 3, 5).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.array(
          fc.option(
            fc.tuple(
              fc.option(fc.integer({ min: -6, max: 6 })),
              fc.option(fc.integer({ min: -6, max: 6 })),
              fc.option(fc.integer({ min: 1, max: 3 })),
            ),
          ),
          { minLength: 0, maxLength: s.length },
        ),
      ),
    ),
    make: ([s, slices], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.slice(slices),
      describe: `${fmt(s)} ${JSON.stringify(slices)}`,
    }),
  }),
  opCase({
    name: 'select',
    params: shapeAndAxis().chain(([s, axis]) =>
      fc.tuple(fc.constant(s), fc.constant(axis), fc.integer({ min: -s.at(axis)!, max: s.at(axis)! - 1 })),
    ),
    make: ([s, axis, index], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.select(axis, index),
      describe: `${fmt(s)} axis=${axis} index=${index}`,
    }),
  }),
  opCase({
    name: 'gather',
    // The index has x's rank, any size along `axis`, and no more than x's size elsewhere.
    params: shapeAndAxis().chain(([s, axis]) =>
      fc.tuple(
        fc.constant(s),
        fc.constant(axis),
        fc.tuple(...s.map((d) => fc.integer({ min: 1, max: d }))),
        fc.integer({ min: 1, max: 4 }),
      ),
    ),
    make: ([s, axis, sub, along], rng) => {
      const a = axis < 0 ? axis + s.length : axis;
      const shape = sub.map((d, i) => (i === a ? along : d));
      return {
        inputs: [randomTensor(rng, s), randomIndex(rng, shape, s[a]!)],
        f: ([x, index]) => x!.gather(axis, index!),
        describe: `${fmt(s)} axis=${axis} index ${fmt(shape)}`,
      };
    },
  }),
  opCase({
    name: 'indexSelect',
    params: shapeAndAxis().chain(([s, axis]) =>
      fc.tuple(fc.constant(s), fc.constant(axis), fc.integer({ min: 1, max: 5 })),
    ),
    make: ([s, axis, k], rng) => ({
      inputs: [randomTensor(rng, s), randomIndex(rng, [k], s.at(axis)!)],
      f: ([x, index]) => x!.indexSelect(axis, index!),
      describe: `${fmt(s)} axis=${axis} k=${k}`,
    }),
  }),
  opCase({
    name: 'concat',
    params: shapeAndAxis().chain(([s, axis]) =>
      fc.tuple(
        fc.constant(s),
        fc.constant(axis),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
      ),
    ),
    make: ([s, axis, sizes], rng) => {
      const shapes = sizes.map((d) => s.map((x, i) => (i === (axis < 0 ? axis + s.length : axis) ? d : x)));
      return {
        inputs: shapes.map((shape) => randomTensor(rng, shape)),
        f: (xs) => concat(xs, axis),
        describe: `${fmt(...shapes)} axis=${axis}`,
      };
    },
  }),
  opCase({
    name: 'stack',
    params: shapeArb(0, 3).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.integer({ min: -s.length - 1, max: s.length }),
        fc.integer({ min: 1, max: 3 }),
      ),
    ),
    make: ([s, axis, count], rng) => ({
      inputs: Array.from({ length: count }, () => randomTensor(rng, s)),
      f: (xs) => stack(xs, axis),
      describe: `${count}×${fmt(s)} axis=${axis}`,
    }),
  }),
];
