import { Generator, TapegradError, tensor } from '@tapegrad/core';
import {
  BatchNorm1d,
  Conv2d,
  ELU,
  Embedding,
  Flatten,
  GELU,
  LayerNorm,
  LeakyReLU,
  LogSoftmax,
  MaxPool2d,
  PReLU,
  prelu,
  Sigmoid,
  Softmax,
  Softplus,
  Tanh,
} from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const close = (got: number[], want: number[], tol = 1e-12) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))));
};
const flat = (t: { data: ArrayLike<number> }) => Array.from(t.data);

describe('BatchNorm1d', () => {
  it('normalizes with batch statistics and tracks running ones (momentum 0.1, unbiased variance)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })),
          {
            minLength: 3,
            maxLength: 8,
          },
        ),
        (rows) => {
          fc.pre(new Set(rows.map((r) => r[0])).size > 1 && new Set(rows.map((r) => r[1])).size > 1);
          const bn = new BatchNorm1d(2, { dtype: 'float64' });
          const y = bn.call(tensor(rows, { dtype: 'float64' }));
          const n = rows.length;
          for (const c of [0, 1]) {
            const col = rows.map((r) => r[c]!);
            const mean = col.reduce((a, b) => a + b, 0) / n;
            const ss = col.reduce((a, b) => a + (b - mean) ** 2, 0);
            const want = col.map((v) => (v - mean) / Math.sqrt(ss / n + 1e-5));
            close(
              rows.map((_, i) => y.data[i * 2 + c]!),
              want,
              1e-9,
            );
            close([bn.runningMean!.data[c]!], [0.1 * mean]);
            close([bn.runningVar!.data[c]!], [0.9 + 0.1 * (ss / (n - 1))]);
          }
          expect(bn.numBatchesTracked!.item()).toBe(1);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('uses the running statistics in eval mode', () => {
    const bn = new BatchNorm1d(1, { dtype: 'float64' });
    bn.runningMean!.data[0] = 2;
    bn.runningVar!.data[0] = 4;
    bn.eval();
    close(flat(bn.call(tensor([[4], [0]], { dtype: 'float64' }))), [
      2 / Math.sqrt(4 + 1e-5),
      -2 / Math.sqrt(4 + 1e-5),
    ]);
    expect(() => bn.call(tensor([[1, 2]]))).toThrow(/BatchNorm1d: expects input \[N, 1\]/);
  });
});

describe('LayerNorm, Embedding, Conv2d, MaxPool2d, Flatten', () => {
  it('LayerNorm normalizes the last axis with biased variance and learns weight and bias', () => {
    const ln = new LayerNorm(3, { dtype: 'float64' });
    const y = ln.call(tensor([[1, 2, 6]], { dtype: 'float64' }));
    const mean = 3;
    const variance = (4 + 1 + 9) / 3;
    close(
      flat(y),
      [1, 2, 6].map((v) => (v - mean) / Math.sqrt(variance + 1e-5)),
    );
    expect(ln.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']);
    expect(() => ln.call(tensor([[1, 2]]))).toThrow(
      /LayerNorm: input shape \[1,2\] must end with normalizedShape \[3\]/,
    );
  });

  it('Embedding picks rows and sends gradients back to them (repeats accumulate)', () => {
    const emb = new Embedding(4, 2, { dtype: 'float64', generator: new Generator(1) });
    const idx = tensor(
      [
        [1, 3],
        [1, 0],
      ],
      { dtype: 'int32' },
    );
    const out = emb.call(idx);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(flat(out).slice(0, 2)).toEqual(flat(emb.weight).slice(2, 4));
    out.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([
      [1, 1],
      [2, 2],
      [0, 0],
      [1, 1],
    ]);
    expect(() => emb.call(tensor([4], { dtype: 'int32' }))).toThrow(
      /Embedding: index 4 is out of range for 4 embeddings/,
    );
  });

  it('Conv2d, MaxPool2d and Flatten chain with the expected shapes and init bounds', () => {
    const conv = new Conv2d(2, 3, [3, 2], { padding: [1, 0], generator: new Generator(5) });
    expect(conv.weight.shape).toEqual([3, 2, 3, 2]);
    expect(conv.weight.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(2 * 3 * 2));
    const x = tensor(new Float32Array(1 * 2 * 4 * 5).fill(1)).reshape([1, 2, 4, 5]);
    const y = new Flatten().call(new MaxPool2d(2).call(conv.call(x)));
    expect(y.shape).toEqual([1, 3 * 2 * 2]);
    expect(() => conv.call(tensor(new Float32Array(16)).reshape([1, 1, 4, 4]))).toThrow(
      /Conv2d: expects input \[N, 2, H, W\]/,
    );
  });
});

describe('activations', () => {
  const xs = [-2, -0.5, 0.5, 3];
  const x = () => tensor(xs, { dtype: 'float64' });
  it('compute their PyTorch definitions', () => {
    close(
      flat(new LeakyReLU(0.2).call(x())),
      xs.map((v) => (v > 0 ? v : 0.2 * v)),
    );
    close(
      flat(new ELU(0.5).call(x())),
      xs.map((v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))),
    );
    close(
      flat(new Sigmoid().call(x())),
      xs.map((v) => 1 / (1 + Math.exp(-v))),
    );
    close(flat(new Tanh().call(x())), xs.map(Math.tanh));
    close(
      flat(new Softplus().call(x())),
      xs.map((v) => Math.log1p(Math.exp(v))),
    );
    const z = xs.map(Math.exp).reduce((a, b) => a + b, 0);
    close(
      flat(new Softmax().call(x())),
      xs.map((v) => Math.exp(v) / z),
    );
    close(
      flat(new LogSoftmax().call(x())),
      xs.map((v) => v - Math.log(z)),
    );
    const tanhGelu = (v: number) =>
      0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    close(flat(new GELU({ approximate: 'tanh' }).call(x())), xs.map(tanhGelu));
  });

  it('PReLU learns one slope per channel (axis 1)', () => {
    const layer = new PReLU(2, 0.25, { dtype: 'float64' });
    const input = tensor(
      [
        [-1, -2],
        [3, -4],
      ],
      { dtype: 'float64' },
    );
    close(flat(layer.call(input)), [-0.25, -0.5, 3, -1]);
    layer.call(input).sum().backward();
    close(flat(layer.weight.grad!), [-1, -6]);
    expect(() => prelu(tensor([[1, 2, 3]]), tensor([1, 2]))).toThrow(TapegradError);
  });
});
