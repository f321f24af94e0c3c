import { Generator, manualSeed, TapegradError, tensor } from '@tapegrad/core';
import { DataLoader, type Dataset, TensorDataset } from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** A dataset of n samples whose features are [i, 10·i] and whose labels are i. */
function numbered(n: number) {
  const features: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    features.push([i, 10 * i]);
    labels.push(i);
  }
  return new TensorDataset(tensor(features), tensor(labels, { dtype: 'int32' }));
}

/** The labels of every batch of one epoch. */
const epoch = (loader: DataLoader<ReturnType<typeof numbered>['tensors']>) =>
  Array.from(loader, ([, y]) => y.toArray() as number[]);

describe('DataLoader', () => {
  it('yields every sample exactly once per epoch when shuffling, rows kept together', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer(),
        (n, batchSize, seed) => {
          const loader = new DataLoader(numbered(n), { batchSize, shuffle: true, seed });
          for (let e = 0; e < 2; e++) {
            const seen: number[] = [];
            const batches = Array.from(loader);
            expect(batches.length).toBe(Math.ceil(n / batchSize));
            batches.forEach(([x, y], b) => {
              const size = b < batches.length - 1 ? batchSize : n - batchSize * (batches.length - 1);
              expect(x.shape).toEqual([size, 2]);
              const labels = y.toArray() as number[];
              expect(x.toArray()).toEqual(labels.map((i) => [i, 10 * i]));
              seen.push(...labels);
            });
            expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps the order without shuffle', () => {
    expect(epoch(new DataLoader(numbered(7), { batchSize: 3 }))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('drops only the incomplete last batch with dropLast', () => {
    const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true, shuffle: true, seed: 3 });
    expect(loader.length).toBe(2);
    const batches = epoch(loader);
    expect(batches.map((b) => b.length)).toEqual([4, 4]);
    expect(new Set(batches.flat()).size).toBe(8);
    const exact = new DataLoader(numbered(8), { batchSize: 4, dropLast: true });
    expect(epoch(exact)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length).toBe(0);
    expect(epoch(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }))).toEqual([]);
  });

  it('reshuffles each epoch, repeatably for a seed', () => {
    const a = new DataLoader(numbered(50), { batchSize: 50, shuffle: true, seed: 7 });
    const b = new DataLoader(numbered(50), { batchSize: 50, shuffle: true, generator: new Generator(7) });
    const a1 = epoch(a);
    const a2 = epoch(a);
    expect(a1).not.toEqual(a2);
    expect(epoch(b)).toEqual(a1);
    expect(epoch(b)).toEqual(a2);
    expect(epoch(new DataLoader(numbered(50), { batchSize: 50, shuffle: true, seed: 8 }))).not.toEqual(a1);
  });

  it('follows manualSeed when given no generator', () => {
    const loader = new DataLoader(numbered(30), { batchSize: 30, shuffle: true });
    manualSeed(11);
    const first = epoch(loader);
    manualSeed(11);
    expect(epoch(loader)).toEqual(first);
  });

  it('works with any Dataset', () => {
    const squares: Dataset<number[]> = {
      length: 5,
      getBatch: (indices) => Array.from(indices, (i) => i * i),
    };
    expect(Array.from(new DataLoader(squares, { batchSize: 2 }))).toEqual([[0, 1], [4, 9], [16]]);
  });

  it('rejects bad options and mismatched tensors', () => {
    expect(() => new DataLoader(numbered(3), { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => new DataLoader(numbered(3), { batchSize: 2.5 })).toThrow(TapegradError);
    expect(() => new DataLoader(numbered(3), { seed: 1, generator: new Generator(1) })).toThrow(
      /either generator or seed/,
    );
    expect(() => new TensorDataset(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /tensor 0 has shape \[2\], tensor 1 has \[3\]/,
    );
    expect(() => new TensorDataset()).toThrow(TapegradError);
  });
});

describe('TensorDataset', () => {
  it('returns one sample with get, negative indices from the end', () => {
    const ds = numbered(4);
    const [x, y] = ds.get(-1);
    expect(x.toArray()).toEqual([3, 30]);
    expect(y.item()).toBe(3);
    expect(() => ds.get(4)).toThrow(/index 4 is out of range for a dataset of 4 samples/);
  });
});
