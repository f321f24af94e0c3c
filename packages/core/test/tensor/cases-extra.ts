/**
 * Generated op cases for sort, topk, cumsum, cumprod (with and without zeros), einsum (random
 * equations: diagonals, broadcasting, 1–3 operands, explicit and implicit outputs), t, T, conv1d
 * and convTranspose2d.
 */
import { einsum, fromTypedArray, stack } from '@tapegrad/core';
import fc from 'fast-check';
import { shapeArb } from './arbitraries.js';
import { randomTensor } from './helpers.js';
import { fmt, opCase } from './prove.js';

/** A shape of rank ≥ 1 with an axis of it (maybe negative). */
const shapeAndAxis = (maxRank = 3, maxDim = 4) =>
  shapeArb(1, maxRank, maxDim).chain((s) =>
    fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 })),
  );

/** A random einsum equation over labels a–d with operand shapes to match. */
interface EinsumSpec {
  equation: string;
  shapes: number[][];
}

const einsumArb: fc.Arbitrary<EinsumSpec> = fc
  .record({
    sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
    operands: fc.array(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { minLength: 0, maxLength: 3 }),
      { minLength: 1, maxLength: 3 },
    ),
    output: fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })),
  })
  .map(({ sizes, operands, output }) => {
    const letter = (i: number) => 'abcd'[i]!;
    const used = new Set(operands.flat().map(([l]) => l));
    // broadcast: an axis marked `true` has size 1 unless its label repeats within the operand
    const shapes = operands.map((labels) =>
      labels.map(([l, one]) => (one && labels.filter(([m]) => m === l).length === 1 ? 1 : sizes[l]!)),
    );
    const lhs = operands.map((labels) => labels.map(([l]) => letter(l)).join('')).join(',');
    if (output === null) return { equation: lhs, shapes };
    const out = [...new Set(output)].filter((l) => used.has(l));
    return { equation: `${lhs}->${out.map(letter).join('')}`, shapes };
  });

const convTransposeArb = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    cin: fc.integer({ min: 1, max: 3 }),
    cout: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 4 }),
    w: fc.integer({ min: 1, max: 4 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    oph: fc.integer({ min: 0, max: 2 }),
    opw: fc.integer({ min: 0, max: 2 }),
    bias: fc.boolean(),
  })
  .filter(
    (p) =>
      p.oph < p.sh &&
      p.opw < p.sw &&
      (p.h - 1) * p.sh - 2 * p.ph + p.kh + p.oph > 0 &&
      (p.w - 1) * p.sw - 2 * p.pw + p.kw + p.opw > 0,
  );

