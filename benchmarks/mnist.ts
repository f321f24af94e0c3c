/**
 * What the epoch workloads (W3, W7) share across systems: the MNIST arrays, initial weights drawn
 * once from a seeded stream in PyTorch's layouts, and the shuffled batch order of the epoch.
 */
import { Generator } from '@tapegrad/core';
import { loadMnist } from '@tapegrad/nn/node';

/** MNIST as plain arrays: pixels in [0, 1], row-major 28×28 images, int32 labels. */
export interface MnistArrays {
  trainImages: Float32Array;
  trainLabels: Int32Array;
  testImages: Float32Array;
  testLabels: Int32Array;
  trainCount: number;
  testCount: number;
}

export function mnistArrays(): MnistArrays {
  const { train, test } = loadMnist();
  return {
    trainImages: train.images.data as Float32Array,
    trainLabels: train.labels.data as Int32Array,
    testImages: test.images.data as Float32Array,
    testLabels: test.labels.data as Int32Array,
    trainCount: train.labels.shape[0]!,
    testCount: test.labels.shape[0]!,
  };
}

/** One parameter: its PyTorch shape and the fan-in that scales its initial values. */
export interface ParamSpec {
  shape: number[];
  fanIn: number;
}

/**
 * PyTorch's default initialisation of Linear and Conv2d (weights and biases uniform in
 * ±1/√fan_in), drawn in order from one seeded stream so every system starts from the same numbers.
 */
export function initialWeights(specs: readonly ParamSpec[], seed: number): Float32Array[] {
  const gen = new Generator(seed);
  return specs.map(({ shape, fanIn }) => {
    const bound = 1 / Math.sqrt(fanIn);
    const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < out.length; i++) out[i] = (gen.random() * 2 - 1) * bound;
    return out;
  });
}

/** The epoch's mini-batches: a seeded Fisher–Yates shuffle cut into `batch`-sized index lists. */
export function epochBatches(count: number, batch: number, seed: number): Int32Array[] {
  const gen = new Generator(seed);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(gen.random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const out: Int32Array[] = [];
  for (let i = 0; i < count; i += batch) out.push(order.subarray(i, Math.min(count, i + batch)));
  return out;
}

/** Index of each row's largest value in `[rows, 10]` scores, compared with the labels. */
export function countCorrect(scores: Float32Array, labels: Int32Array, offset: number): number {
  let correct = 0;
  for (let r = 0; r < scores.length / 10; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores[r * 10 + c]! > scores[r * 10 + best]!) best = c;
    if (best === labels[offset + r]) correct++;
  }
  return correct;
}

/** A system's model and optimizer in one of the epoch workloads. */
export interface EpochTrainer {
  /** One Adam step on the given training rows; returns the batch's mean loss. */
  step(rows: Int32Array): number;
  /** Test-set accuracy in [0, 1]. */
  accuracy(): number;
}

/** Builds a system's trainer from the data and the shared initial weights. */
export type TrainerFactory = (data: MnistArrays, weights: Float32Array[]) => Promise<EpochTrainer>;
