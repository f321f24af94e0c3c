/**
 * Finite-difference properties (float64, generated shapes and options) for the layers added with
 * issue 14: each input and each parameter of RNN, LSTM, GRU (multi-layer, bidirectional,
 * batchFirst, unbatched, with and without bias and initial state), the cells, MultiheadAttention
 * (masks, kdim/vdim, batchFirst), scaledDotProductAttention, Conv1d, ConvTranspose2d, Upsample and
 * Embedding with paddingIdx.
 */
import { Generator, noGrad, type Tensor, tensor } from '@tapegrad/core';
import {
  Conv1d,
  ConvTranspose2d,
  Embedding,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  type Module,
  MultiheadAttention,
  RNN,
  RNNCell,
  scaledDotProductAttention,
  Upsample,
} from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { adjointCheckLeaves, randomTensor, rngFrom } from './helpers/adjoint.js';

const RUNS = { numRuns: 25 };
const seed = fc.integer({ min: 1, max: 0x7fffffff });
const small = (max: number) => fc.integer({ min: 1, max });

/** The module's parameters (float64) and the given inputs, as named leaves. */
const leavesOf = (m: { namedParameters(): [string, Tensor][] }, inputs: Record<string, Tensor | null>) => [
  ...m.namedParameters(),
  ...Object.entries(inputs).filter((e): e is [string, Tensor] => e[1] !== null),
];

const recurrentArb = fc.record({
  kind: fc.constantFrom('RNN', 'LSTM', 'GRU'),
  relu: fc.boolean(),
  t: small(3),
  b: small(2),
  i: small(3),
  h: small(3),
  layers: small(2),
  bidirectional: fc.boolean(),
  batchFirst: fc.boolean(),
  unbatched: fc.boolean(),
  bias: fc.boolean(),
  state: fc.boolean(),
});

