/**
 * ReduceLROnPlateau against PyTorch's lr trajectories (plateau.json) and its argument checks;
 * randomSplit against PyTorch's split sizes (random_split.json) and as a random partition.
 */
import { Generator, TapegradError, tensor } from '@tapegrad/core';
import { ReduceLROnPlateau, randomSplit, SGD, Subset, TensorDataset } from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { camel, loadFixture } from './helpers/fixtures.js';

interface PlateauCase {
  name: string;
  options: Record<string, unknown>;
  group_lrs: number[];
  metrics: number[];
  lrs: number[][];
}

interface SplitCase {
  name: string;
  n: number;
  lengths: number[];
  sizes: number[];
}

const plateau = loadFixture<{ cases: PlateauCase[] }>('plateau.json').cases;
const splits = loadFixture<{ cases: SplitCase[] }>('random_split.json').cases;

describe('ReduceLROnPlateau matches PyTorch (plateau.json)', () => {
  for (const c of plateau) {
    it(c.name, () => {
      const groups = c.group_lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr }));
      const opt = new SGD(groups, { lr: c.group_lrs[0]! });
      const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v]));
      const sched = new ReduceLROnPlateau(opt, options);
      expect(sched.getLastLr()).toEqual(c.group_lrs);
      c.metrics.forEach((m, t) => {
        sched.step(m);
        expect(sched.getLastLr(), `${c.name} after step ${t + 1}`).toEqual(c.lrs[t]);
        expect(opt.paramGroups.map((g) => g.lr)).toEqual(c.lrs[t]);
      });
    });
  }

  it('rejects bad options and metrics with the reason', () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(/ReduceLROnPlateau: factor must be < 1/);
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0, 0] })).toThrow(
      /minLr lists 2 values for 1 parameter groups/,
    );
    expect(() => new ReduceLROnPlateau(opt).step(Number.NaN)).toThrow(TapegradError);
  });
});

describe('randomSplit', () => {
  const dataset = (n: number) =>
    new TensorDataset(
      tensor(
        Array.from({ length: n }, (_, i) => i),
        { dtype: 'int32' },
      ),
    );

  for (const c of splits) {
    it(`${c.name}: sizes as PyTorch`, () => {
      const parts = randomSplit(dataset(c.n), c.lengths, new Generator(0));
      expect(parts.map((p) => p.length)).toEqual(c.sizes);
    });
  }

  it('is a partition of the dataset, repeatable with a generator', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (n, raw, seed) => {
          const total = raw.reduce((a, b) => a + b, 0);
          const lengths =
            total === 0 ? [n] : raw.map((r, i) => (i === raw.length - 1 ? 0 : Math.floor((r * n) / total)));
          lengths[lengths.length - 1] = n - lengths.slice(0, -1).reduce((a, b) => a + b, 0);
          const ds = dataset(n);
          const parts = randomSplit(ds, lengths, new Generator(seed));
          const seen = parts.flatMap((p) =>
            Array.from(p.getBatch(Int32Array.from({ length: p.length }, (_, i) => i))[0]!.data),
          );
          expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          const again = randomSplit(ds, lengths, new Generator(seed));
          expect(again.map((p) => Array.from(p.indices))).toEqual(parts.map((p) => Array.from(p.indices)));
        },
      ),
    );
  });

  it('rejects lengths that do not fit the dataset', () => {
    expect(() => randomSplit(dataset(5), [2, 2])).toThrow(
      /randomSplit: the lengths \[2, 2\] sum to 4, but the dataset has 5 samples/,
    );
    expect(() => randomSplit(dataset(5), [1.5, -0.5])).toThrow(/fraction 0 \(1.5\) is not between 0 and 1/);
    expect(() => randomSplit(dataset(5), [1.5, 3.5])).toThrow(/length 0 must be a non-negative integer/);
    expect(() => new Subset(dataset(3), [3])).toThrow(
      /Subset: index 3 is out of range for a dataset of 3 samples/,
    );
  });
});
