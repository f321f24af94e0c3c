/** Datasets: indexed collections of samples that a {@link DataLoader} batches. */
import { fromTypedArray, TapegradError, Tensor } from '@tapegrad/core';

const fmtShape = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * An indexed collection of samples, as PyTorch's map-style `Dataset`. A {@link DataLoader} asks
 * for whole batches at once through {@link Dataset.getBatch}, so a dataset can assemble a batch
 * with one block copy per tensor instead of one call per sample.
 *
 * @typeParam T - what a batch is, e.g. `[images, labels]`.
 */
export interface Dataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** The samples at `indices` (each in `[0, length)`), batched in that order. */
  getBatch(indices: Int32Array): T;
}

/**
 * A dataset of tensors sharing their first axis (the sample axis), as PyTorch's
 * `TensorDataset`: sample `i` is row `i` of every tensor, and a batch is every tensor's rows at
 * the batch's indices (`indexSelect` along axis 0).
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(images, labels);   // images [N, 784], labels [N]
 * const [x, y] = ds.get(0);                        // x [784], y []
 * ```
 */
export class TensorDataset<T extends readonly Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, as given. */
  readonly tensors: T;
  readonly length: number;

  /** @throws TapegradError if no tensor is given, one is 0-d, or their first axes differ. */
  constructor(...tensors: T) {
    if (tensors.length === 0) {
      throw new TapegradError(
        'TensorDataset',
        'needs at least one tensor, e.g. new TensorDataset(images, labels).',
      );
    }
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.ndim === 0) {
        throw new TapegradError(
          'TensorDataset',
          `argument ${i} must be a Tensor with a sample axis first, got ${t instanceof Tensor ? 'a 0-d tensor' : typeof t}.`,
        );
      }
    });
    const n = tensors[0]!.shape[0]!;
    const bad = tensors.findIndex((t) => t.shape[0] !== n);
    if (bad >= 0) {
      throw new TapegradError(
        'TensorDataset',
        `all tensors need the same first axis (the sample axis): tensor 0 has shape ${fmtShape(tensors[0]!.shape)}, tensor ${bad} has ${fmtShape(tensors[bad]!.shape)}.`,
      );
    }
    this.tensors = tensors;
    this.length = n;
  }

  /** Every tensor's rows at `indices`, in that order. */
  getBatch(indices: Int32Array): T {
    const index = fromTypedArray(indices, [indices.length]);
    return this.tensors.map((t) => t.indexSelect(0, index)) as unknown as T;
  }

  /** Sample `i` (negative counts from the end): row `i` of every tensor. */
  get(i: number): T {
    if (!Number.isInteger(i) || i < -this.length || i >= this.length) {
      throw new TapegradError(
        'TensorDataset.get',
        `index ${i} is out of range for a dataset of ${this.length} samples.`,
      );
    }
    return this.tensors.map((t) => t.select(0, i)) as unknown as T;
  }
}
