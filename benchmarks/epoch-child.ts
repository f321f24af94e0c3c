/**
 * One system's epoch of W3 or W7, in a process of its own: loads MNIST, builds the system's
 * trainer from the shared initial weights, times one epoch over the shared batch order,
 * evaluates the test accuracy and prints `{ seconds, accuracy, rssMB }` as JSON on stdout.
 * Usage (from epoch.ts): node --import tsx epoch-child.ts W3 tapegrad
 */
import type { EpochResult } from './epoch.js';
import { epochBatches, initialWeights, mnistArrays, type TrainerFactory } from './mnist.js';
import type { System } from './peers.js';
import { usePeer } from './peers.js';
import { W3_PARAMS, w3Trainers } from './w3-mnist-mlp.js';
import { W7_PARAMS, w7Trainers } from './w7-mnist-cnn.js';

const SEED = 3;
const BATCH = 64;

const [workload, system] = process.argv.slice(2) as [string, System];
const table =
  workload === 'W3' ? { specs: W3_PARAMS, trainers: w3Trainers } : { specs: W7_PARAMS, trainers: w7Trainers };
const factory: TrainerFactory | undefined = table.trainers[system];
if (!factory) throw new Error(`${workload} has no trainer for ${system}`);

await usePeer(system);
const data = mnistArrays();
const trainer = await factory(data, initialWeights(table.specs, SEED));
const batches = epochBatches(data.trainCount, BATCH, SEED + 1);
const t0 = performance.now();
for (const rows of batches) trainer.step(rows);
const seconds = (performance.now() - t0) / 1000;
const result: EpochResult = {
  seconds,
  accuracy: trainer.accuracy(),
  rssMB: process.resourceUsage().maxRSS / 1024,
};
console.log(JSON.stringify(result));
