/** W6: x = x · 1.0001 + 0.0001 repeated N times on scalars, then backward. */

import { scalar } from '@tapegrad/core';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System, tf } from './harness.js';

export async function w6(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [1e4, 1e5, 1e6]) {
    // TF.js needs tens of seconds to out of memory from 1e5 on (benchmarks.md): run it at 1e4 only.
    const here = n > 1e4 ? systems.filter((s) => s === 'tapegrad') : systems;
    const medians = await compare(
      here,
      async (system) => {
        if (system === 'tapegrad') {
          return () => {
            const x0 = scalar(1, { requiresGrad: true });
            let x = x0;
            for (let i = 0; i < n; i++) x = x.mul(1.0001).add(0.0001);
            x.backward();
          };
        }
        const f = tf.grad((x0: TF.Tensor) => {
          let x = x0;
          for (let i = 0; i < n; i++) x = tf.add(tf.mul(x, 1.0001), 0.0001);
          return x;
        });
        return () => {
          const g = f(tf.scalar(1));
          g.dataSync();
          tf.disposeVariables();
        };
      },
      n >= 1e6 ? 3 : 5,
    );
    rows.push(row(`W6 deep chain N=${n.toExponential(0)}`, medians));
  }
  return rows;
}
