/**
 * Behaviour of the sorting ops beyond gradients (stability, NaN, indices against a reference
 * sort), einsum against explicit loops, gradient hooks on tensors, and the errors of the new ops.
 */
import { einsum, grad, TapegradError, type Tensor, tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomTensor, rngFrom } from './helpers.js';

const flat = (t: Tensor) => Array.from(t.data);

describe('sort, argsort, topk', () => {
  it('are stable and agree with a reference sort of (value, position) pairs, ties included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (values, descending) => {
          const x = tensor(values, { dtype: 'float64' });
          const want = values
            .map((v, i) => [v, i] as const)
            .sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1]);
          const { values: v, indices } = x.sort(0, descending);
          expect(flat(indices)).toEqual(want.map(([, i]) => i));
          expect(flat(v)).toEqual(want.map(([w]) => w));
          expect(flat(x.argsort(0, descending))).toEqual(want.map(([, i]) => i));
          const k = Math.ceil(values.length / 2);
          expect(flat(x.topk(k, 0, !descending).indices)).toEqual(
            values
              .map((w, i) => [w, i] as const)
              .sort((a, b) => (descending ? a[0] - b[0] : b[0] - a[0]) || a[1] - b[1])
              .slice(0, k)
              .map(([, i]) => i),
          );
        },
      ),
    );
  });

  it('sort NaN as the largest value, as PyTorch', () => {
    const x = tensor([2, Number.NaN, -1, 5]);
    expect(flat(x.argsort())).toEqual([2, 0, 3, 1]);
    expect(flat(x.argsort(-1, true))).toEqual([1, 3, 0, 2]);
  });

  it('sort a 0-d tensor and int32 tensors', () => {
    const s = tensor(4).sort();
    expect(s.values.shape).toEqual([]);
    expect(s.indices.item()).toBe(0);
    const i = tensor([3, 1, 2], { dtype: 'int32' }).sort();
    expect(i.values.dtype).toBe('int32');
    expect(flat(i.values)).toEqual([1, 2, 3]);
  });

  it('send each value gradient back to its position', () => {
    const x = tensor([[0.5, -1, 3]], { requiresGrad: true });
    x.topk(2, 1)
      .values.mul(tensor([[10, 20]]))
      .sum()
      .backward();
    expect(flat(x.grad!)).toEqual([20, 0, 10]);
  });

  it('reject k out of range, naming the op', () => {
    expect(() => tensor([1, 2]).topk(3)).toThrow(/topk: k = 3 is out of range for axis -1 of size 2/);
    expect(() => tensor([1, 2]).sort(1)).toThrow(TapegradError);
  });
});

describe('cumsum and cumprod', () => {
  it('cumprod gradients are exact with zeros: each is the product of the other elements up to i', () => {
    const values = [2, 0, 3, 0.5, 0];
    const x = tensor(values, { dtype: 'float64', requiresGrad: true });
    const g = [1, -2, 0.5, 3, 4];
    x.cumprod(0).backward(tensor(g, { dtype: 'float64' }));
    const want = values.map((_, k) =>
      g.reduce(
        (s, gi, i) =>
          i < k ? s : s + gi * values.slice(0, i + 1).reduce((p, v, j) => (j === k ? p : p * v), 1),
        0,
      ),
    );
    expect(flat(x.grad!)).toEqual(want);
  });

  it('cumsum of int32 stays int32', () => {
    expect(flat(tensor([1, 2, 3], { dtype: 'int32' }).cumsum(0))).toEqual([1, 3, 6]);
  });
});

describe('unbind', () => {
  it('gives the slices along the axis, like select', () => {
    const x = randomTensor(rngFrom(3), [3, 11, 2]);
    const parts = x.unbind(1);
    expect(parts).toHaveLength(11);
    parts.forEach((p, i) => expect(flat(p)).toEqual(flat(x.select(1, i))));
    expect(() => tensor(1).unbind()).toThrow(/unbind: cannot unbind a 0-d tensor/);
  });
});

