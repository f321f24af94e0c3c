import { Generator, rand, randn, TapegradError, type Tensor, tensor } from '@tapegrad/core';
import { MinMaxScaler, Standardizer, Whitener } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

/** Sample covariance (divisor n − 1) of an [n, d] tensor, computed with plain loops. */
function covariance(x: Tensor): number[][] {
  const rows = x.toArray() as number[][];
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  return Array.from({ length: d }, (_, a) =>
    Array.from(
      { length: d },
      (_, b) => rows.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / (n - 1),
    ),
  );
}

const maxDistanceFromIdentity = (c: number[][]) =>
  Math.max(...c.flatMap((row, i) => row.map((v, j) => Math.abs(v - (i === j ? 1 : 0)))));

/** Correlated float64 data: standard normals mixed by a random matrix, shifted and scaled. */
function correlated(n: number, d: number, seed: number): Tensor {
  const g = new Generator(seed);
  const mix = randn([d, d], { dtype: 'float64', generator: g });
  return randn([n, d], { dtype: 'float64', generator: g }).matmul(mix).mul(3).add(5);
}

describe('Whitener', () => {
  for (const method of ['zca', 'pca'] as const) {
    it(`${method}: whitened training data has identity covariance within 1e-6`, () => {
      for (const seed of [1, 2, 3]) {
        const x = correlated(300, 8, seed);
        expect(maxDistanceFromIdentity(covariance(x))).toBeGreaterThan(1);
        const z = new Whitener({ method, epsilon: 0 }).fitTransform(x);
        expect(z.dtype).toBe('float64');
        expect(z.shape).toEqual([300, 8]);
        expect(maxDistanceFromIdentity(covariance(z))).toBeLessThan(1e-6);
      }
    });
  }

  it('zca inverts exactly and stays close to the original axes; pca orders by variance', () => {
    const x = correlated(200, 5, 4);
    const zca = new Whitener({ epsilon: 0 }).fit(x);
    const back = zca.inverseTransform(zca.transform(x)).toArray() as number[][];
    const orig = x.toArray() as number[][];
    back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(orig[i]![j]!, 8)));
    const pca = new Whitener({ method: 'pca', epsilon: 0 }).fit(x);
    const values = pca.eigenvalues!.toArray() as number[];
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('pca with fewer components gives identity covariance in the kept directions', () => {
    const x = correlated(200, 6, 5);
    const z = new Whitener({ method: 'pca', epsilon: 0, components: 3 }).fitTransform(x);
    expect(z.shape).toEqual([200, 3]);
    expect(maxDistanceFromIdentity(covariance(z))).toBeLessThan(1e-6);
  });

  it('applies the training transform to test data', () => {
    const train = correlated(300, 4, 6);
    const test = correlated(300, 4, 7);
    const w = new Whitener({ epsilon: 0 }).fit(train);
    // Different data through the training transform is not white: the transform was not refitted.
    expect(maxDistanceFromIdentity(covariance(w.transform(test)))).toBeGreaterThan(1e-3);
  });

  it('refuses a singular covariance without epsilon, and whitens it with epsilon', () => {
    const base = correlated(50, 2, 8).toArray() as number[][];
    const singular = tensor(
      base.map(([a, b]) => [a!, b!, a! + b!]),
      { dtype: 'float64' },
    );
    expect(() => new Whitener({ epsilon: 0 }).fit(singular)).toThrow(/singular .* pass epsilon > 0/);
    const z = new Whitener({ epsilon: 1e-3 }).fitTransform(singular);
    expect(Number.isFinite(z.abs().max().item())).toBe(true);
  });

  it('rejects bad input and use before fit', () => {
    expect(() => new Whitener().transform(correlated(3, 2, 1))).toThrow(/not fitted yet; call fit/);
    expect(() => new Whitener().fit(tensor([[1, 2, 3]]))).toThrow(/at least 2 samples/);
    expect(() => new Whitener().fit(tensor([1, 2, 3]))).toThrow(/2-D \[samples, features\]/);
    expect(() => new Whitener({ epsilon: -1 })).toThrow(TapegradError);
    expect(() => new Whitener({ method: 'zca', components: 2 })).toThrow(/needs method 'pca'/);
    const w = new Whitener().fit(correlated(10, 3, 1));
    expect(() => w.transform(correlated(10, 4, 1))).toThrow(
      /fitted on samples of shape \[3\], got data of shape \[10,4\]/,
    );
  });
});

