/**
 * Generated op cases for every elementwise op (shapes with broadcasting, size-1 axes and 0-d;
 * values away from kinks and ties), shared by the float64 and float32 property tests.
 */
import { erf, type Tensor, where } from '@tapegrad/core';
import fc from 'fast-check';
import { broadcastShapesArb, shapeArb } from './arbitraries.js';
import { randomMask, randomTensor, type ValueKind } from './helpers.js';
import { fmt, opCase } from './prove.js';

/** A binary op over two broadcasting tensors with values of the given kinds. */
const binary = (name: string, kinds: [ValueKind, ValueKind], f: (a: Tensor, b: Tensor) => Tensor) =>
  opCase({
    name,
    params: broadcastShapesArb(2),
    make: ([sa, sb], rng) => ({
      inputs: [randomTensor(rng, sa!, kinds[0]), randomTensor(rng, sb!, kinds[1])],
      f: ([a, b]) => f(a!, b!),
      describe: fmt(sa!, sb!),
    }),
  });

/** A unary op over one tensor of any shape (0-d included). */
const unary = (name: string, kind: ValueKind, f: (x: Tensor) => Tensor) =>
  opCase({
    name,
    params: shapeArb(0, 3),
    make: (s, rng) => ({ inputs: [randomTensor(rng, s, kind)], f: ([x]) => f(x!), describe: fmt(s) }),
  });

/** A unary op with a parameter drawn from `values`. */
const unaryWith = <V>(name: string, kind: ValueKind, values: readonly V[], f: (x: Tensor, v: V) => Tensor) =>
  opCase({
    name,
    params: fc.tuple(shapeArb(0, 3), fc.constantFrom(...values)),
    make: ([s, v], rng) => ({
      inputs: [randomTensor(rng, s, kind)],
      f: ([x]) => f(x!, v),
      describe: `${fmt(s)} ${JSON.stringify(v)}`,
    }),
  });

// Clamp bounds sit on the `gridOffset` ladder and inputs on the `grid` ladder: never within 0.06.
const CLAMP_BOUNDS: [number | undefined, number | undefined][] = [
  [-0.5, 0.5],
  [-0.3, undefined],
  [undefined, 0.1],
  [-1.1, 0.7],
];

const LEFT = {
  add: (k: Tensor, x: Tensor) => k.add(x),
  sub: (k: Tensor, x: Tensor) => k.sub(x),
  mul: (k: Tensor, x: Tensor) => k.mul(x),
  div: (k: Tensor, x: Tensor) => k.div(x),
  pow: (k: Tensor, x: Tensor) => k.pow(x),
};
const LEFT_OPS = Object.keys(LEFT) as (keyof typeof LEFT)[];

/** The elementwise op cases. */
export const elementwiseCases = [
  binary('add', ['any', 'any'], (a, b) => a.add(b)),
  binary('sub', ['any', 'any'], (a, b) => a.sub(b)),
  binary('mul', ['any', 'any'], (a, b) => a.mul(b)),
  binary('div', ['any', 'nonzero'], (a, b) => a.div(b)),
  binary('pow', ['positive', 'any'], (a, b) => a.pow(b)),
  binary('maximum', ['grid', 'gridOffset'], (a, b) => a.maximum(b)),
  binary('minimum', ['grid', 'gridOffset'], (a, b) => a.minimum(b)),
  unaryWith('add number', 'any', [-1.5, 0.25, 3], (x, v) => x.add(v)),
  unaryWith('sub number', 'any', [-1.5, 0.25, 3], (x, v) => x.sub(v)),
  unaryWith('mul number', 'any', [-1.5, 0.25, 3], (x, v) => x.mul(v)),
  unaryWith('div number', 'any', [-1.5, 0.25, 3], (x, v) => x.div(v)),
  unaryWith('pow number (positive base)', 'positive', [0.5, -1.5, 2.5, 3], (x, v) => x.pow(v)),
  unaryWith('pow integer (either sign)', 'nonzero', [2, 3, -1, -2], (x, v) => x.pow(v)),
  unary('neg', 'any', (x) => x.neg()),
  unary('exp', 'any', (x) => x.exp()),
  unary('log', 'positive', (x) => x.log()),
  unary('sqrt', 'positive', (x) => x.sqrt()),
  unary('square', 'any', (x) => x.square()),
  unary('abs', 'nonzero', (x) => x.abs()),
  unary('sin', 'any', (x) => x.sin()),
  unary('cos', 'any', (x) => x.cos()),
  unary('tanh', 'any', (x) => x.tanh()),
  unary('sigmoid', 'any', (x) => x.sigmoid()),
  unary('relu', 'nonzero', (x) => x.relu()),
  unary('erf', 'any', (x) => erf(x)),
  unary('clone', 'any', (x) => x.clone()),
  unaryWith('leakyRelu', 'nonzero', [0.01, 0.2, 1.5], (x, v) => x.leakyRelu(v)),
  unaryWith('elu', 'nonzero', [1, 0.5], (x, v) => x.elu(v)),
  unaryWith('gelu', 'any', ['none', 'tanh'] as const, (x, v) => x.gelu({ approximate: v })),
  unaryWith(
    'softplus',
    'nonzero',
    [{}, { beta: 2 }, { beta: 0.5, threshold: 0 }, { threshold: 1.5 }],
    (x, v) => x.softplus(v),
  ),
  unaryWith('clamp', 'grid', CLAMP_BOUNDS, (x, [lo, hi]) => x.clamp(lo, hi)),
  opCase({
    name: 'where',
    params: broadcastShapesArb(3),
    make: ([sc, sa, sb], rng) => ({
      inputs: [randomMask(rng, sc!), randomTensor(rng, sa!), randomTensor(rng, sb!)],
      f: ([c, a, b]) => where(c!, a!, b!),
      describe: fmt(sc!, sa!, sb!),
    }),
  }),
  opCase({
    name: 'number on the left (a 0-d operand)',
    params: fc.tuple(shapeArb(0, 3), fc.constantFrom(...LEFT_OPS)),
    make: ([s, op], rng) => ({
      inputs: [randomTensor(rng, [], 'positive'), randomTensor(rng, s, op === 'div' ? 'nonzero' : 'any')],
      f: ([k, x]) => LEFT[op](k!, x!),
      describe: `${op} ${fmt(s)}`,
    }),
  }),
];
