/**
 * The code the browser test runs inside Chromium, bundled with esbuild from the built packages
 * (all of core and nn, the Node entry aside). It exposes `window.tapegradChecks`, called by the
 * test with the seed network's numbers; the answers go back to Node, which compares them with the
 * fixture.
 */
import * as core from '@tapegrad/core';
import { manualSeed, noGrad, type Tensor, tensor } from '@tapegrad/core';
import * as nn from '@tapegrad/nn';
import { Adam, Linear, mseLoss, Sequential, Tanh } from '@tapegrad/nn';
import {
  buildSeedNetwork,
  PARAMETER_NAMES,
  type SeedConfig,
} from '../../packages/examples/src/seed-model.js';
import type { PageWindow } from './results.js';

/** Gradients of E_total with Scalars: the examples' named seed network. */
function scalarGradients(config: SeedConfig): Record<string, number> {
  const net = buildSeedNetwork(config);
  net.E_total.backward();
  return Object.fromEntries(PARAMETER_NAMES.map((n) => [n, net.params[n].grad]));
}

/** The same network as float64 tensors: two layers of [out, in] weights with one shared bias each. */
function tensorGradients(config: SeedConfig): Record<string, number> {
  const p = config.parameters;
  const f64 = { dtype: 'float64' as const, requiresGrad: true };
  const hidden = tensor(
    [
      [p.w1, p.w2],
      [p.w3, p.w4],
    ],
    f64,
  );
  const output = tensor(
    [
      [p.w5, p.w6],
      [p.w7, p.w8],
    ],
    f64,
  );
  const b1 = tensor(p.b1, f64);
  const b2 = tensor(p.b2, f64);
  const x = tensor([[config.inputs.i1], [config.inputs.i2]], { dtype: 'float64' });
  const target = tensor([[config.targets.o1], [config.targets.o2]], { dtype: 'float64' });
  const h = hidden.matmul(x).add(b1).sigmoid();
  const out = output.matmul(h).add(b2).sigmoid();
  target.sub(out).pow(2).mul(0.5).sum().backward();
  const [w1, w2, w3, w4] = hidden.grad!.data;
  const [w5, w6, w7, w8] = output.grad!.data;
  return { w1, w2, w3, w4, w5, w6, w7, w8, b1: b1.grad!.item(), b2: b2.grad!.item() } as Record<
    string,
    number
  >;
}

/** A 2-16-1 tanh MLP fitted to y = x0·x1 on a grid, with Adam; the loss after every step. */
function trainMlp(steps: number): number[] {
  manualSeed(0);
  const points: number[][] = [];
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) points.push([i / 3.5 - 1, j / 3.5 - 1]);
  const x = tensor(points);
  const y: Tensor = noGrad(() => x.slice([null, [0, 1]]).mul(x.slice([null, [1, 2]])));
  const model = new Sequential(new Linear(2, 16), new Tanh(), new Linear(16, 1));
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    optimizer.zeroGrad();
    const loss = mseLoss(model.call(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

(window as unknown as PageWindow).tapegradChecks = (config) => ({
  exports: { core: Object.keys(core).sort(), nn: Object.keys(nn).sort() },
  scalarGradients: scalarGradients(config),
  tensorGradients: tensorGradients(config),
  losses: trainMlp(150),
});
