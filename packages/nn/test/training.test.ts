import { Generator, type Tensor, tensor } from '@tapegrad/core';
import { Adam, bceWithLogits, crossEntropy, Linear, ReLU, Sequential, Tanh } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

/** Fraction of predicted classes (argmax over axis 1) equal to the labels. */
const accuracyOf = (logits: Tensor, labels: Tensor) =>
  logits.argmax(1).eq(labels).to('float64').mean().item();

/**
 * Two interleaved half-moons (as scikit-learn's make_moons): the upper arc centred at the
 * origin, the lower one shifted by (1, 0.5), Gaussian noise of standard deviation `noise`.
 */
function moons(n: number, noise: number, gen: Generator): { x: Tensor; y: Tensor } {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = Math.PI * gen.random();
    const [cx, cy] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    points.push([cx + noise * gen.normal(), cy + noise * gen.normal()]);
    labels.push(label);
  }
  return { x: tensor(points), y: tensor(labels, { dtype: 'int32' }) };
}

describe('small networks learn', () => {
  it('XOR to 100% accuracy', () => {
    const gen = new Generator(0);
    const net = new Sequential(
      new Linear(2, 8, { generator: gen }),
      new Tanh(),
      new Linear(8, 1, { generator: gen }),
    );
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const opt = new Adam(net.parameters(), { lr: 0.05 });
    for (let step = 0; step < 300; step++) {
      opt.zeroGrad();
      bceWithLogits(net.call(x), y).backward();
      opt.step();
    }
    const predicted = net.eval().call(x).gt(0);
    expect(predicted.toArray()).toEqual(y.toArray());
    expect(bceWithLogits(net.call(x), y).item()).toBeLessThan(0.05);
  });

  it('two interleaved half-moons to ≥ 97% accuracy on held-out points', () => {
    const gen = new Generator(42);
    const train = moons(300, 0.1, gen);
    const test = moons(300, 0.1, gen);
    const net = new Sequential(
      new Linear(2, 32, { generator: gen }),
      new ReLU(),
      new Linear(32, 32, { generator: gen }),
      new ReLU(),
      new Linear(32, 2, { generator: gen }),
    );
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    for (let epoch = 0; epoch < 400; epoch++) {
      opt.zeroGrad();
      crossEntropy(net.call(train.x), train.y).backward();
      opt.step();
    }
    net.eval();
    expect(accuracyOf(net.call(train.x), train.y)).toBeGreaterThanOrEqual(0.97);
    expect(accuracyOf(net.call(test.x), test.y)).toBeGreaterThanOrEqual(0.97);
  });
});
