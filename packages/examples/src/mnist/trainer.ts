/** The training loop: mini-batches, cross-entropy, Adam; seeded so a run can be repeated exactly. */
import { Generator, type Tensor } from '@tapegrad/core';
import {
  Adam,
  CosineAnnealingLR,
  crossEntropy,
  DataLoader,
  type Sequential,
  TensorDataset,
} from '@tapegrad/nn';
import { type Architecture, buildModel } from './models.js';

/** What a {@link Trainer} needs. */
export interface TrainerConfig {
  architecture: Architecture;
  /** Seeds the weights, dropout masks and shuffling: the same seed gives the same run. */
  seed: number;
  /** The starting learning rate. */
  lr: number;
  batchSize: number;
  /**
   * The planned number of epochs: the learning rate then follows a cosine from `lr` down to 0
   * over them, stepped once per epoch. The small steps at the end settle the weights, worth a few
   * tenths of a percent of test accuracy. Without it the learning rate stays constant.
   */
  epochs?: number;
  /** Training images (in the architecture's layout) and int32 labels. */
  images: Tensor;
  labels: Tensor;
}

/** Called after every batch with its index, its loss and the samples seen so far this epoch. */
export type BatchCallback = (batch: number, loss: number, samples: number) => void;

/** A model, its Adam optimizer and a shuffling loader over the training set. */
export class Trainer {
  readonly model: Sequential;
  readonly optimizer: Adam;
  readonly loader: DataLoader<[Tensor, Tensor]>;
  readonly scheduler: CosineAnnealingLR | undefined;

  constructor(config: TrainerConfig) {
    // Separate streams, so changing the batch size does not change the initial weights.
    this.model = buildModel(config.architecture, new Generator(config.seed));
    this.optimizer = new Adam(this.model.parameters(), { lr: config.lr });
    this.scheduler = config.epochs
      ? new CosineAnnealingLR(this.optimizer, { tMax: config.epochs })
      : undefined;
    this.loader = new DataLoader(new TensorDataset(config.images, config.labels), {
      batchSize: config.batchSize,
      shuffle: true,
      generator: new Generator(config.seed + 1),
    });
  }

  /** Batches per epoch. */
  get batches(): number {
    return this.loader.length;
  }

  /** One pass over the training set (or its first `maxSteps` batches); returns each batch's loss. */
  epoch(onBatch?: BatchCallback, maxSteps = Number.POSITIVE_INFINITY): number[] {
    this.model.train();
    const losses: number[] = [];
    let samples = 0;
    for (const [x, y] of this.loader) {
      if (losses.length >= maxSteps) break;
      const loss = crossEntropy(this.model.call(x), y);
      this.optimizer.zeroGrad();
      loss.backward();
      this.optimizer.step();
      const value = loss.item();
      losses.push(value);
      samples += x.shape[0]!;
      onBatch?.(losses.length, value, samples);
    }
    this.scheduler?.step();
    return losses;
  }
}
