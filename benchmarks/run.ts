/**
 * Runs the shared benchmark workloads for tapegrad, jax-js (wasm, jit) and TensorFlow.js's wasm
 * and cpu backends and prints ONE Markdown table of medians and ratios (×k = the peer took k
 * times as long as tapegrad). W1–W2, W4–W6 alternate the systems in this process; the epoch
 * workloads W3 and W7 run each system's epoch in a child process of its own, so their peak
 * resident memory is that system's alone.
 * Usage: pnpm bench [W1 W5 …]
 */
import { cpus, loadavg } from 'node:os';
import { header, type System } from './harness.js';
import { w1 } from './w1-matmul.js';
import { w2 } from './w2-mlp-step.js';
import { w3 } from './w3-mnist-mlp.js';
import { w4 } from './w4-scalar-mlp.js';
import { w5 } from './w5-elementwise.js';
import { w6 } from './w6-deep-chain.js';
import { w7 } from './w7-mnist-cnn.js';

const systems: System[] = ['tapegrad', 'jax-js', 'tfjs-wasm', 'tfjs-cpu'];
const all = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6, W7: w7 };
const args = process.argv.slice(2).map((a) => a.toUpperCase());
const unknown = args.filter((a) => !(a in all));
if (unknown.length > 0) {
  console.error(`unknown workload ${unknown.join(', ')}; choose from ${Object.keys(all).join(' ')}`);
  process.exit(2);
}
const chosen = (args.length > 0 ? args : Object.keys(all)) as (keyof typeof all)[];

const load = loadavg()[0]!.toFixed(2);
console.log(
  `Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, load ${load}, ${new Date().toISOString()}`,
);
console.log('');
for (const line of header()) console.log(line);
for (const name of chosen) {
  for (const line of await all[name](systems)) console.log(line);
}
