import { TapegradError, tensor } from '@tapegrad/core';
import {
  Adagrad,
  Adam,
  AdamW,
  bceWithLogits,
  binaryCrossEntropy,
  crossEntropy,
  Dropout,
  Linear,
  mseLoss,
  multiMarginLoss,
  nllLoss,
  RMSprop,
  SGD,
} from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

/** Runs `fn`, expecting a TapegradError whose message matches every pattern. */
function expectError(fn: () => unknown, ...patterns: RegExp[]) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TapegradError);
  for (const p of patterns) expect((caught as Error).message).toMatch(p);
}

describe('bad input throws TapegradError naming the layer or loss and the value', () => {
  it('wrong input features for Linear', () => {
    expectError(() => new Linear(4, 2).call(tensor([[1, 2, 3]])), /^Linear:/, /3 features/, /inFeatures=4/);
  });

  it('a class label out of range', () => {
    const logits = tensor([
      [1, 2, 3],
      [0, 1, 0],
    ]);
    expectError(
      () => crossEntropy(logits, tensor([0, 3], { dtype: 'int32' })),
      /^crossEntropy:/,
      /class label 3/,
      /3 classes/,
    );
    expectError(() => crossEntropy(logits, tensor([-1, 0], { dtype: 'int32' })), /class label -1/);
    expectError(() => nllLoss(logits, tensor([7, 0], { dtype: 'int32' })), /^nllLoss:/, /class label 7/);
    expectError(
      () => multiMarginLoss(logits, tensor([0, 5], { dtype: 'int32' })),
      /^multiMarginLoss:/,
      /class label 5/,
    );
    // ignoreIndex is not a label: it is skipped, not rejected
    expect(Number.isFinite(crossEntropy(logits, tensor([-100, 1], { dtype: 'int32' })).item())).toBe(true);
  });

  it('Dropout(1.5)', () => {
    expectError(() => new Dropout(1.5), /^Dropout:/, /1\.5/);
  });

  it('a negative learning rate, for every optimizer', () => {
    const p = () => [tensor([1], { requiresGrad: true })];
    expectError(() => new SGD(p(), { lr: -0.5 }), /^SGD:/, /-0\.5/);
    expectError(() => new Adam(p(), { lr: -0.5 }), /^Adam:/, /-0\.5/);
    expectError(() => new AdamW(p(), { lr: -0.5 }), /^AdamW:/, /-0\.5/);
    expectError(() => new RMSprop(p(), { lr: -0.5 }), /^RMSprop:/, /-0\.5/);
    expectError(() => new Adagrad(p(), { lr: -0.5 }), /^Adagrad:/, /-0\.5/);
    const opt = new SGD(p(), { lr: 0.1 });
    opt.paramGroups[0]!.lr = -1;
    expectError(() => opt.step(), /^SGD:/, /-1/);
  });

  it('an empty parameter list', () => {
    expectError(() => new SGD([], { lr: 0.1 }), /^SGD:/, /empty parameter list/);
    expectError(() => new Adam(new Linear(2, 2).parameters().slice(0, 0)), /^Adam:/, /empty parameter list/);
    expectError(() => new SGD([{ params: [] }], { lr: 0.1 }), /^SGD:/, /empty parameter list/);
  });

  it('probabilities outside [0, 1] for binaryCrossEntropy', () => {
    const target = tensor([1, 0, 1]);
    expectError(
      () => binaryCrossEntropy(tensor([0.5, 1.2, 0.1]), target),
      /^binaryCrossEntropy:/,
      /1\.2/,
      /\[0, 1\]/,
    );
    expectError(() => binaryCrossEntropy(tensor([-0.25, 0.5, 0.1]), target), /-0\.25/);
  });

  it('shape mismatches and unknown reductions', () => {
    expectError(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3])), /^mseLoss:/, /\[2\]/, /\[3\]/);
    expectError(
      () => crossEntropy(tensor([[1, 2]]), tensor([0, 1], { dtype: 'int32' })),
      /^crossEntropy:/,
      /\[1\]/,
    );
    expectError(
      () => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as 'mean' }),
      /^mseLoss:/,
      /'avg'/,
    );
  });

  it('a BCE weight that would not broadcast to the input shape, or would enlarge it', () => {
    const p = tensor([
      [0.2, 0.7, 0.5],
      [0.9, 0.1, 0.4],
    ]);
    const t = tensor([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    for (const [name, loss] of [
      ['binaryCrossEntropy', binaryCrossEntropy],
      ['bceWithLogits', bceWithLogits],
    ] as const) {
      // [2,1,3] broadcasts with [2,3] but would turn a 'none' result into [2,2,3]
      for (const [bad, shown] of [
        [tensor([[[1, 2, 3]], [[4, 5, 6]]]), /\[2,1,3\]/],
        [tensor([1, 2]), /\[2\]/],
      ] as const) {
        expectError(
          () => loss(p, t, { weight: bad, reduction: 'none' }),
          new RegExp(`^${name}:`),
          shown,
          /\[2,3\]/,
        );
      }
      // a per-column [3] or per-row [2,1] weight keeps the shape and scales the terms
      const plain = loss(p, t, { reduction: 'none' });
      for (const [w, factor] of [
        [tensor([1, 2, 3]), (_r: number, c: number) => c + 1],
        [tensor([[2], [5]]), (r: number) => (r === 0 ? 2 : 5)],
      ] as const) {
        const out = loss(p, t, { weight: w, reduction: 'none' });
        expect(out.shape).toEqual([2, 3]);
        for (let i = 0; i < 6; i++) {
          const want = plain.data[i]! * factor(Math.floor(i / 3), i % 3);
          expect(Math.abs(out.data[i]! - want)).toBeLessThan(1e-5 * Math.max(1, want));
        }
      }
    }
  });
});
