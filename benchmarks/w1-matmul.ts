/** W1: C = A·B, square float32, n ∈ {64, 128, 256, 512, 1024}; GFLOP/s = 2n³ / t. */
import { manualSeed, rand } from '@tapegrad/core';
import { compare, row, type System } from './harness.js';
import { jax, tfjs } from './peers.js';

export async function w1(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [64, 128, 256, 512, 1024]) {
    // Small products repeat within one timed repetition, so the timer's resolution does not count.
    const inner = Math.max(1, Math.floor(2 ** 25 / n ** 3));
    const repeat = (f: () => void) => () => {
      for (let i = 0; i < inner; i++) f();
    };
    const perRep = await compare(
      systems,
      async (system) => {
        if (system === 'tapegrad') {
          manualSeed(1);
          const a = rand([n, n]);
          const b = rand([n, n]);
          return repeat(() => void a.matmul(b));
        }
        if (system === 'jax-js') {
          const { jit, numpy: np, random } = await jax();
          const a = random.uniform(random.key(1), [n, n]);
          const b = random.uniform(random.key(2), [n, n]);
          const mm = jit((x: typeof a, y: typeof a) => np.matmul(x, y));
          // Arguments are moved into a call: `.ref` keeps a and b alive; dataSync frees c.
          return repeat(() => void mm(a.ref, b.ref).dataSync());
        }
        const tf = tfjs();
        const a = tf.randomUniform([n, n]);
        const b = tf.randomUniform([n, n]);
        return repeat(() => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        });
      },
      n <= 512 ? 9 : 5,
    );
    const medians = Object.fromEntries(Object.entries(perRep).map(([s, t]) => [s, t / inner]));
    rows.push(row(`W1 matmul n=${n}`, medians, (ms) => `${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`));
  }
  return rows;
}
