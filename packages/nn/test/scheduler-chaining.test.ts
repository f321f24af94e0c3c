import { tensor } from '@tapegrad/core';
import { CosineAnnealingLR, ExponentialLR, LinearLR, SGD, StepLR } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

const sgd = (lr: number) => new SGD([tensor([1, 2], { dtype: 'float64', requiresGrad: true })], { lr });
const close = (got: number, want: number, what: string) =>
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).toBeLessThan(1e-12);

describe('schedulers chain and carry manual lr changes, as PyTorch 1.13', () => {
  it('LinearLR(0.5, 4) then ExponentialLR(0.9) multiply each other’s lr', () => {
    const opt = sgd(1);
    const linear = new LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    const expo = new ExponentialLR(opt, { gamma: 0.9 });
    // LinearLR step t multiplies by 1 + (1 − 0.5)/(4·0.5 + (t − 1)·0.5), i.e. 1.25, 1.2, 7/6, 8/7,
    // then 1 once t > 4; ExponentialLR multiplies by 0.9 every step after construction.
    const want = [
      1 * 0.5,
      1 * 0.5 * 1.25 * 0.9,
      1 * 0.5 * 1.25 * 1.2 * 0.9 * 0.9,
      1 * 0.5 * 1.25 * 1.2 * (7 / 6) * 0.9 ** 3,
      1 * 0.5 * 1.25 * 1.2 * (7 / 6) * (8 / 7) * 0.9 ** 4,
      1 * 0.5 * 1.25 * 1.2 * (7 / 6) * (8 / 7) * 0.9 ** 5,
      1 * 0.5 * 1.25 * 1.2 * (7 / 6) * (8 / 7) * 0.9 ** 6,
    ];
    close(want[1]!, 0.5625, 'written-out product after 1 step');
    close(want[2]!, 0.6075, 'written-out product after 2 steps');
    close(opt.paramGroups[0]!.lr, want[0]!, 'after construction');
    expect(linear.baseLrs).toEqual([1]);
    expect(expo.baseLrs).toEqual([1]);
    for (let k = 1; k < want.length; k++) {
      linear.step();
      expo.step();
      close(opt.paramGroups[0]!.lr, want[k]!, `after ${k} steps`);
      close(expo.getLastLr()[0]!, want[k]!, `getLastLr after ${k} steps`);
    }
  });

  it('StepLR decays from an lr set by hand between steps', () => {
    const opt = sgd(1);
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.1 });
    expect((opt.paramGroups[0] as { initialLr?: number }).initialLr).toBe(1);
    sched.step(); // epoch 1: unchanged
    close(opt.paramGroups[0]!.lr, 1, 'after 1 step');
    opt.paramGroups[0]!.lr = 0.5;
    const want = [0.5 * 0.1, 0.5 * 0.1, 0.5 * 0.1 * 0.1]; // epochs 2 (decay), 3, 4 (decay)
    for (const [k, w] of want.entries()) {
      sched.step();
      close(opt.paramGroups[0]!.lr, w, `epoch ${k + 2}`);
      close(sched.getLastLr()[0]!, w, `getLastLr at epoch ${k + 2}`);
    }
  });

  it('a second scheduler keeps the first one’s initialLr as its base', () => {
    const opt = sgd(0.4);
    new StepLR(opt, { stepSize: 1, gamma: 0.5 }).step();
    const cos = new CosineAnnealingLR(opt, { tMax: 2 });
    expect(cos.baseLrs).toEqual([0.4]);
    close(opt.paramGroups[0]!.lr, 0.2, 'cosine leaves the lr unchanged at epoch 0');
    // epoch 1: (1 + cos(π/2)) / (1 + cos 0) · 0.2 = 0.1; epoch 2: (1 + cos π)/(1 + cos(π/2)) · 0.1 = 0
    cos.step();
    close(opt.paramGroups[0]!.lr, 0.5 * 0.2, 'epoch 1');
    cos.step();
    close(opt.paramGroups[0]!.lr, 0, 'epoch 2');
    // epoch 3 = tMax + 1: the trough branch adds (base − 0)(1 − cos(π/2))/2 = 0.4/2
    cos.step();
    close(opt.paramGroups[0]!.lr, 0.4 / 2, 'epoch 3');
  });
});
