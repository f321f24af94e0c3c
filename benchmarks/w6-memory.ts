/**
 * One W6 chain of N (argv[2]) in a fresh process: prints JSON with the peak tape memory per
 * recorded op (ArrayBuffer bytes), the peak JavaScript heap, and the time of this cold run.
 */
import { chain } from './w6-chain.js';

const n = Number(process.argv[2]);
const base = process.memoryUsage();
let peakBuffers = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers - base.arrayBuffers);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const t0 = performance.now();
chain(n, sample);
const ms = performance.now() - t0;
console.log(JSON.stringify({ tapePerOp: peakBuffers / (2 * n), heapMiB: peakHeap / 2 ** 20, ms }));
