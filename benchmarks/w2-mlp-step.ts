/**
 * W2: one MLP training step, 784-128-10 with ReLU, softmax cross-entropy from logits with integer
 * labels, plain SGD lr 0.1, batch 128, inputs uniform in [0, 1), random labels.
 */

import { linear, manualSeed, noGrad, rand, randint, randn, type Tensor, zeros } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System } from './harness.js';
import { jax, tfjs } from './peers.js';

const BATCH = 128;

function tapegradStep(): () => void {
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
        p.grad!.zero_(); // as an optimizer's zeroGrad() does: the buffer is reused
      }
    });
  };
}

async function jaxStep(): Promise<() => void> {
  const { grad, jit, nn, numpy: np, random, tree } = await jax();
  type Arr = ReturnType<typeof np.zeros>;
  type Params = { w1: Arr; b1: Arr; w2: Arr; b2: Arr };
  const x = random.uniform(random.key(1), [BATCH, 784]);
  // Random labels: the floor of uniform draws in [0, 10).
  const y = nn.oneHot(np.floor(random.uniform(random.key(2), [BATCH]).mul(10)).astype(np.int32), 10);
  let params: Params = {
    w1: random.normal(random.key(3), [784, 128]).mul(0.05),
    b1: np.zeros([128]),
    w2: random.normal(random.key(4), [128, 10]).mul(0.1),
    b2: np.zeros([10]),
  };
  // jax-js moves every argument into a call: each array is used once, or `.ref`'d before.
  const loss = (p: Params, xb: Arr, yb: Arr) => {
    const h = nn.relu(np.matmul(xb, p.w1).add(p.b1));
    const logits = np.matmul(h, p.w2).add(p.b2);
    return nn
      .logSoftmax(logits, -1)
      .mul(yb)
      .sum()
      .mul(-1 / BATCH);
  };
  const step = jit((p: Params, xb: Arr, yb: Arr) => {
    const g = grad(loss)(tree.ref(p), xb, yb);
    return tree.map((w: Arr, gw: Arr) => w.sub(gw.mul(0.1)), p, g) as Params;
  });
  return () => {
    params = step(params, x.ref, y.ref);
    params.w1.ref.dataSync();
  };
}

function tfjsStep(): () => void {
  const tf = tfjs();
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
}

export async function w2(systems: readonly System[]): Promise<string[]> {
  const medians = await compare(
    systems,
    async (system) => (system === 'tapegrad' ? tapegradStep() : system === 'jax-js' ? jaxStep() : tfjsStep()),
    21,
  );
  return [row('W2 MLP train step (batch 128)', medians, (ms) => `${(1000 / ms).toFixed(1)} steps/s`)];
}
