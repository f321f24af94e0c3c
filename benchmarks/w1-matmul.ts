/** W1: C = A·B, square float32, n ∈ {64, 256, 512, 1024}; GFLOP/s = 2n³ / t. */
import { manualSeed, rand } from '@tapegrad/core';
import { compare, row, type System, tf } from './harness.js';

export async function w1(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [64, 256, 512, 1024]) {
    const medians = await compare(systems, async (system) => {
      if (system === 'tapegrad') {
        manualSeed(1);
        const a = rand([n, n]);
        const b = rand([n, n]);
        return () => void a.matmul(b);
      }
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      return () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
    });
    rows.push(row(`W1 matmul n=${n}`, medians, (ms) => `${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`));
  }
  return rows;
}
