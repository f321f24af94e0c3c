/**
 * The figures of docs/performance.md: each comparison runs its variants in this process in
 * alternating order (A B A B …, after one warm-up each; thread counts in alternating blocks) and
 * reports medians, because this machine's absolute speed drifts with other work. Prints the machine, its load before and
 * after, and one Markdown table.
 * Usage: pnpm --filter @tapegrad/benchmarks performance
 */
import { cpus, loadavg } from 'node:os';
import { getNumThreads, manualSeed, randn, setNumThreads, type Tensor } from '@tapegrad/core';
import { median } from './harness.js';

/** Medians in milliseconds of each variant, run alternately `reps` times after a warm-up. */
function alternate(variants: Record<string, () => void>, reps: number): Record<string, number> {
  const names = Object.keys(variants);
  for (const n of names) variants[n]!();
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const n of names) {
      const t0 = performance.now();
      variants[n]!();
      times[n]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n]!)]));
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const rows: string[] = [];
/** One table row per comparison: each variant's median, and the ratio of the first to the second. */
function report(what: string, medians: Record<string, number>): void {
  const [a, b] = Object.entries(medians);
  const cells = Object.entries(medians).map(([n, t]) => `${n}: ${fmt(t)}`);
  rows.push(`| ${what} | ${cells.join(' · ')} | ×${(a![1] / b![1]).toFixed(2)} |`);
}

/** A square matrix product whose result is read (products compute at once; reading is free). */
const product = (n: number, dtype: 'float32' | 'float64') => {
  const a = randn([n, n], { dtype });
  const b = randn([n, n], { dtype });
  return () => void a.matmul(b).data;
};

/**
 * Threads are compared in blocks (1 thread, then all, three times over), not run by run: changing
 * the count stops or starts the worker threads, and fresh workers run their first products cold.
 */
function threads(): void {
  const cores = getNumThreads();
  for (const n of [256, 512, 1024]) {
    const run = product(n, 'float32');
    const times: Record<string, number[]> = { '1 thread': [], [`${cores} threads`]: [] };
    for (let round = 0; round < 3; round++) {
      for (const k of [1, cores]) {
        setNumThreads(k);
        for (let i = 0; i < 3; i++) run(); // warm-up: workers started and compiled
        for (let i = 0; i < (n >= 1024 ? 3 : 7); i++) {
          const t0 = performance.now();
          run();
          times[k === 1 ? '1 thread' : `${cores} threads`]!.push(performance.now() - t0);
        }
      }
    }
    const medians = Object.fromEntries(Object.entries(times).map(([name, ts]) => [name, median(ts)]));
    report(`matmul ${n}×${n} float32, 1 thread vs ${cores}`, medians);
  }
  setNumThreads(cores);
}

function dtypes(): void {
  report(
    'matmul 512×512, float64 vs float32',
    alternate({ float64: product(512, 'float64'), float32: product(512, 'float32') }, 9),
  );
  const chain = (dtype: 'float32' | 'float64') => {
    const x = randn([1_000_000], { dtype });
    return () => void x.sigmoid().mul(x.tanh()).sum().item();
  };
  report(
    'sum(sigmoid(x)·tanh(x)), 10⁶ elements, float64 vs float32',
    alternate({ float64: chain('float64'), float32: chain('float32') }, 15),
  );
}

function fusion(): void {
  const x = randn([1_000_000]);
  const steps = [
    (t: Tensor) => t.mul(2),
    (t: Tensor) => t.add(1),
    (t: Tensor) => t.tanh(),
    (t: Tensor) => t.mul(x),
    (t: Tensor) => t.sigmoid(),
  ];
  const stored = () => {
    let t = x;
    for (const s of steps) void (t = s(t)).data; // reading each result computes and stores it
  };
  const fused = () => {
    let t = x;
    for (const s of steps) t = s(t);
    void t.data; // one pass computes the whole chain
  };
  report(
    '5-op elementwise chain, 10⁶ float32, each step read vs fused',
    alternate({ 'each read': stored, fused }, 15),
  );
}

function freshMemory(): void {
  const n = 10_000_000; // 40 MB of float32
  const kept = new Float32Array(n);
  report(
    '40 MB Float32Array: new and filled vs refilled',
    alternate({ 'new + fill': () => void new Float32Array(n).fill(1), refill: () => void kept.fill(2) }, 9),
  );
}

manualSeed(0);
const before = loadavg()[0]!.toFixed(2);
const started = new Date().toISOString();
threads();
dtypes();
fusion();
freshMemory();
console.log(
  `Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, load average ${before} before and ${loadavg()[0]!.toFixed(2)} after, ${started}`,
);
console.log('');
console.log('| comparison | medians | ratio (first / second) |');
console.log('|---|---|---|');
for (const r of rows) console.log(r);
