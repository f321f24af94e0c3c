/**
 * Memory stays flat: thousands of training steps and a hundred thousand Scalar graphs leave the
 * heap where it was once the garbage collector has run, and a kept loss keeps no graph alive.
 * The bounds are generous against the collector's noise (a few hundred KiB between samples) and
 * far below what a leak would add: one MLP step's graph holds ≈ 60 KiB of activations and
 * gradients, one Scalar graph ≈ 2 KiB of tape, so keeping them would add hundreds of MiB.
 *
 * Run with `--expose-gc` (vitest.config.ts passes it). `docs/reliability.md` quotes the figures
 * this test prints.
 */
import { manualSeed, randint, randn, type Scalar, scalar, type Tensor } from '@tapegrad/core';
import { Adam, crossEntropy, Linear, Sequential } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

const gc = (globalThis as { gc?: () => void }).gc;
const MiB = 1024 * 1024;

/** Heap in use after a full collection, in bytes. */
function settledHeap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** Runs `step` `count` times, sampling the settled heap `samples` times; returns the samples. */
function sampleHeap(count: number, samples: number, step: (i: number) => void): number[] {
  const heap: number[] = [];
  const every = count / samples;
  for (let i = 0; i < count; i++) {
    step(i);
    if ((i + 1) % every === 0) heap.push(settledHeap());
  }
  return heap;
}

/** The spread of the samples after the first (which includes warm-up: code, caches, the pool). */
function spread(heap: readonly number[]): { min: number; max: number; growth: number } {
  const rest = heap.slice(1);
  const min = Math.min(...rest);
  const max = Math.max(...rest);
  return { min, max, growth: max - min };
}

const mib = (b: number) => `${(b / MiB).toFixed(2)} MiB`;

/** A 32-64-64-10 MLP with Adam on random batches of 32; `keep` sees the loss, the logits and a hidden activation. */
function trainer() {
  manualSeed(0);
  const layers = [new Linear(32, 64), new Linear(64, 64), new Linear(64, 10)];
  const opt = new Adam(new Sequential(...layers).parameters(), { lr: 1e-3 });
  const x = randn([32, 32]);
  const y = randint(0, 10, [32]);
  return (keep?: (loss: Tensor, logits: Tensor, hidden: Tensor) => void) => {
    opt.zeroGrad();
    const hidden = layers[1]!.call(layers[0]!.call(x).relu()).relu();
    const logits = layers[2]!.call(hidden);
    const loss = crossEntropy(logits, y);
    loss.backward();
    opt.step();
    keep?.(loss, logits, hidden);
  };
}

/** A 3-input neuron and a squared-error loss on Scalars: about 20 recorded ops. */
function scalarGraph(i: number): Scalar {
  const w = [0.3, -0.2, 0.5].map((v) => scalar(v + i * 1e-9, { requiresGrad: true }));
  const x = [1, 2, 3].map((v) => v + (i % 7));
  let z = scalar(0.1);
  for (let k = 0; k < 3; k++) z = z.add(w[k]!.mul(x[k]!));
  const loss = z.tanh().sub(0.5).square();
  loss.backward();
  return loss;
}

describe('memory', () => {
  it('5,000 MLP training steps: the heap after GC stays within 4 MiB', () => {
    expect(gc, 'run with --expose-gc').toBeDefined();
    const step = trainer();
    const heap = sampleHeap(5000, 10, () => step());
    const { min, max, growth } = spread(heap);
    console.log(`MLP 5,000 steps: heap after GC ${mib(min)} … ${mib(max)} (spread ${mib(growth)})`);
    expect(growth).toBeLessThan(4 * MiB);
  });

  it('100,000 Scalar graphs, each backpropagated: the heap after GC stays within 4 MiB', () => {
    const heap = sampleHeap(100_000, 10, (i) => scalarGraph(i));
    const { min, max, growth } = spread(heap);
    console.log(`Scalar 100,000 graphs: heap after GC ${mib(min)} … ${mib(max)} (spread ${mib(growth)})`);
    expect(growth).toBeLessThan(4 * MiB);
  });

  it('100,000 Scalar graphs never backpropagated: the heap after GC stays within 4 MiB', () => {
    const heap = sampleHeap(100_000, 10, (i) => {
      const w = scalar(0.3 + i * 1e-9, { requiresGrad: true });
      w.mul(2).add(1).tanh().square();
    });
    const { min, max, growth } = spread(heap);
    console.log(
      `Scalar 100,000 graphs without backward: heap after GC ${mib(min)} … ${mib(max)} (spread ${mib(growth)})`,
    );
    expect(growth).toBeLessThan(4 * MiB);
  });

  it('keeping every loss and logits tensor after backward keeps none of the graphs: activations are collected', async () => {
    const step = trainer();
    const kept: Tensor[] = [];
    const hiddenRefs: WeakRef<Tensor>[] = [];
    for (let i = 0; i < 200; i++) {
      step((loss, logits, hidden) => {
        kept.push(loss, logits);
        hiddenRefs.push(new WeakRef(hidden));
      });
    }
    // A WeakRef's target lives at least until the current job ends: let it end before collecting.
    await new Promise((resolve) => setTimeout(resolve, 0));
    settledHeap();
    expect(kept.every((t) => t.data.every(Number.isFinite))).toBe(true);
    expect(hiddenRefs.filter((r) => r.deref() !== undefined).length).toBe(0);
  });

  it('keeping every Scalar loss value (a number) keeps no tape alive', () => {
    const before = settledHeap();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) values.push(scalarGraph(i).value);
    const after = settledHeap();
    console.log(`Scalar: 50,000 kept loss values, heap after GC grew ${mib(after - before)}`);
    // 50,000 numbers in an array are ≈ 0.4 MiB; 50,000 tapes would be ≈ 100 MiB
    expect(after - before).toBeLessThan(2 * MiB);
    expect(values.length).toBe(50_000);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
