/**
 * `torch/mlp.json`: a two-layer MLP with cross-entropy, built from core tensor ops. Forward
 * values, the loss and every gradient (parameters, the input, and the intermediates kept with
 * `retainGrad()`) must match PyTorch within 1e-10·max(1, |want|).
 */
import type { Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { expectCloseTo, type FixtureTensor, fromFixture, loadFixture } from './helpers.js';

interface MlpFixture {
  inputs: Record<'X' | 'labels' | 'W1' | 'b1' | 'W2' | 'b2', FixtureTensor>;
  cases: {
    name: string;
    activation: 'tanh' | 'relu';
    hidden_pre: FixtureTensor;
    hidden: FixtureTensor;
    logits: FixtureTensor;
    probs: FixtureTensor;
    loss: number;
    grads: Record<'W1' | 'b1' | 'W2' | 'b2' | 'X' | 'logits' | 'hidden' | 'hidden_pre', FixtureTensor>;
  }[];
}

const TOL = 1e-10;
const fixture = loadFixture<MlpFixture>('torch/mlp.json');

describe('torch/mlp.json: forward, loss and all gradients match PyTorch', () => {
  it('has cases', () => expect(fixture.cases.length).toBeGreaterThan(0));

  for (const c of fixture.cases) {
    it(c.name, () => {
      const p = (k: 'X' | 'W1' | 'b1' | 'W2' | 'b2') =>
        fromFixture(fixture.inputs[k], { requiresGrad: true });
      const [X, W1, b1, W2, b2] = [p('X'), p('W1'), p('b1'), p('W2'), p('b2')];
      const labels = fromFixture(fixture.inputs.labels);
      // nn.Linear layout [out, in]: a layer computes x @ Wᵀ + b.
      const hiddenPre = X.matmul(W1.transpose()).add(b1).retainGrad();
      const hidden = (c.activation === 'tanh' ? hiddenPre.tanh() : hiddenPre.relu()).retainGrad();
      const logits = hidden.matmul(W2.transpose()).add(b2).retainGrad();
      const loss = logits
        .logSoftmax(1)
        .gather(1, labels.reshape([-1, 1]))
        .neg()
        .mean();

      expectCloseTo(hiddenPre, c.hidden_pre, TOL, 'hidden_pre');
      expectCloseTo(hidden, c.hidden, TOL, 'hidden');
      expectCloseTo(logits, c.logits, TOL, 'logits');
      expectCloseTo(logits.softmax(1), c.probs, TOL, 'probs');
      expectCloseTo(loss, { shape: [], dtype: 'float64', data: c.loss }, TOL, 'loss');

      loss.backward();
      const got: Record<keyof typeof c.grads, Tensor> = {
        W1,
        b1,
        W2,
        b2,
        X,
        logits,
        hidden,
        hidden_pre: hiddenPre,
      };
      for (const [k, want] of Object.entries(c.grads)) {
        expectCloseTo(got[k as keyof typeof c.grads].grad, want, TOL, `grad ${k}`);
      }
    });
  }
});
