/**
 * W3: one MNIST epoch of a 784-128-10 ReLU MLP, Adam lr 1e-3, batch 64, pixels in [0, 1], the
 * same initial weights and batch order for every system; test accuracy after the epoch.
 */
import { fromTypedArray, noGrad, type Tensor } from '@tapegrad/core';
import { Adam, crossEntropy, Linear, ReLU, Sequential as Seq, type Sequential } from '@tapegrad/nn';
import type * as TF from '@tensorflow/tfjs';
import { epochReps, epochRow } from './epoch.js';
import type { System } from './harness.js';
import {
  countCorrect,
  type EpochTrainer,
  type MnistArrays,
  type ParamSpec,
  type TrainerFactory,
} from './mnist.js';
import { tfjs } from './peers.js';

/** The MLP's parameters in PyTorch's layouts: Linear weights `[out, in]`, then biases. */
export const W3_PARAMS: ParamSpec[] = [
  { shape: [128, 784], fanIn: 784 },
  { shape: [128], fanIn: 784 },
  { shape: [10, 128], fanIn: 128 },
  { shape: [10], fanIn: 128 },
];

/**
 * A tapegrad trainer for `model` (its parameters in the order of the shared weights), the way a
 * user writes it: indexSelect a batch, cross-entropy, zeroGrad, backward, Adam step.
 */
export function tapegradTrainer(
  model: Sequential,
  data: MnistArrays,
  imageShape: number[],
  weights: Float32Array[],
): EpochTrainer {
  model.parameters().forEach((p, i) => (p.data as Float32Array).set(weights[i]!));
  const images = fromTypedArray(data.trainImages, [data.trainCount, ...imageShape]);
  const labels = fromTypedArray(data.trainLabels, [data.trainCount]);
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  model.train();
  return {
    step(rows) {
      const index = fromTypedArray(rows, [rows.length]);
      const loss = crossEntropy(model.call(images.indexSelect(0, index)), labels.indexSelect(0, index));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      return loss.item();
    },
    accuracy() {
      model.eval();
      let correct = 0;
      const chunk = 1000;
      const per = imageShape.reduce((a, b) => a * b, 1);
      for (let i = 0; i < data.testCount; i += chunk) {
        const x = fromTypedArray(data.testImages.subarray(i * per, (i + chunk) * per), [
          chunk,
          ...imageShape,
        ]);
        const scores: Tensor = noGrad(() => model.call(x));
        correct += countCorrect(scores.data as Float32Array, data.testLabels, i);
      }
      return correct / data.testCount;
    },
  };
}

/**
 * A TF.js trainer: `params` are variables built from the shared weights, `forward` maps a batch
 * to logits; Adam with PyTorch's epsilon (1e-8; TF.js defaults to 1e-7).
 */
export function tfjsTrainer(
  data: MnistArrays,
  imageShape: number[],
  params: TF.Variable[],
  forward: (x: TF.Tensor) => TF.Tensor,
): EpochTrainer {
  const tf = tfjs();
  const images = tf.tensor(data.trainImages, [data.trainCount, ...imageShape]);
  const labels = tf.tensor1d(data.trainLabels, 'int32');
  const optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-8);
  return {
    step(rows) {
      const loss = tf.tidy(() => {
        const index = tf.tensor1d(rows, 'int32');
        const x = tf.gather(images, index);
        const y = tf.oneHot(tf.gather(labels, index), 10);
        return optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, forward(x)) as TF.Scalar,
          true,
          params,
        )!;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      return value;
    },
    accuracy() {
      const scores = tf.tidy(() => forward(tf.tensor(data.testImages, [data.testCount, ...imageShape])));
      const correct = countCorrect(scores.dataSync() as Float32Array, data.testLabels, 0);
      scores.dispose();
      return correct / data.testCount;
    },
  };
}

/** The trainers of W3, per system. */
export const w3Trainers: Partial<Record<System, TrainerFactory>> = {
  tapegrad: async (data, weights) =>
    tapegradTrainer(new Seq(new Linear(784, 128), new ReLU(), new Linear(128, 10)), data, [784], weights),
  'tfjs-wasm': async (data, weights) => {
    const tf = tfjs();
    const [w1, b1, w2, b2] = weights as [Float32Array, Float32Array, Float32Array, Float32Array];
    const kernel = (w: Float32Array, out: number, inp: number) =>
      tf.variable(tf.tensor2d(w, [out, inp]).transpose());
    const params = [
      kernel(w1, 128, 784),
      tf.variable(tf.tensor1d(b1)),
      kernel(w2, 10, 128),
      tf.variable(tf.tensor1d(b2)),
    ];
    const [k1, c1, k2, c2] = params as [TF.Variable, TF.Variable, TF.Variable, TF.Variable];
    return tfjsTrainer(data, [784], params, (x) =>
      tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, k1), c1)), k2), c2),
    );
  },
};

export async function w3(systems: readonly System[]): Promise<string[]> {
  const here = systems.filter((s) => w3Trainers[s] !== undefined);
  return [epochRow('W3 MNIST MLP epoch (s, test acc., peak RSS)', 'W3', here, epochReps(3))];
}
