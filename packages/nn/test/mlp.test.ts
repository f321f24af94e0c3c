import { type Tensor, tensor } from '@tapegrad/core';
import { crossEntropy, Linear, ReLU, Sequential, Tanh } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureTensor, loadFixture, toTensor } from './helpers/fixtures.js';

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

const fixture = loadFixture<MlpFixture>('mlp.json');
const { inputs } = fixture;

describe('an MLP of Linear layers matches PyTorch (mlp.json)', () => {
  it('has cases', () => expect(fixture.cases.length).toBeGreaterThan(0));

  for (const c of fixture.cases) {
    it(c.name, () => {
      const [, inF] = inputs.W1.shape as [number, number];
      const [outF, hidden] = inputs.W2.shape as [number, number];
      const fc1 = new Linear(inF!, hidden, { dtype: 'float64' });
      const fc2 = new Linear(hidden, outF, { dtype: 'float64' });
      const model = new Sequential(fc1, c.activation === 'tanh' ? new Tanh() : new ReLU(), fc2);
      // PyTorch's [out, in] layout is Linear's own: the weights load without transposing
      model.loadStateDict({
        '0.weight': toTensor(inputs.W1),
        '0.bias': toTensor(inputs.b1),
        '2.weight': toTensor(inputs.W2),
        '2.bias': toTensor(inputs.b2),
      });
      const x = toTensor(inputs.X, { requiresGrad: true });
      const pre = fc1.call(x).retainGrad();
      const h = model.at(1).call(pre).retainGrad();
      const logits = fc2.call(h).retainGrad();
      expectClose(pre, c.hidden_pre, 'hidden_pre');
      expectClose(h, c.hidden, 'hidden');
      expectClose(logits, c.logits, 'logits');
      expectClose(logits.softmax(1), c.probs, 'probs');
      expectClose(model.call(x), c.logits, 'model.call(x)');
      const loss = crossEntropy(logits, toTensor(inputs.labels));
      expectClose(loss.item(), c.loss, 'loss');
      loss.backward();
      const got: Record<string, Tensor | null> = {
        W1: fc1.weight.grad,
        b1: fc1.bias!.grad,
        W2: fc2.weight.grad,
        b2: fc2.bias!.grad,
        X: x.grad,
        logits: logits.grad,
        hidden: h.grad,
        hidden_pre: pre.grad,
      };
      for (const [name, want] of Object.entries(c.grads))
        expectClose(got[name] ?? tensor(Number.NaN), want, `grad ${name}`);
    });
  }
});
