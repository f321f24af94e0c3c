/**
 * Determinism: the same seed trains to the same bits — run twice, and with the kernel threads on
 * or off. Matmul tiles are summed in the same order whichever thread computes them, and nothing
 * else in a training step depends on timing, so this holds exactly, not to a tolerance.
 */
import { getNumThreads, manualSeed, randint, randn, setNumThreads, type Tensor } from '@tapegrad/core';
import { Adam, crossEntropy, Dropout, Linear, ReLU, Sequential } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { taskCounts } from '../../packages/core/src/kernels/threads/pool.js';

/** Trains a 256-512-10 MLP with dropout for 15 steps from `seed`; returns every parameter's bytes and the losses. */
function train(seed: number): { params: Buffer; losses: number[] } {
  manualSeed(seed);
  const model = new Sequential(new Linear(256, 512), new ReLU(), new Dropout(0.2), new Linear(512, 10));
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) {
    const x = randn([128, 256]);
    const y = randint(0, 10, [128]);
    opt.zeroGrad();
    const loss = crossEntropy(model.call(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const bytes = model
    .parameters()
    .map((p: Tensor) => Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  return { params: Buffer.concat(bytes), losses };
}

describe('determinism', () => {
  it('the same seed gives bit-identical training, twice and with threads on or off', () => {
    const before = getNumThreads();
    try {
      setNumThreads(1);
      taskCounts.tasks = taskCounts.byCaller = 0;
      const single = train(7);
      expect(taskCounts.byCaller).toBe(taskCounts.tasks);
      const again = train(7);
      expect(again.params.equals(single.params)).toBe(true);
      expect(again.losses).toEqual(single.losses);

      setNumThreads(2);
      // Workers start in the background: train until one has computed part of a product.
      let shared = false;
      for (let attempt = 0; attempt < 50 && !shared; attempt++) {
        taskCounts.tasks = taskCounts.byCaller = 0;
        const threaded = train(7);
        shared = taskCounts.byCaller < taskCounts.tasks;
        expect(threaded.params.equals(single.params)).toBe(true);
        expect(threaded.losses).toEqual(single.losses);
      }
      expect(shared, 'a worker thread took part').toBe(true);

      // and a different seed trains differently (the comparison can fail)
      expect(train(8).params.equals(single.params)).toBe(false);
    } finally {
      setNumThreads(before);
    }
  });
});
