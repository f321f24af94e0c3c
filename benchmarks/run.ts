/**
 * Runs the shared benchmark workloads (W1, W2, W4, W5, W6) for tapegrad and TensorFlow.js's cpu
 * and wasm backends in one process and prints a Markdown table of medians and ratios (×k means
 * TF.js took k times as long as tapegrad). W3 is the MNIST example itself (docs/mnist.md).
 * Usage: pnpm --filter @tapegrad/benchmarks bench [W1 W2 …]
 */
import type { System } from './harness.js';
import { w1 } from './w1-matmul.js';
import { w2 } from './w2-mlp-step.js';
import { w4 } from './w4-scalar-mlp.js';
import { w5 } from './w5-elementwise.js';
import { w6 } from './w6-deep-chain.js';

const systems: System[] = ['tapegrad', 'tfjs-cpu', 'tfjs-wasm'];
const all = { W1: w1, W2: w2, W4: w4, W5: w5, W6: w6 };
const chosen = process.argv.slice(2).filter((a): a is keyof typeof all => a in all);

console.log(`Node ${process.version}, ${new Date().toISOString()}`);
console.log('| workload | tapegrad | TF.js cpu | TF.js wasm |');
console.log('|---|---|---|---|');
for (const name of chosen.length > 0 ? chosen : (Object.keys(all) as (keyof typeof all)[])) {
  for (const line of await all[name](systems)) console.log(line);
}