describe('recurrent layers: adjoint test for inputs, state and every parameter (float64)', () => {
  it('RNN, LSTM, GRU', () => {
    fc.assert(
      fc.property(recurrentArb, seed, (p, s) => {
        const rng = rngFrom(s);
        const options = {
          numLayers: p.layers,
          bidirectional: p.bidirectional,
          batchFirst: p.batchFirst,
          bias: p.bias,
          dtype: 'float64' as const,
          generator: new Generator(s),
        };
        const m =
          p.kind === 'RNN'
            ? new RNN(p.i, p.h, { ...options, nonlinearity: p.relu ? 'relu' : 'tanh' })
            : p.kind === 'LSTM'
              ? new LSTM(p.i, p.h, options)
              : new GRU(p.i, p.h, options);
        const d = p.bidirectional ? 2 : 1;
        const xShape = p.unbatched ? [p.t, p.i] : p.batchFirst ? [p.b, p.t, p.i] : [p.t, p.b, p.i];
        const sShape = p.unbatched ? [p.layers * d, p.h] : [p.layers * d, p.b, p.h];
        const x = randomTensor(rng, xShape);
        const h0 = p.state ? randomTensor(rng, sShape) : null;
        const c0 = p.state && p.kind === 'LSTM' ? randomTensor(rng, sShape) : null;
        const run = (): Tensor[] => {
          if (m instanceof LSTM) {
            const [out, [h, c]] = m.call(x, h0 && c0 ? [h0, c0] : null);
            return [out, h, c];
          }
          const [out, h] = (m as RNN).call(x, h0);
          return [out, h];
        };
        adjointCheckLeaves(run, leavesOf(m, { x, h0, c0 }), rng);
      }),
      RUNS,
    );
  });

  it('RNNCell, LSTMCell, GRUCell', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('RNNCell', 'LSTMCell', 'GRUCell'),
        fc.record({
          b: small(3),
          i: small(3),
          h: small(3),
          unbatched: fc.boolean(),
          bias: fc.boolean(),
          state: fc.boolean(),
        }),
        seed,
        (kind, p, s) => {
          const rng = rngFrom(s);
          const o = { bias: p.bias, dtype: 'float64' as const, generator: new Generator(s) };
          const x = randomTensor(rng, p.unbatched ? [p.i] : [p.b, p.i]);
          const sShape = p.unbatched ? [p.h] : [p.b, p.h];
          const h = p.state ? randomTensor(rng, sShape) : null;
          const c = p.state ? randomTensor(rng, sShape) : null;
          if (kind === 'LSTMCell') {
            const m = new LSTMCell(p.i, p.h, o);
            adjointCheckLeaves(() => m.call(x, h && c ? [h, c] : null), leavesOf(m, { x, h, c }), rng);
          } else {
            const m = kind === 'RNNCell' ? new RNNCell(p.i, p.h, o) : new GRUCell(p.i, p.h, o);
            adjointCheckLeaves(() => [m.call(x, h)], leavesOf(m, { x, h }), rng);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('attention: adjoint test (float64)', () => {
  it('MultiheadAttention with masks, kdim/vdim, batchFirst and unbatched inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          heads: small(2),
          headDim: small(2),
          l: small(3),
          s: small(3),
          n: small(2),
          kdim: fc.option(small(3)),
          vdim: fc.option(small(3)),
          batchFirst: fc.boolean(),
          unbatched: fc.boolean(),
          bias: fc.boolean(),
          masks: fc.constantFrom('none', 'bool', 'float'),
          average: fc.boolean(),
        }),
        seed,
        (p, s) => {
          const rng = rngFrom(s);
          const e = p.heads * p.headDim;
          const kdim = p.kdim ?? e;
          const vdim = p.vdim ?? e;
          const m = new MultiheadAttention(e, p.heads, {
            kdim,
            vdim,
            bias: p.bias,
            batchFirst: p.batchFirst,
            dtype: 'float64',
            generator: new Generator(s),
          });
          const shape = (t: number, f: number) =>
            p.unbatched ? [t, f] : p.batchFirst ? [p.n, t, f] : [t, p.n, f];
          const q = randomTensor(rng, shape(p.l, e));
          const k = randomTensor(rng, shape(p.s, kdim));
          const v = randomTensor(rng, shape(p.s, vdim));
          const batch = p.unbatched ? 1 : p.n;
          // bool masks block the last key only when there is another one, so no row is all masked
          const blockLast = Array.from({ length: p.s }, (_, j) => (j === p.s - 1 && p.s > 1 ? 1 : 0));
          const keyPaddingMask =
            p.masks === 'bool'
              ? tensor(p.unbatched ? blockLast : Array.from({ length: batch }, () => blockLast), {
                  dtype: 'int32',
                })
              : p.masks === 'float'
                ? randomTensor(rng, p.unbatched ? [p.s] : [batch, p.s], -1, 1, false)
                : null;
          const attnMask = p.masks === 'float' ? randomTensor(rng, [p.l, p.s], -1, 1, false) : null;
          const run = () => {
            const [out, w] = m.call(q, k, v, { keyPaddingMask, attnMask, averageAttnWeights: p.average });
            return [out, w!];
          };
          adjointCheckLeaves(run, leavesOf(m, { q, k, v }), rng);
        },
      ),
      RUNS,
    );
  });

  it('scaledDotProductAttention with causal, boolean and float masks and a scale', () => {
    fc.assert(
      fc.property(
        fc.record({
          lead: fc.array(small(2), { maxLength: 2 }),
          l: small(3),
          s: small(3),
          e: small(3),
          ev: small(3),
          mask: fc.constantFrom('none', 'causal', 'bool', 'float'),
          scale: fc.option(fc.double({ min: 0.1, max: 2, noNaN: true })),
        }),
        seed,
        (p, s) => {
          const rng = rngFrom(s);
          const q = randomTensor(rng, [...p.lead, p.l, p.e]);
          const k = randomTensor(rng, [...p.lead, p.s, p.e]);
          const v = randomTensor(rng, [...p.lead, p.s, p.ev]);
          const firstKey = Array.from({ length: p.l }, () =>
            Array.from({ length: p.s }, (_, j) => (j === 0 ? 1 : rng() < 0.5 ? 1 : 0)),
          );
          const attnMask =
            p.mask === 'bool'
              ? tensor(firstKey, { dtype: 'int32' })
              : p.mask === 'float'
                ? randomTensor(rng, [p.l, p.s], -1, 1, false)
                : null;
          const run = () => [
            scaledDotProductAttention(q, k, v, { attnMask, isCausal: p.mask === 'causal', scale: p.scale }),
          ];
          adjointCheckLeaves(
            run,
            [
              ['query', q],
              ['key', k],
              ['value', v],
            ],
            rng,
          );
        },
      ),
      RUNS,
    );
  });
});

