/** Subsets of a dataset and `randomSplit`, as `torch.utils.data.Subset` and `random_split`. */
import { type Generator, getDefaultGenerator, TapegradError } from '@tapegrad/core';
import type { Dataset } from './dataset.js';

/** The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`). */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  /** Positions in `dataset`. */
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: Int32Array | readonly number[]) {
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
    const bad = this.indices.findIndex((i) => i < 0 || i >= dataset.length);
    if (bad >= 0) {
      throw new TapegradError(
        'Subset',
        `index ${this.indices[bad]} is out of range for a dataset of ${dataset.length} samples.`,
      );
    }
  }

  get length(): number {
    return this.indices.length;
  }

  getBatch(indices: Int32Array): T {
    return this.dataset.getBatch(indices.map((i) => this.indices[i]!));
  }
}

/** Split sizes from counts, or from fractions summing to 1 (the remainder goes round-robin from the first). */
function splitLengths(n: number, lengths: readonly number[]): number[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) <= 1e-9 && total <= 1) {
    const sizes = lengths.map((f, i) => {
      if (!(f >= 0 && f <= 1))
        throw new TapegradError('randomSplit', `fraction ${i} (${f}) is not between 0 and 1.`);
      return Math.floor(n * f);
    });
    const remainder = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
    return sizes;
  }
  lengths.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0) {
      throw new TapegradError(
        'randomSplit',
        `length ${i} must be a non-negative integer (or all fractions summing to 1), got ${l}.`,
      );
    }
  });
  if (total !== n) {
    throw new TapegradError(
      'randomSplit',
      `the lengths [${lengths.join(', ')}] sum to ${total}, but the dataset has ${n} samples.`,
    );
  }
  return [...lengths];
}

/**
 * Splits `dataset` into non-overlapping random subsets, as PyTorch's `random_split`: `lengths`
 * are sample counts summing to the dataset's length, or fractions summing to 1 (each split gets
 * ⌊n·fraction⌋ samples and the remainder is dealt one at a time from the first split on). The
 * order comes from `generator` (the default stream otherwise), so `manualSeed` makes it repeat.
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  generator: Generator = getDefaultGenerator(),
): Subset<T>[] {
  if (!dataset || typeof dataset.getBatch !== 'function' || !Number.isInteger(dataset.length)) {
    throw new TapegradError(
      'randomSplit',
      'expected a Dataset (an object with length and getBatch(indices)).',
    );
  }
  if (!Array.isArray(lengths) || lengths.length === 0) {
    throw new TapegradError('randomSplit', 'lengths must be a non-empty array of counts or fractions.');
  }
  const sizes = splitLengths(dataset.length, lengths);
  const order = generator.permutation(dataset.length);
  let offset = 0;
  return sizes.map((size) => {
    const subset = new Subset(dataset, order.subarray(offset, offset + size));
    offset += size;
    return subset;
  });
}
