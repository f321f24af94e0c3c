/**
 * Scale and memory: a chain of 10^5 tensor ops backpropagates (the engine uses an explicit
 * stack, never recursion), and after backward() the graph's intermediates are garbage: a
 * FinalizationRegistry sees them collected while the output is still held, unless the graph was
 * retained.
 */
import { fromTypedArray, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const leaf = (values: number[]) =>
  fromTypedArray(Float64Array.from(values), [values.length], { requiresGrad: true });

describe('a chain of 10^5 tensor ops', () => {
  it('backpropagates through every op', () => {
    const n = 100_000;
    const x = leaf([0.5, -1, 2]);
    let y: Tensor = x;
    // Each step is y ← (y + 0.001)·k, so dy_end/dx = k^(n/2) exactly in exact arithmetic.
    const k = 0.99999;
    for (let i = 0; i < n / 2; i++) y = y.add(0.001).mul(k);
    y.sum().backward();
    const want = k ** (n / 2);
    for (const g of x.grad!.data) expect(Math.abs(g - want)).toBeLessThan(1e-9);
  });
});

/** Forces collections until `done()` or the attempts run out (finalizers run between turns). */
async function collectUntil(done: () => boolean): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') {
    throw new Error('global.gc is missing: vitest.config.ts runs the forks with --expose-gc');
  }
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Builds a 200-op graph, registering each intermediate; returns the output and a live count. */
function buildGraph(x: Tensor, registry: FinalizationRegistry<number>, alive: Set<number>): Tensor {
  let y: Tensor = x;
  for (let i = 0; i < 200; i++) {
    y = y.mul(1.001).sin().add(0.1);
    registry.register(y, i);
    alive.add(i);
  }
  return y.sum();
}

describe('the graph is collectable after backward()', () => {
  it('frees every intermediate while the output is still referenced', async () => {
    const alive = new Set<number>();
    const registry = new FinalizationRegistry<number>((i) => alive.delete(i));
    const x = leaf([0.1, 0.2, 0.3, 0.4]);
    const out = buildGraph(x, registry, alive);
    out.backward();
    await collectUntil(() => alive.size === 0);
    expect(alive.size).toBe(0);
    expect(out.parents.length).toBe(0);
    expect(x.grad!.shape).toEqual([4]);
  });

  it('keeps them while the graph is retained (the check can fail)', async () => {
    const alive = new Set<number>();
    const registry = new FinalizationRegistry<number>((i) => alive.delete(i));
    const x = leaf([0.1, 0.2, 0.3, 0.4]);
    const out = buildGraph(x, registry, alive);
    out.backward({ retainGraph: true });
    await collectUntil(() => alive.size === 0);
    expect(alive.size).toBe(200);
    // Releasing the retained graph by a last backward lets it go.
    out.backward();
    await collectUntil(() => alive.size === 0);
    expect(alive.size).toBe(0);
  });
});
