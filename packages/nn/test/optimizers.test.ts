import { TapegradError, type Tensor, tensor } from '@tapegrad/core';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { camel, expectClose, type FixtureTensor, loadFixture, toTensor } from './helpers/fixtures.js';

interface Problem {
  X: FixtureTensor;
  Y: FixtureTensor;
  W0: FixtureTensor;
  b0: FixtureTensor;
  param_order: string[];
  steps: number;
}
interface OptimCase {
  name: string;
  optimizer: string;
  options: Record<string, unknown>;
  losses: number[];
  grads: Record<string, FixtureTensor>[];
  params: Record<string, FixtureTensor>[];
}

type AnyOptimizer = Optimizer<{ lr: number }>;
const makers: Record<string, (params: Tensor[], options: Record<string, unknown>) => AnyOptimizer> = {
  SGD: (p, o) => new SGD(p, o),
  Adam: (p, o) => new Adam(p, o),
  AdamW: (p, o) => new AdamW(p, o),
  RMSprop: (p, o) => new RMSprop(p, o),
  Adagrad: (p, o) => new Adagrad(p, o),
};

const fixture = loadFixture<{ problem: Problem; cases: OptimCase[] }>('optimizers.json');
const { problem } = fixture;

/** f(W, b) = Σ (tanh(X W + b) − Y)² / 2, the file's objective. */
const objective = (params: Record<string, Tensor>) =>
  toTensor(problem.X).matmul(params.W!).add(params.b!).tanh().sub(toTensor(problem.Y)).square().sum().div(2);

const camelOptions = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));

describe('optimizers match PyTorch 8-step trajectories (optimizers.json)', () => {
  it('has cases and a known objective', () => {
    expect(fixture.cases.length).toBeGreaterThan(0);
    expect(problem.param_order).toEqual(['W', 'b']);
  });

  for (const c of fixture.cases) {
    it(c.name, () => {
      const params: Record<string, Tensor> = {
        W: toTensor(problem.W0, { requiresGrad: true }),
        b: toTensor(problem.b0, { requiresGrad: true }),
      };
      const opt = makers[c.optimizer]!(
        problem.param_order.map((n) => params[n]!),
        camelOptions(c.options),
      );
      expect(c.losses.length).toBe(problem.steps);
      for (let k = 0; k < problem.steps; k++) {
        opt.zeroGrad();
        const loss = objective(params);
        expectClose(loss.item(), c.losses[k]!, `${c.name} loss before step ${k + 1}`);
        loss.backward();
        for (const n of problem.param_order)
          expectClose(params[n]!.grad!, c.grads[k]![n]!, `${c.name} grad ${n} step ${k + 1}`);
        opt.step();
        for (const n of problem.param_order)
          expectClose(params[n]!, c.params[k]![n]!, `${c.name} ${n} after step ${k + 1}`);
      }
    });
  }
});

describe('optimizer state and groups', () => {
  const quadratic = (p: Tensor) => p.sub(3).square().sum();

  it('paramGroups[i].lr is live and groups keep their own options', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0 }], { lr: 0.1 });
    quadratic(a).add(quadratic(b)).backward();
    opt.paramGroups[0]!.lr = 0.5;
    opt.step();
    // d/dp (p − 3)² = 2(p − 3): with lr 0.5 the step lands exactly on 3
    expect(a.toArray()).toEqual([3, 3]);
    expect(b.toArray()).toEqual([1, 2]);
  });

  it('state is keyed by parameter and survives a JSON round trip of stateDict', () => {
    const run = (restore: boolean) => {
      const p = tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
      let opt = new Adam([p], { lr: 0.1, amsgrad: true });
      for (let k = 0; k < 6; k++) {
        if (k === 3 && restore) {
          const saved = JSON.parse(JSON.stringify(opt.stateDict()));
          opt = new Adam([p], { lr: 0.7 });
          opt.loadStateDict(saved);
        }
        opt.zeroGrad();
        quadratic(p).backward();
        opt.step();
      }
      expect(opt.state.has(p)).toBe(true);
      return p.toArray();
    };
    expect(run(true)).toEqual(run(false));
  });

  it('rejects a negative learning rate, an empty parameter list and invalid betas, naming the optimizer', () => {
    const p = tensor([1], { requiresGrad: true });
    expect(() => new SGD([p], { lr: -0.1 })).toThrow(/SGD: invalid learning rate -0\.1/);
    expect(() => new Adam([], { lr: 0.1 })).toThrow(/Adam: got an empty parameter list/);
    expect(() => new Adam([p], { betas: [0.9, 1.5] })).toThrow(/Adam: invalid betas \[0\.9, 1\.5\]/);
    expect(() => new RMSprop([p], { lr: -1 })).toThrow(TapegradError);
  });
});
