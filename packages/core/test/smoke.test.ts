import { describe, expect, it } from 'vitest';
import { scalar, tensor, noGrad } from '@tapegrad/core';

describe('smoke', () => {
  it('scalar backward', () => {
    const w = scalar(0.25, { requiresGrad: true });
    const e = w.mul(0.6).add(0.5).sigmoid().sub(0.85).pow(2).mul(0.5);
    e.backward();
    expect(Number.isFinite(w.grad)).toBe(true);
  });
  it('tensor backward', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
    const y = x.matmul(x).tanh().sum();
    y.backward();
    expect(x.grad!.shape).toEqual([2, 2]);
    const z = x.add(tensor([1, 2], { dtype: 'float64' })).mul(2).sum(0).mean();
    x.grad = null;
    z.backward();
    expect(x.grad!.toArray()).toEqual([[1, 1], [1, 1]]);
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    console.log(x.toString());
  });
});