describe('Standardizer', () => {
  const train = () =>
    tensor([
      [1, 10, 7],
      [3, 20, 7],
      [5, 60, 7],
    ]);
  const test = () =>
    tensor([
      [2, 30, 8],
      [9, 0, 7],
    ]);

  it('fitted on train data leaves test data untouched until applied, then uses train statistics', () => {
    const xTrain = train();
    const xTest = test();
    const before = xTest.toArray();
    const trainBefore = xTrain.toArray();
    const s = new Standardizer();
    const zTrain = s.fitTransform(xTrain);
    expect(xTest.toArray()).toEqual(before);
    expect(xTrain.toArray()).toEqual(trainBefore);
    // Train means 3, 30, 7; population std √(8/3), √(1400/3), 0 (a constant column is only centred).
    const s0 = Math.sqrt(8 / 3);
    const s1 = Math.sqrt(1400 / 3);
    const expectRows = (got: Tensor, want: number[][]) =>
      (got.toArray() as number[][]).forEach((row, i) =>
        row.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)),
      );
    expectRows(zTrain, [
      [-2 / s0, -20 / s1, 0],
      [0, -10 / s1, 0],
      [2 / s0, 30 / s1, 0],
    ]);
    const zTest = s.transform(xTest);
    expectRows(zTest, [
      [-1 / s0, 0, 1],
      [6 / s0, -30 / s1, 0],
    ]);
    expect(xTest.toArray()).toEqual(before);
    expectRows(s.inverseTransform(zTest), before as number[][]);
  });

  it('keeps float32 statistics accurate over millions of samples', () => {
    const x = rand([2_000_000, 1], { generator: new Generator(12) });
    let sum = 0;
    for (const v of x.data) sum += v;
    const mean = sum / x.size;
    let squares = 0;
    for (const v of x.data) squares += (v - mean) ** 2;
    const s = new Standardizer().fit(x);
    expect(Math.abs(s.mean!.item() - mean)).toBeLessThan(1e-6);
    expect(Math.abs(s.std!.item() - Math.sqrt(squares / x.size))).toBeLessThan(1e-6);
  });

  it('standardizes with one global mean and std when perFeature is false', () => {
    const s = new Standardizer({ perFeature: false }).fit(
      tensor([
        [0, 2],
        [4, 2],
      ]),
    );
    expect(s.mean!.item()).toBe(2);
    expect(s.std!.item()).toBeCloseTo(Math.sqrt(2), 6);
    expect(s.transform(tensor([[2, 2 + Math.sqrt(2)]])).toArray()).toEqual([[0, expect.closeTo(1, 5)]]);
  });

  it('refuses use before fit, int data and mismatched features', () => {
    expect(() => new Standardizer().transform(test())).toThrow(/Standardizer.transform: is not fitted yet/);
    expect(() => new Standardizer().fit(tensor([[1]], { dtype: 'int32' }))).toThrow(/x.float\(\)/);
    expect(() => new Standardizer().fit(train()).transform(tensor([[1, 2]]))).toThrow(
      /fitted on samples of shape \[3\]/,
    );
  });
});

describe('MinMaxScaler', () => {
  it('maps the training range to [0, 1] and test data through the same map', () => {
    const m = new MinMaxScaler().fit(
      tensor([
        [1, 10],
        [3, 10],
        [2, 10],
      ]),
    );
    expect(
      m
        .transform(
          tensor([
            [1, 10],
            [3, 10],
            [2, 10],
          ]),
        )
        .toArray(),
    ).toEqual([
      [0, 0],
      [1, 0],
      [0.5, 0],
    ]);
    expect(m.transform(tensor([[5, 12]])).toArray()).toEqual([[2, 2]]);
    expect(m.inverseTransform(tensor([[0.5, 1]])).toArray()).toEqual([[2, 11]]);
  });

  it('honours featureRange and rejects an empty one', () => {
    const m = new MinMaxScaler({ featureRange: [-1, 1] });
    expect(m.fitTransform(tensor([[0], [4], [1]])).toArray()).toEqual([[-1], [1], [-0.5]]);
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(/low < high, got \[1, 1\]/);
  });
});
