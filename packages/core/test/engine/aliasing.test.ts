import { customGrad, noGrad, randn, TapegradError, type Tensor, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

describe('buffers and gradients are never shared behind the user’s back', () => {
  it('a gradient a custom backward rule keeps is not recycled by later steps', () => {
    const kept: Tensor[] = [];
    const tap = customGrad<Tensor>({
      name: 'tap',
      forward: (x) => x.mul(1),
      backward: (g) => {
        kept.push(g);
        return [g];
      },
    });
    const x = randn([4096], { dtype: 'float64', requiresGrad: true });
    tap(x).mul(3).sum().backward();
    const snapshot = Array.from(kept[0]!.data);
    for (let i = 0; i < 3; i++) {
      const y = randn([4096], { dtype: 'float64', requiresGrad: true });
      y.mul(y).mul(7).sum().backward(); // same sizes: would reuse any recycled buffer
    }
    expect(Array.from(kept[0]!.data)).toEqual(snapshot);
  });

  it('gradients stored in .grad survive later backward passes of the same sizes', () => {
    const w = randn([64, 64], { dtype: 'float64', requiresGrad: true });
    w.matmul(w).tanh().sum().backward();
    const first = Array.from(w.grad!.data);
    const v = randn([64, 64], { dtype: 'float64', requiresGrad: true });
    for (let i = 0; i < 3; i++) {
      v.grad = null;
      v.matmul(v).sigmoid().sum().backward();
    }
    expect(Array.from(w.grad!.data)).toEqual(first);
  });

  it('two leaves never share one .grad object, and a leaf does not alias the seed it was given', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    const q = tensor([3, 4], { requiresGrad: true });
    p.add(q).sum().backward();
    expect(p.grad).not.toBe(q.grad);
    noGrad(() => p.grad!.mul_(10));
    expect(q.grad!.toArray()).toEqual([1, 1]);

    const leaf = tensor([1, 2], { requiresGrad: true });
    const seed = tensor([5, 6]);
    leaf.backward(seed);
    expect(leaf.grad).not.toBe(seed);
    noGrad(() => leaf.grad!.zero_());
    expect(seed.toArray()).toEqual([5, 6]);
  });
});

describe('in-place updates of saved tensors are caught', () => {
  it('modifying an output that the backward needs (exp saves its output) throws, naming the op', () => {
    const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
    const y = x.exp();
    noGrad(() => y.mul_(10));
    expect(() => y.sum().backward()).toThrow(TapegradError);
    expect(() => x.exp().sum().backward()).not.toThrow();
  });

  it('an update through a detach()ed view bumps the version of the tensor it views', () => {
    const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const e = a.exp();
    e.detach().mul_(0);
    expect(() => e.sum().backward()).toThrow(/exp.*modified in place/s);
  });
});

describe('in-place operands must fit the target', () => {
  it('rejects an operand whose rank exceeds the target’s, and float data into an int32 target', () => {
    const t = tensor([1, 2, 3]);
    expect(() => t.add_(tensor([[[1]]]))).toThrow(/add_/);
    expect(() => t.add_(tensor([1, 2]))).toThrow(/cannot broadcast shape \[2\]/);
    expect(t.add_(tensor([1])).toArray()).toEqual([2, 3, 4]);
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => i.add_(0.5)).toThrow(/int32/);
    expect(i.add_(2).toArray()).toEqual([3, 4]);
  });

  it('sqrt_ takes the root in place, bumps the version, and refuses a tensor that requires grad while recording', () => {
    const t = tensor([4, 9], { dtype: 'float64' });
    const before = t.version;
    expect(t.sqrt_().toArray()).toEqual([2, 3]);
    expect(t.version).toBe(before + 1);
    const p = tensor([4], { requiresGrad: true });
    expect(() => p.sqrt_()).toThrow(/sqrt_.*noGrad/s);
    expect(noGrad(() => p.sqrt_()).toArray()).toEqual([2]);
  });
});
