/** Mini-batches over a dataset, optionally shuffled each epoch, as PyTorch's `DataLoader`. */
import {
  arange,
  checkOptions,
  Generator,
  getDefaultGenerator,
  type OptionKeys,
  TapegradError,
} from '@tapegrad/core';
import type { Dataset } from './dataset.js';

/** Options for a {@link DataLoader}; PyTorch's names in camelCase. */
export interface DataLoaderOptions {
  /** Samples per batch; 1 by default. */
  batchSize?: number;
  /** Draw a new random order at the start of every epoch (every `for … of`); false by default. */
  shuffle?: boolean;
  /**
   * The random stream for shuffling. Without it (and without `seed`) the default stream is used,
   * so `manualSeed` makes runs repeat, as in PyTorch.
   */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`: a stream of the loader's own. */
  seed?: number;
  /** Skip the last batch if it is smaller than `batchSize`; false by default. */
  dropLast?: boolean;
}

const KEYS: OptionKeys<DataLoaderOptions> = {
  batchSize: true,
  shuffle: true,
  generator: true,
  seed: true,
  dropLast: true,
};

/**
 * Iterates over a dataset in mini-batches: each `for … of` is one epoch, visiting every sample
 * exactly once (except the incomplete last batch with `dropLast`), in a fresh random order when
 * `shuffle` is set.
 *
 * @typeParam T - the dataset's batch type, e.g. `[Tensor, Tensor]` for a {@link TensorDataset}.
 * @example
 * ```ts
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader) { … }
 * ```
 */
export class DataLoader<T> implements Iterable<T> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator | undefined;

  /** @throws TapegradError for a batch size that is not a positive integer, or a bad seed. */
  constructor(dataset: Dataset<T>, options?: DataLoaderOptions) {
    const o = checkOptions('DataLoader', options, KEYS);
    const { batchSize = 1, shuffle = false, dropLast = false, generator, seed } = o;
    if (!dataset || typeof dataset.getBatch !== 'function' || !Number.isInteger(dataset.length)) {
      throw new TapegradError(
        'DataLoader',
        'expected a Dataset (an object with length and getBatch(indices)), e.g. new TensorDataset(x, y).',
      );
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new TapegradError('DataLoader', `batchSize must be a positive integer, got ${batchSize}.`);
    }
    if (generator !== undefined && seed !== undefined) {
      throw new TapegradError('DataLoader', 'give either generator or seed, not both.');
    }
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new TapegradError('DataLoader', 'generator must be a Generator (new Generator(seed)).');
    }
    if (seed !== undefined && !Number.isFinite(seed)) {
      throw new TapegradError('DataLoader', `seed must be a finite number, got ${seed}.`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator ?? (seed !== undefined ? new Generator(seed) : undefined);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches. */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    const order = this.shuffle
      ? (this.generator ?? getDefaultGenerator()).permutation(n)
      : (arange(n, undefined, 1, { dtype: 'int32' }).data as Int32Array);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      yield this.dataset.getBatch(order.subarray(start, Math.min(start + this.batchSize, n)));
    }
  }
}