describe('einsum', () => {
  it('matches explicit loops for a batched contraction with a trace-like diagonal', () => {
    const rng = rngFrom(7);
    const a = randomTensor(rng, [2, 3, 3]);
    const b = randomTensor(rng, [3, 4]);
    const out = einsum('bii,ij->bj', a, b);
    for (let bb = 0; bb < 2; bb++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let i = 0; i < 3; i++) s += a.data[bb * 9 + i * 4]! * b.data[i * 4 + j]!;
        expect(out.data[bb * 4 + j]).toBeCloseTo(s, 12);
      }
    }
  });

  it('rejects bad equations with the reason', () => {
    const m = tensor([[1, 2]]);
    expect(() => einsum('ij,jk', m)).toThrow(/einsum: 'ij,jk' has 2 operand subscripts but 1 tensors/);
    expect(() => einsum('ijk', m)).toThrow(/operand 0 has 2 axes but subscripts 'ijk'/);
    expect(() => einsum('ij->ii', m)).toThrow(/output subscript 'i' appears twice/);
    expect(() => einsum('ij->k', m)).toThrow(/output subscript 'k' .* does not appear/);
    expect(() => einsum('i1', m)).toThrow(/invalid subscript '1'/);
    expect(() => einsum('ij,ij', m, tensor([[1, 2, 3]]))).toThrow(/subscript 'j' has sizes 2 and 3/);
    expect(() => einsum('ii', m)).toThrow(/repeated subscript 'i' spans axes of sizes 1, 2/);
  });
});

describe('t, T, conv1d and convTranspose2d errors', () => {
  it('name the op and the shapes', () => {
    expect(() => tensor([[[1]]]).t()).toThrow(/t: expects a tensor with at most 2 axes, got shape \[1,1,1\]/);
    const x = tensor([[[1, 2, 3]]]);
    expect(() => x.conv1d(tensor([[[1], [2]]]))).toThrow(/conv1d: input has 1 channels .* weight expects 2/);
    expect(() => x.conv1d(tensor([[[1, 2, 3, 4]]]))).toThrow(/conv1d: kernel 4 with padding 0 does not fit/);
    const img = tensor([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const w = tensor([[[[1]]]]);
    expect(() => img.convTranspose2d(w, { stride: 2, outputPadding: 2 })).toThrow(
      /convTranspose2d: outputPadding \[2,2\] must be smaller than the stride \[2,2\]/,
    );
    expect(() => img.convTranspose2d(tensor([[[[1]]], [[[1]]]]))).toThrow(/input has 1 channels/);
  });
});

describe('gradient hooks on tensors (registerHook)', () => {
  it('a leaf hook sees the summed gradient and may replace it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(flat(g));
      return g.mul(2);
    });
    x.mul(3).add(x).sum().backward();
    expect(seen).toEqual([[4, 4]]);
    expect(flat(x.grad!)).toEqual([8, 8]);
  });

  it('a hook on an intermediate changes what flows to its inputs, and the retained gradient', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).retainGrad();
    y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(flat(y.grad!)).toEqual([10, 10]);
    expect(flat(x.grad!)).toEqual([20, 40]);
  });

  it('hooks chain in registration order; remove() unregisters one; returning nothing keeps the gradient', () => {
    const x = tensor([1], { requiresGrad: true });
    const order: string[] = [];
    x.registerHook((g) => {
      order.push('a');
      return g.add(1);
    });
    const h = x.registerHook((g) => {
      order.push('b');
      return g.mul(3);
    });
    x.registerHook(() => {
      order.push('c');
    });
    x.sum().backward();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(x.grad!.item()).toBe(6);
    h.remove();
    x.zeroGrad();
    x.sum().backward();
    expect(x.grad!.item()).toBe(2);
  });

  it('run in functional transforms and record under createGraph', () => {
    const f = (x: Tensor) => {
      const y = x.pow(3);
      y.registerHook((g) => g.mul(y.detach().add(1)));
      return y.sum();
    };
    // d/dx of Σ x³ with the upstream scaled by (x³ + 1): 3x²(x³ + 1)
    expect(grad(f)(tensor([2], { dtype: 'float64' })).item()).toBe(12 * 9);
  });

  it('reject tensors without grad and replacements of the wrong shape', () => {
    expect(() => tensor([1]).registerHook((g) => g)).toThrow(/registerHook: cannot register a hook/);
    const x = tensor([1, 2], { requiresGrad: true });
    x.registerHook(() => tensor([1]));
    expect(() => x.sum().backward()).toThrow(
      /registerHook: a hook returned a gradient of shape \[1\] for a tensor of shape \[2\]/,
    );
  });
});
