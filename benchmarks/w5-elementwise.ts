/** W5: y = sum(sigmoid(x) · tanh(x)) over 1e6 and 1e7 elements, forward + backward to dy/dx. */

import { manualSeed, randn } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System, tf } from './harness.js';

export async function w5(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [1e6, 1e7]) {
    const medians = await compare(systems, async (system) => {
      if (system === 'tapegrad') {
        manualSeed(5);
        const x = randn([n]).requiresGrad_();
        return () => {
          x.sigmoid().mul(x.tanh()).sum().backward();
          x.grad = null;
        };
      }
      const x = tf.randomNormal([n]);
      const f = tf.grad((v: TF.Tensor) => tf.sum(tf.mul(tf.sigmoid(v), tf.tanh(v))));
      return () => {
        const g = f(x);
        g.dataSync();
        g.dispose();
      };
    });
    // Effective bandwidth: the forward reads x once and writes 4 arrays; backward about 8 passes.
    rows.push(row(`W5 sigmoid·tanh n=${n.toExponential(0)}`, medians));
  }
  return rows;
}
