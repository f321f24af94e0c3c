/**
 * W6: x = x · 1.0001 + 0.0001 repeated N times on scalars, then backward. Reports ms and recorded
 * ops per second side by side; then, in a fresh process per N (so nothing else shares the memory
 * figures), the peak tape memory per recorded op and the peak JavaScript heap.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';
import { compare, row, type System } from './harness.js';
import { tfjs } from './peers.js';
import { chain } from './w6-chain.js';

/** Reference figure on this machine kind (../shared/benchmarks.md): PyTorch, 0-d tensors, N=1e6. */
const PYTORCH_1E6_MS = 34_000;

/** Peak memory of one chain of `n`, measured in a child process. */
function memoryOf(n: number): { tapePerOp: number; heapMiB: number; ms: number } {
  const child = fileURLToPath(new URL('./w6-memory.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, String(n)], { encoding: 'utf8' });
  return JSON.parse(out) as { tapePerOp: number; heapMiB: number; ms: number };
}

export async function w6(systems: readonly System[]): Promise<string[]> {
  const rows: string[] = [];
  for (const n of [1e4, 1e5, 1e6, 1e7]) {
    // TF.js needs tens of seconds to out of memory from 1e5 on (benchmarks.md): run it at 1e4 only.
    const here = systems.filter((s) => (n > 1e4 ? s === 'tapegrad' : s !== 'jax-js'));
    const medians = await compare(
      here,
      async (system) => {
        if (system === 'tapegrad') return () => void chain(n);
        const tf = tfjs();
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
      n >= 1e7 ? 1 : n >= 1e6 ? 3 : 5,
    );
    const ops = 2 * n;
    rows.push(
      row(`W6 deep chain N=${n.toExponential(0)}`, medians, (ms) => `${(ops / ms / 1e3).toFixed(2)} M ops/s`),
    );
  }
  for (const n of [1e6, 1e7]) {
    const m = memoryOf(n);
    rows.push(
      `| W6 memory N=${n.toExponential(0)} (own process) | ${m.tapePerOp.toFixed(1)} B of tape per recorded op, peak heap ${m.heapMiB.toFixed(0)} MiB, ${m.ms.toFixed(0)} ms cold | – | – | – |`,
    );
  }
  rows.push(`|  | PyTorch (0-d tensors) takes ${PYTORCH_1E6_MS / 1000} s at N=1e6 | | | |`);
  return rows;
}
