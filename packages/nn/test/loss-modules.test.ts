/**
 * The loss modules against PyTorch's numbers (every case of losses.json, the module built from the
 * case's options and called on its input and target), and their buffers and repr.
 */
import { type Tensor, tensor } from '@tapegrad/core';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  type Loss,
  MSELoss,
  MultiMarginLoss,
  NLLLoss,
  SmoothL1Loss,
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

// `never` options: each module takes its own options type; the JSON's are passed through.
const modules: Record<string, new (options: never) => Loss<object>> = {
  mse_loss: MSELoss,
  l1_loss: L1Loss,
  smooth_l1_loss: SmoothL1Loss,
  huber_loss: HuberLoss,
  cross_entropy: CrossEntropyLoss,
  nll_loss: NLLLoss,
  binary_cross_entropy: BCELoss,
  binary_cross_entropy_with_logits: BCEWithLogitsLoss,
  multi_margin_loss: MultiMarginLoss,
  kl_div: KLDivLoss,
};

const { cases } = loadFixture<{ cases: LossCase[] }>('losses.json');

describe('loss modules match PyTorch (losses.json)', () => {
  it('every loss function has its module', () => {
    for (const c of cases) expect(Object.keys(modules), c.name).toContain(c.loss);
  });

  for (const c of cases) {
    it(c.name, () => {
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.options)) {
        if (v !== null)
          options[camel(k)] =
            typeof v === 'object' && 'shape' in (v as object) ? toTensor(v as FixtureTensor) : v;
      }
      const loss = new modules[c.loss]!(options as never);
      const input = toTensor(c.input, { requiresGrad: true });
      const out: Tensor = loss.call(input, toTensor(c.target));
      expectClose(out, c.output, `${c.name} output`);
      out.backward(toTensor(c.upstream));
      expectClose(input.grad!, c.grad_input, `${c.name} grad`);
    });
  }
});

describe('loss module conveniences', () => {
  it('registers weight and posWeight as buffers under PyTorch names, and shows its options', () => {
    const w = tensor([1, 2, 3]);
    const ce = new CrossEntropyLoss({ weight: w, labelSmoothing: 0.1 });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(ce.toString()).toBe('CrossEntropyLoss(labelSmoothing=0.1)');
    const bce = new BCEWithLogitsLoss({ posWeight: tensor([2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(new MSELoss().call(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(new MSELoss({ reduction: 'sum' }).toString()).toBe("MSELoss(reduction='sum')");
  });

  it('passes errors through with the function name', () => {
    expect(() => new L1Loss().call(tensor([1, 2]), tensor([1]))).toThrow(
      /l1Loss: input shape \[2\] and target shape \[1\]/,
    );
  });
});
