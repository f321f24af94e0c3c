/** W5: y = sum(sigmoid(x) · tanh(x)) over 1e6 and 1e7 elements, forward + backward to dy/dx. */

import { manualSeed, randn } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System } from './harness.js';
import { jax, tfjs } from './peers.js';

async function setup(system: System, n: number): Promise<() => void> {
  if (system === 'tapegrad') {
    manualSeed(5);
    const x = randn([n]).requiresGrad_();
    return () => {
      // The gradient is zeroed in place, as an optimizer's zeroGrad() does, so its buffer is reused.
      x.grad?.zero_();
      x.sigmoid().mul(x.tanh()).sum().backward();
    };
  }
  if (system === 'jax-js') {
    const { grad, jit, nn, numpy: np, random } = await jax();
    const x = random.normal(random.key(5), [n]);
    const f = jit(grad((v: typeof x) => nn.sigmoid(v.ref).mul(np.tanh(v)).sum()));
    return () => void f(x.ref).dataSync();
  }
  const tf = tfjs();
  const x = tf.randomNormal([n]);
  const f = tf.grad((v: TF.Tensor) => tf.sum(tf.mul(tf.sigmoid(v), tf.tanh(v))));
  return () => {
    const g = f(x);
    g.dataSync();
    g.dispose();
  };
}

export async function w5(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [1e6, 1e7]) {
    const here = n > 1e6 ? systems.filter((s) => s !== 'tfjs-cpu') : systems;
    const medians = await compare(here, (system) => setup(system, n));
    rows.push(row(`W5 sigmoid·tanh n=${n.toExponential(0)}`, medians));
  }
  return rows;
}