/** The new op cases. */
export const extraCases = [
  opCase({
    name: 'sort',
    params: fc.tuple(shapeAndAxis(), fc.boolean()),
    make: ([[s, axis], descending], rng) => ({
      inputs: [randomTensor(rng, s, 'distinct')],
      f: ([x]) => x!.sort(axis, descending).values,
      describe: `${fmt(s)} axis=${axis} descending=${descending}`,
    }),
  }),
  opCase({
    name: 'topk',
    params: shapeAndAxis().chain(([s, axis]) =>
      fc.tuple(
        fc.constant(s),
        fc.constant(axis),
        fc.integer({ min: 0, max: s[axis < 0 ? axis + s.length : axis]! }),
        fc.boolean(),
      ),
    ),
    make: ([s, axis, k, largest], rng) => ({
      inputs: [randomTensor(rng, s, 'distinct')],
      f: ([x]) => x!.topk(k, axis, largest).values,
      describe: `${fmt(s)} k=${k} axis=${axis} largest=${largest}`,
    }),
  }),
  opCase({
    name: 'cumsum',
    params: shapeAndAxis(),
    make: ([s, axis], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) => x!.cumsum(axis),
      describe: `${fmt(s)} axis=${axis}`,
    }),
  }),
  opCase({
    name: 'cumprod',
    params: shapeAndAxis(),
    make: ([s, axis], rng) => ({
      inputs: [randomTensor(rng, s, 'prodSafe')],
      f: ([x]) => x!.cumprod(axis),
      describe: `${fmt(s)} axis=${axis}`,
    }),
  }),
  opCase({
    name: 'cumprod with exact zeros',
    // cumprod is multilinear, so central differences stay exact at zeros
    params: fc.tuple(shapeAndAxis(3, 5), fc.array(fc.nat(), { minLength: 1, maxLength: 4 })),
    make: ([[s, axis], zeroAt], rng) => {
      const x = randomTensor(rng, s, 'prodSafe');
      const data = x.data.slice();
      for (const z of zeroAt) data[z % data.length] = 0;
      return {
        inputs: [fromTypedArray(data, [...s])],
        f: ([t]) => t!.cumprod(axis),
        describe: `${fmt(s)} axis=${axis} zeros at ${zeroAt.map((z) => z % data.length)}`,
      };
    },
  }),
  opCase({
    name: 'einsum',
    params: einsumArb,
    make: ({ equation, shapes }, rng) => ({
      inputs: shapes.map((s) => randomTensor(rng, s)),
      f: (xs) => einsum(equation, ...xs),
      describe: `'${equation}' ${fmt(...shapes)}`,
    }),
  }),
  opCase({
    name: 'unbind',
    // each slice weighted differently, so a slice's gradient landing in the wrong place shows
    params: shapeAndAxis(3, 9),
    make: ([s, axis], rng) => ({
      inputs: [randomTensor(rng, s)],
      f: ([x]) =>
        stack(
          x!.unbind(axis).map((p, i) => p.mul(i + 1)),
          0,
        ),
      describe: `${fmt(s)} axis=${axis}`,
    }),
  }),
  opCase({
    name: 't',
    params: shapeArb(0, 2, 4),
    make: (s, rng) => ({ inputs: [randomTensor(rng, s)], f: ([x]) => x!.t(), describe: fmt(s) }),
  }),
  opCase({
    name: 'T',
    params: shapeArb(0, 4, 3),
    make: (s, rng) => ({ inputs: [randomTensor(rng, s)], f: ([x]) => x!.T, describe: fmt(s) }),
  }),
  opCase({
    name: 'conv1d',
    params: fc
      .record({
        batched: fc.boolean(),
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        o: fc.integer({ min: 1, max: 3 }),
        l: fc.integer({ min: 1, max: 7 }),
        k: fc.integer({ min: 1, max: 4 }),
        stride: fc.integer({ min: 1, max: 3 }),
        padding: fc.integer({ min: 0, max: 2 }),
        bias: fc.boolean(),
      })
      .filter(({ l, k, padding }) => l + 2 * padding >= k),
    make: (p, rng) => {
      const xs = p.batched ? [p.n, p.c, p.l] : [p.c, p.l];
      const ws = [p.o, p.c, p.k];
      return {
        inputs: [randomTensor(rng, xs), randomTensor(rng, ws), randomTensor(rng, [p.o])],
        f: ([x, w, b]) => x!.conv1d(w!, { bias: p.bias ? b : null, stride: p.stride, padding: p.padding }),
        describe: `${fmt(xs, ws)} stride=${p.stride} padding=${p.padding} bias=${p.bias}`,
      };
    },
  }),
  opCase({
    name: 'convTranspose2d',
    params: convTransposeArb,
    make: (p, rng) => {
      const xs = [p.n, p.cin, p.h, p.w];
      const ws = [p.cin, p.cout, p.kh, p.kw];
      const options = {
        stride: [p.sh, p.sw] as [number, number],
        padding: [p.ph, p.pw] as [number, number],
        outputPadding: [p.oph, p.opw] as [number, number],
      };
      return {
        inputs: [randomTensor(rng, xs), randomTensor(rng, ws), randomTensor(rng, [p.cout])],
        f: ([x, w, b]) => x!.convTranspose2d(w!, { ...options, bias: p.bias ? b : null }),
        describe: `${fmt(xs, ws)} ${JSON.stringify(options)} bias=${p.bias}`,
      };
    },
  }),
];
