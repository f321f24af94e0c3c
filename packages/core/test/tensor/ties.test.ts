/**
 * Behaviour at ties and kinks, as PyTorch 1.13 does it (fixtures/torch/README.md, "Behaviour at
 * ties and kinks"). The expected gradients are the README's rules applied by hand.
 */
import { fromTypedArray, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const leaf = (values: number[], shape = [values.length]) =>
  fromTypedArray(Float64Array.from(values), shape, { requiresGrad: true });

/** The gradient of Σ f(x) at `values`. */
function gradOf(values: number[], f: (x: Tensor) => Tensor, shape = [values.length]): number[] {
  const x = leaf(values, shape);
  f(x).sum().backward();
  return Array.from(x.grad!.data);
}

describe('ties', () => {
  it('max/min over all or several axes share the gradient evenly among tied elements', () => {
    expect(gradOf([1, 3, 3, 2], (x) => x.max())).toEqual([0, 0.5, 0.5, 0]);
    expect(gradOf([1, 3, 1, 2], (x) => x.min())).toEqual([0.5, 0, 0.5, 0]);
    expect(gradOf([5, 1, 5, 5, 0, 2], (x) => x.max([0, 1]), [2, 3])).toEqual([1 / 3, 0, 1 / 3, 1 / 3, 0, 0]);
  });

  it('max/min along one int axis send the whole gradient to the first index, as argmax', () => {
    expect(gradOf([2, 7, 7, 1, 4, 4], (x) => x.max(1), [2, 3])).toEqual([0, 1, 0, 0, 1, 0]);
    expect(gradOf([2, 7, 7, 1, 4, 4], (x) => x.max(-1, true), [2, 3])).toEqual([0, 1, 0, 0, 1, 0]);
    expect(gradOf([3, 1, 1, 3], (x) => x.min(0), [2, 2])).toEqual([0, 1, 1, 0]);
    expect(gradOf([1, 1, 0, 5], (x) => x.min(0), [2, 2])).toEqual([0, 1, 1, 0]);
    const x = leaf([2, 7, 7, 1, 4, 4], [2, 3]);
    expect(Array.from(x.argmax(1).data)).toEqual([1, 1]);
  });

  it('maximum/minimum with a == b give half to each', () => {
    const a = leaf([1, 2]);
    const b = leaf([1, 3]);
    a.maximum(b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0.5, 0]);
    expect(Array.from(b.grad!.data)).toEqual([0.5, 1]);
    const c = leaf([4]);
    const d = leaf([4]);
    c.minimum(d).sum().backward();
    expect([c.grad!.item(), d.grad!.item()]).toEqual([0.5, 0.5]);
  });

  it('maxPool2d sends a tied window to the first element in scan order', () => {
    expect(gradOf([1, 1, 1, 1], (x) => x.maxPool2d({ kernelSize: 2 }), [1, 1, 2, 2])).toEqual([1, 0, 0, 0]);
    expect(gradOf([0, 2, 2, 0], (x) => x.maxPool2d({ kernelSize: 2 }), [1, 1, 2, 2])).toEqual([0, 1, 0, 0]);
  });
});

describe('kinks', () => {
  it('relu′(0) = 0, abs′(0) = 0, leakyRelu′(0) = slope, elu′(0) = alpha', () => {
    expect(gradOf([0], (x) => x.relu())).toEqual([0]);
    expect(gradOf([0], (x) => x.abs())).toEqual([0]);
    expect(gradOf([0], (x) => x.leakyRelu(0.2))).toEqual([0.2]);
    expect(gradOf([0], (x) => x.elu(0.5))).toEqual([0.5]);
  });

  it('clamp bounds are inclusive: gradient 1 at exactly min or max', () => {
    expect(gradOf([-1, 1, 2, -2], (x) => x.clamp(-1, 1))).toEqual([1, 1, 0, 0]);
  });

  it('sqrt′(0) = +inf', () => {
    expect(gradOf([0], (x) => x.sqrt())).toEqual([Infinity]);
  });

  it('prod with exactly one zero: the product of the others there, 0 elsewhere; two zeros: all 0', () => {
    expect(gradOf([2, 0, 3], (x) => x.prod())).toEqual([0, 6, 0]);
    expect(gradOf([2, 0, 0], (x) => x.prod())).toEqual([0, 0, 0]);
    expect(gradOf([2, 0, 3, 4], (x) => x.prod(1), [2, 2])).toEqual([0, 2, 4, 3]);
  });

  it('unbiased var/std of a single element is NaN', () => {
    expect(Number.isNaN(leaf([3]).var().item())).toBe(true);
    expect(Number.isNaN(leaf([3]).std().item())).toBe(true);
    expect(leaf([3]).var(undefined, false, { unbiased: false }).item()).toBe(0);
  });

  it('pow at a zero base: d/dbase = 0 where the exponent is 0, d/dexponent = 0 where e ≥ 0 (no NaN)', () => {
    const x = leaf([0, 2, 0, 0]);
    const e = leaf([2, 3, 0, 1]);
    x.pow(e).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 12, 0, 1]);
    expect(Array.from(e.grad!.data)).toEqual([0, 8 * Math.log(2), 0, 0]);
    expect(gradOf([0, 0], (b) => b.pow(0))).toEqual([0, 0]);
  });

  it('softplus switches to x above the threshold, gradient exactly 1 there', () => {
    const x = leaf([25, -25]);
    const y = x.softplus();
    expect(y.data[0]).toBe(25);
    expect(y.data[1]).toBeGreaterThan(0);
    y.sum().backward();
    expect(x.grad!.data[0]).toBe(1);
  });
});