describe('Conv1d, ConvTranspose2d, Upsample, Embedding(paddingIdx): adjoint test (float64)', () => {
  const check = (m: Module, x: Tensor, s: number) =>
    adjointCheckLeaves(() => [m.call(x)], leavesOf(m, x.dtype === 'int32' ? {} : { x }), rngFrom(s));

  it('Conv1d', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: small(2),
          c: small(3),
          o: small(3),
          l: small(6),
          k: small(3),
          stride: small(2),
          padding: fc.nat(1),
          bias: fc.boolean(),
        }),
        seed,
        (p, s) => {
          fc.pre(p.l + 2 * p.padding >= p.k);
          const { stride, padding, bias } = p;
          const options = { stride, padding, bias, dtype: 'float64' as const, generator: new Generator(s) };
          const m = new Conv1d(p.c, p.o, p.k, options);
          check(m, randomTensor(rngFrom(s + 1), [p.n, p.c, p.l]), s);
        },
      ),
      RUNS,
    );
  });

  it('ConvTranspose2d', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: small(2),
          c: small(2),
          o: small(2),
          h: small(3),
          w: small(3),
          k: small(3),
          stride: small(2),
          padding: fc.nat(1),
          op: fc.nat(1),
          bias: fc.boolean(),
        }),
        seed,
        (p, s) => {
          fc.pre(p.op < p.stride && (p.h - 1) * p.stride - 2 * p.padding + p.k + p.op > 0);
          fc.pre((p.w - 1) * p.stride - 2 * p.padding + p.k + p.op > 0);
          const m = new ConvTranspose2d(p.c, p.o, p.k, {
            stride: p.stride,
            padding: p.padding,
            outputPadding: p.op,
            bias: p.bias,
            dtype: 'float64',
            generator: new Generator(s),
          });
          check(m, randomTensor(rngFrom(s + 1), [p.n, p.c, p.h, p.w]), s);
        },
      ),
      RUNS,
    );
  });

  it('Upsample (nearest, size or scale factor, 3-D to 5-D input)', () => {
    fc.assert(
      fc.property(
        fc.array(small(3), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.array(fc.double({ min: 0.5, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }),
        seed,
        (spatial, bySize, factors, s) => {
          const scaleFactor = spatial.map((_, i) => factors[i]!);
          const out = spatial.map((d, i) => Math.max(1, Math.floor(d * scaleFactor[i]!)));
          fc.pre(bySize || out.every((d, i) => Math.floor(spatial[i]! * scaleFactor[i]!) === d));
          const m = new Upsample(bySize ? { size: out } : { scaleFactor });
          check(m, randomTensor(rngFrom(s), [1, 2, ...spatial]), s);
        },
      ),
      RUNS,
    );
  });

  it('Embedding with paddingIdx: same values, no gradient to the padding row, the others as without it', () => {
    fc.assert(
      fc.property(
        small(5),
        small(3),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 6 }),
        seed,
        (n, dim, raw, s) => {
          const pad = s % n;
          const padded = new Embedding(n, dim, {
            paddingIdx: pad,
            dtype: 'float64',
            generator: new Generator(s),
          });
          const plain = new Embedding(n, dim, { dtype: 'float64' });
          noGrad(() => {
            plain.weight.copy_(randomTensor(rngFrom(s), [n, dim], -1, 1, false));
            padded.weight.copy_(plain.weight);
          });
          const idx = tensor(
            raw.map((i) => i % n),
            { dtype: 'int32' },
          );
          // finite differences see the padding row's value, so the plain layer carries that check
          check(plain, idx, s);
          const c = randomTensor(rngFrom(s + 2), [raw.length, dim], -1, 1, false);
          const out = padded.call(idx);
          if (out.sub(plain.call(idx)).abs().max().item() !== 0)
            throw new Error('paddingIdx changed the values');
          out.mul(c).sum().backward();
          plain.weight.grad = null;
          plain.call(idx).mul(c).sum().backward();
          const gradOf = (e: Embedding, at: number) => e.weight.grad?.data[at] ?? 0;
          for (let r = 0; r < n; r++) {
            for (let j = 0; j < dim; j++) {
              const got = gradOf(padded, r * dim + j);
              const want = r === pad ? 0 : gradOf(plain, r * dim + j);
              if (got !== want)
                throw new Error(`row ${r} (padding ${pad}): gradient ${got}, expected ${want}`);
            }
          }
        },
      ),
      RUNS,
    );
  });
});
