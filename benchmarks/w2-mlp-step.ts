/**
 * W2: one MLP training step, 784-128-10 with ReLU, softmax cross-entropy from logits with integer
 * labels, plain SGD lr 0.1, batch 128, inputs uniform in [0, 1), random labels.
 */

import { linear, manualSeed, noGrad, rand, randint, randn, type Tensor, zeros } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System, tf } from './harness.js';

const BATCH = 128;

export async function w2(systems: readonly System[]): Promise<string[]> {
  const medians = await compare(
    systems,
    async (system) => {
      if (system === 'tapegrad') {
        manualSeed(2);
        const x = rand([BATCH, 784]);
        const labels = randint(0, 10, [BATCH, 1]);
        const params = [
          randn([128, 784]).mul(0.05).requiresGrad_(),
          zeros([128], { requiresGrad: true }),
          randn([10, 128]).mul(0.1).requiresGrad_(),
          zeros([10], { requiresGrad: true }),
        ] as [Tensor, Tensor, Tensor, Tensor];
        const [w1, b1, w2, b2] = params;
        return () => {
          const logits = linear(linear(x, w1, b1).relu(), w2, b2);
          const loss = logits.logSoftmax(1).gather(1, labels).mean().neg();
          loss.backward();
          noGrad(() => {
            for (const p of params) {
              p.sub_(p.grad!, 0.1);
              p.grad = null;
            }
          });
        };
      }
      const x = tf.randomUniform([BATCH, 784]);
      const labels = tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32'), 10);
      const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05));
      const b1 = tf.variable(tf.zeros([128]));
      const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.1));
      const b2 = tf.variable(tf.zeros([10]));
      const vars = [w1, b1, w2, b2];
      return () => {
        tf.tidy(() => {
          const { grads } = tf.variableGrads(() => {
            const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
            return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h, w2), b2)) as TF.Scalar;
          }, vars);
          for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.1)));
        });
        w1.dataSync();
      };
    },
    20,
  );
  return [row('W2 MLP train step (batch 128)', medians, (ms) => `${(1000 / ms).toFixed(1)} steps/s`)];
}
