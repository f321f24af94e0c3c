import { tensor } from '@tapegrad/core';
import {
  Adam,
  CosineAnnealingLR,
  ExponentialLR,
  LinearLR,
  type LRScheduler,
  MultiStepLR,
  OneCycleLR,
  SGD,
  StepLR,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { camel, expectClose, loadFixture } from './helpers/fixtures.js';

interface SchedulerCase {
  name: string;
  scheduler: string;
  options: Record<string, unknown>;
  optimizer: { type: string; lr: number; momentum: number };
  initial_lr: number;
  lrs: number[];
  initial_momentum?: number;
  momentums?: number[];
}

// `never` options: each scheduler takes its own option type; the JSON options are passed through.
const makers: Record<string, (opt: SGD, o: never) => LRScheduler> = {
  StepLR: (opt, o) => new StepLR(opt, o),
  MultiStepLR: (opt, o) => new MultiStepLR(opt, o),
  ExponentialLR: (opt, o) => new ExponentialLR(opt, o),
  CosineAnnealingLR: (opt, o) => new CosineAnnealingLR(opt, o),
  LinearLR: (opt, o) => new LinearLR(opt, o),
  OneCycleLR: (opt, o) => new OneCycleLR(opt, o),
};

const fixture = loadFixture<{ epochs: number; cases: SchedulerCase[] }>('schedulers.json');

describe('schedulers match PyTorch (schedulers.json)', () => {
  it('has cases', () => expect(fixture.cases.length).toBeGreaterThan(0));

  for (const c of fixture.cases) {
    it(c.name, () => {
      expect(c.optimizer.type).toBe('SGD');
      const p = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
      const opt = new SGD([p], { lr: c.optimizer.lr, momentum: c.optimizer.momentum });
      const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel(k), v]));
      const sched = makers[c.scheduler]!(opt, options as never);
      expectClose(opt.paramGroups[0]!.lr, c.initial_lr, `${c.name} initial lr`);
      if (c.initial_momentum !== undefined) {
        expectClose(opt.paramGroups[0]!.momentum, c.initial_momentum, `${c.name} initial momentum`);
      }
      expect(c.lrs.length).toBe(fixture.epochs);
      for (let k = 0; k < fixture.epochs; k++) {
        p.sum().backward();
        opt.step();
        sched.step();
        expectClose(opt.paramGroups[0]!.lr, c.lrs[k]!, `${c.name} lr after ${k + 1} steps`);
        expectClose(sched.getLastLr()[0]!, c.lrs[k]!, `${c.name} getLastLr after ${k + 1} steps`);
        if (c.momentums)
          expectClose(opt.paramGroups[0]!.momentum, c.momentums[k]!, `${c.name} momentum after ${k + 1}`);
      }
    });
  }

  it('OneCycleLR cycles Adam beta1 and refuses to step past totalSteps', () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new Adam([p], { lr: 1 });
    const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10 });
    expect(opt.paramGroups[0]!.betas).toEqual([0.95, 0.999]);
    expect(opt.paramGroups[0]!.lr).toBeCloseTo(0.004, 15);
    sched.step();
    // a third of the way up (e1 = 0.3·10 − 1 = 2): beta1 falls while the lr rises, beta2 is kept
    expect(opt.paramGroups[0]!.betas[0]).toBeCloseTo(0.85 + (0.1 * (1 + Math.cos(Math.PI / 2))) / 2, 12);
    expect(opt.paramGroups[0]!.betas[1]).toBe(0.999);
    for (let k = 1; k < 10; k++) sched.step();
    expect(() => sched.step()).toThrow(/OneCycleLR: tried to step 11 times, but totalSteps is 10/);
  });
});
