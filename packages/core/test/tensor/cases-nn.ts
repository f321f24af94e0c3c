/**
 * Generated op cases for matmul (1-D, 2-D, batched with broadcasting), softmax, logSoftmax,
 * layerNorm, conv2d (stride, padding, bias), maxPool2d, avgPool2d and adaptiveAvgPool2d.
 */
import fc from 'fast-check';
import { broadcastShapesArb, shapeArb } from './arbitraries.js';
import { randomTensor } from './helpers.js';
import { fmt, opCase } from './prove.js';

const dim = fc.integer({ min: 1, max: 4 });
const pairArb = (min: number, max: number) =>
  fc.oneof(fc.integer({ min, max }), fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })));
const asPair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** matmul operand shapes: each 1-D, 2-D or batched; batch axes broadcast. */
const matmulShapes = fc
  .tuple(
    dim,
    dim,
    dim,
    broadcastShapesArb(2, 2),
    fc.constantFrom('1d', '2d', 'nd'),
    fc.constantFrom('1d', '2d', 'nd'),
  )
  .map(([m, k, n, [ba, bb], ka, kb]) => {
    const a = ka === '1d' ? [k] : ka === '2d' ? [m, k] : [...ba!, m, k];
    const b = kb === '1d' ? [k] : kb === '2d' ? [k, n] : [...bb!, k, n];
    return [a, b];
  });

/** The nn op cases. */
export const nnCases = [
  opCase({
    name: 'matmul',
    params: matmulShapes,
    make: ([sa, sb], rng) => ({
      inputs: [randomTensor(rng, sa!), randomTensor(rng, sb!)],
      f: ([a, b]) => a!.matmul(b!),
      describe: fmt(sa!, sb!),
    }),
  }),
  ...(['softmax', 'logSoftmax'] as const).map((op) =>
    opCase({
      name: op,
      params: shapeArb(1, 3, 4).chain((s) =>
        fc.tuple(fc.constant(s), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }))),
      ),
      make: ([s, axis], rng) => ({
        inputs: [randomTensor(rng, s)],
        f: ([x]) => (axis === null ? x![op]() : x![op](axis)),
        describe: `${fmt(s)} axis=${axis}`,
      }),
    }),
  ),
  opCase({
    name: 'layerNorm',
    // Normalize over the trailing k axes (k ≥ 1); at least 2 elements so the variance is positive.
    params: shapeArb(1, 3, 4)
      .chain((s) =>
        fc.tuple(fc.constant(s), fc.integer({ min: 1, max: s.length }), fc.boolean(), fc.boolean()),
      )
      .filter(([s, k]) => s.slice(s.length - k).reduce((a, b) => a * b, 1) >= 2),
    make: ([s, k, hasWeight, hasBias], rng) => {
      const norm = s.slice(s.length - k);
      const inputs = [randomTensor(rng, s), randomTensor(rng, norm), randomTensor(rng, norm)];
      return {
        inputs,
        f: ([x, w, b]) => x!.layerNorm(norm, hasWeight ? w : null, hasBias ? b : null),
        describe: `${fmt(s)} normalized ${fmt(norm)} weight=${hasWeight} bias=${hasBias}`,
      };
    },
  }),
  opCase({
    name: 'conv2d',
    params: fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        o: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 6 }),
        w: fc.integer({ min: 1, max: 6 }),
        kernel: pairArb(1, 3),
        stride: pairArb(1, 3),
        padding: pairArb(0, 2),
        bias: fc.boolean(),
      })
      .filter(({ h, w, kernel, padding }) => {
        const [kh, kw] = asPair(kernel);
        const [ph, pw] = asPair(padding);
        return h + 2 * ph >= kh && w + 2 * pw >= kw;
      }),
    make: (p, rng) => {
      const [kh, kw] = asPair(p.kernel);
      const xs = [p.n, p.c, p.h, p.w];
      const ws = [p.o, p.c, kh, kw];
      return {
        inputs: [randomTensor(rng, xs), randomTensor(rng, ws), randomTensor(rng, [p.o])],
        f: ([x, w, b]) => x!.conv2d(w!, { bias: p.bias ? b : null, stride: p.stride, padding: p.padding }),
        describe: `${fmt(xs, ws)} stride=${p.stride} padding=${p.padding} bias=${p.bias}`,
      };
    },
  }),
  opCase({
    name: 'maxPool2d',
    // All values distinct (no ties in any window); padding at most half the kernel, as PyTorch.
    params: fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 7 }),
        w: fc.integer({ min: 1, max: 7 }),
        kernel: pairArb(1, 3),
        stride: fc.option(pairArb(1, 3)),
        padding: pairArb(0, 1),
      })
      .filter(({ h, w, kernel, padding }) => {
        const [kh, kw] = asPair(kernel);
        const [ph, pw] = asPair(padding);
        return 2 * ph <= kh && 2 * pw <= kw && h + 2 * ph >= kh && w + 2 * pw >= kw;
      }),
    make: (p, rng) => {
      const xs = [p.n, p.c, p.h, p.w];
      const options = {
        kernelSize: p.kernel,
        padding: p.padding,
        ...(p.stride === null ? {} : { stride: p.stride }),
      };
      return {
        inputs: [randomTensor(rng, xs, 'distinct')],
        f: ([x]) => x!.maxPool2d(options),
        describe: `${fmt(xs)} ${JSON.stringify(options)}`,
      };
    },
  }),
  opCase({
    name: 'avgPool2d',
    // Padding at most half the kernel, as PyTorch; with and without padding in the divisor.
    params: fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 7 }),
        w: fc.integer({ min: 1, max: 7 }),
        kernel: pairArb(1, 3),
        stride: fc.option(pairArb(1, 3)),
        padding: pairArb(0, 1),
        countIncludePad: fc.boolean(),
      })
      .filter(({ h, w, kernel, padding }) => {
        const [kh, kw] = asPair(kernel);
        const [ph, pw] = asPair(padding);
        return 2 * ph <= kh && 2 * pw <= kw && h + 2 * ph >= kh && w + 2 * pw >= kw;
      }),
    make: (p, rng) => {
      const xs = [p.n, p.c, p.h, p.w];
      const options = {
        kernelSize: p.kernel,
        padding: p.padding,
        countIncludePad: p.countIncludePad,
        ...(p.stride === null ? {} : { stride: p.stride }),
      };
      return {
        inputs: [randomTensor(rng, xs)],
        f: ([x]) => x!.avgPool2d(options),
        describe: `${fmt(xs)} ${JSON.stringify(options)}`,
      };
    },
  }),
  opCase({
    name: 'adaptiveAvgPool2d',
    // Output sizes below, equal to and above the input size (windows then overlap or repeat).
    params: fc.record({
      n: fc.integer({ min: 1, max: 2 }),
      c: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 7 }),
      w: fc.integer({ min: 1, max: 7 }),
      oh: fc.option(fc.integer({ min: 1, max: 8 })),
      ow: fc.integer({ min: 1, max: 8 }),
    }),
    make: (p, rng) => {
      const xs = [p.n, p.c, p.h, p.w];
      const size: [number | null, number] = [p.oh, p.ow];
      return {
        inputs: [randomTensor(rng, xs)],
        f: ([x]) => x!.adaptiveAvgPool2d(size),
        describe: `${fmt(xs)} outputSize=${JSON.stringify(size)}`,
      };
    },
  }),
];
