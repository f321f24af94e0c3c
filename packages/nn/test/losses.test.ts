import { type Tensor, tensor } from '@tapegrad/core';
import {
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  huberLoss,
  klDiv,
  l1Loss,
  mseLoss,
  multiMarginLoss,
  nllLoss,
  smoothL1Loss,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { camel, expectClose, type FixtureTensor, loadFixture, toTensor } from './helpers/fixtures.js';

interface LossCase {
  name: string;
  loss: string;
  options: Record<string, unknown>;
  input: FixtureTensor;
  target: FixtureTensor;
  output: FixtureTensor;
  upstream: FixtureTensor;
  grad_input: FixtureTensor;
}

// `never` options: every loss fits the table; the options come from JSON and are passed through.
const losses: Record<string, (input: Tensor, target: Tensor, options: never) => Tensor> = {
  mse_loss: mseLoss,
  l1_loss: l1Loss,
  smooth_l1_loss: smoothL1Loss,
  huber_loss: huberLoss,
  cross_entropy: crossEntropy,
  nll_loss: nllLoss,
  binary_cross_entropy: binaryCrossEntropy,
  binary_cross_entropy_with_logits: bceWithLogits,
  multi_margin_loss: multiMarginLoss,
  kl_div: klDiv,
};

/** Fixture options in camelCase, tensors decoded, nulls dropped. */
function optionsOf(c: LossCase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) {
    if (v === null) continue;
    out[camel(k)] = typeof v === 'object' && 'shape' in (v as object) ? toTensor(v as FixtureTensor) : v;
  }
  return out;
}

const { cases } = loadFixture<{ cases: LossCase[] }>('losses.json');

describe('losses match PyTorch (losses.json)', () => {
  it('covers every loss in the file', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(Object.keys(losses), c.name).toContain(c.loss);
  });

  for (const c of cases) {
    it(c.name, () => {
      const input = toTensor(c.input, { requiresGrad: true });
      const out = losses[c.loss]!(input, toTensor(c.target), optionsOf(c) as never);
      expectClose(out, c.output, `${c.name} output`);
      out.backward(toTensor(c.upstream));
      expectClose(input.grad!, c.grad_input, `${c.name} grad_input`);
    });
  }
});

describe('loss stability and float32', () => {
  it('bceWithLogits is finite and exact for logits of ±100, with gradients σ(x) − t', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor([100, -100, 100, -100], { dtype, requiresGrad: true });
      const t = tensor([0, 1, 1, 0], { dtype });
      const loss = bceWithLogits(x, t, { reduction: 'none' });
      // a confidently wrong logit costs |x|; a confidently right one costs log(1 + e^−100) ≈ 3.7e-44
      expect([loss.data[0], loss.data[1]]).toEqual([100, 100]);
      expect(Math.max(loss.data[2]!, loss.data[3]!)).toBeLessThan(1e-40);
      expect(Math.min(loss.data[2]!, loss.data[3]!)).toBeGreaterThanOrEqual(0);
      loss.sum().backward();
      const want = [1, -1, 0, 0];
      Array.from(x.grad!.data).forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(1e-30));
    }
  });

  it('crossEntropy works on float32 logits with int32 labels and large logits', () => {
    const logits = tensor(
      [
        [1000, 0, -1000],
        [0, 0, 0],
      ],
      { requiresGrad: true },
    );
    const loss = crossEntropy(logits, tensor([1, 2], { dtype: 'int32' }));
    // sample 0: −log softmax = 1000; sample 1: log 3
    expect(loss.item()).toBeCloseTo((1000 + Math.log(3)) / 2, 3);
    loss.backward();
    expect(Number.isFinite(logits.grad!.sum().item())).toBe(true);
  });
});
