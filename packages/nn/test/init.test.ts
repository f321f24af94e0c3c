import { Generator, tensor, zeros } from '@tapegrad/core';
import { clipGradNorm, clipGradValue, init } from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const stats = (data: ArrayLike<number>) => {
  const xs = Array.from(data);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...xs), max: Math.max(...xs) };
};

describe('init', () => {
  it('uniform fills [−1, 1) by default, [a, b) when given, in place under noGrad', () => {
    const w = zeros([200, 50], { requiresGrad: true });
    const data = w.data;
    expect(init.uniform(w, undefined, undefined, { generator: new Generator(1) })).toBe(w);
    expect(w.data).toBe(data);
    const s = stats(w.data);
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(1);
    expect(s.min).toBeLessThan(-0.99);
    init.uniform(w, 2, 3);
    expect(stats(w.data).min).toBeGreaterThanOrEqual(2);
  });

  it('normal, kaiming and xavier have the standard deviations of their formulas', () => {
    const gen = new Generator(9);
    const w = zeros([400, 100], { dtype: 'float64' });
    const n = 400 * 100;
    const tol = (std: number) => 5 * std * Math.sqrt(2 / n); // 5 standard errors of a sample std
    init.normal(w, 1, 2, { generator: gen });
    expect(Math.abs(stats(w.data).std - 2)).toBeLessThan(tol(2));
    expect(Math.abs(stats(w.data).mean - 1)).toBeLessThan((5 * 2) / Math.sqrt(n));
    init.kaimingNormal(w, { nonlinearity: 'relu', generator: gen });
    expect(Math.abs(stats(w.data).std - Math.sqrt(2 / 100))).toBeLessThan(tol(Math.sqrt(2 / 100)));
    init.kaimingNormal(w, { nonlinearity: 'relu', mode: 'fanOut', generator: gen });
    expect(Math.abs(stats(w.data).std - Math.sqrt(2 / 400))).toBeLessThan(tol(Math.sqrt(2 / 400)));
    init.xavierNormal(w, 1, { generator: gen });
    expect(Math.abs(stats(w.data).std - Math.sqrt(2 / 500))).toBeLessThan(tol(Math.sqrt(2 / 500)));
    init.xavierUniform(w, 2, { generator: gen });
    const bound = 2 * Math.sqrt(6 / 500);
    expect(stats(w.data).max).toBeLessThanOrEqual(bound);
    expect(stats(w.data).max).toBeGreaterThan(0.99 * bound);
    init.kaimingUniform(w, { a: Math.sqrt(5), generator: gen });
    expect(stats(w.data).max).toBeLessThanOrEqual(1 / Math.sqrt(100));
  });

  it('constant, zeros, ones and calculateGain', () => {
    const w = zeros([2, 3], { requiresGrad: true });
    expect(init.constant(w, 0.5).toArray()).toEqual([
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    expect(init.ones(w).toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(init.zeros(w).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('leakyRelu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(() => init.kaimingUniform(zeros([3]))).toThrow(
      /init\.kaimingUniform: .*at least 2 axes, got shape \[3\]/,
    );
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm returns the total norm and scales gradients to maxNorm', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0.1, max: 20, noNaN: true }),
        (ga, gb, maxNorm) => {
          const a = tensor(
            ga.map(() => 0),
            { dtype: 'float64', requiresGrad: true },
          );
          const b = tensor(
            gb.map(() => 0),
            { dtype: 'float64', requiresGrad: true },
          );
          a.grad = tensor(ga, { dtype: 'float64' });
          b.grad = tensor(gb, { dtype: 'float64' });
          const norm = Math.hypot(...ga, ...gb);
          expect(Math.abs(clipGradNorm([a, b], maxNorm) - norm)).toBeLessThan(1e-9 * Math.max(1, norm));
          const after = Math.hypot(...Array.from(a.grad.data), ...Array.from(b.grad.data));
          expect(after).toBeLessThanOrEqual(Math.max(maxNorm, 0) + 1e-9);
          if (norm <= maxNorm) expect(Array.from(a.grad.data)).toEqual(ga);
        },
      ),
    );
  });

  it('clipGradNorm with the infinity norm, and clipGradValue', () => {
    const p = tensor([0, 0, 0], { requiresGrad: true });
    p.grad = tensor([3, -4, 1]);
    expect(clipGradNorm([p], 2, Infinity)).toBe(4);
    expect(Math.max(...Array.from(p.grad.data).map(Math.abs))).toBeLessThanOrEqual(2);
    p.grad = tensor([3, -4, 1]);
    clipGradValue([p], 2);
    expect(p.grad.toArray()).toEqual([2, -2, 1]);
  });
});
