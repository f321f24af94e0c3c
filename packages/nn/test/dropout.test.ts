import { Generator, manualSeed, TapegradError, tensor } from '@tapegrad/core';
import { Dropout, dropout } from '@tapegrad/nn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const N = 20_000;
const arbP = fc.double({ min: 0.05, max: 0.9, noNaN: true });
const arbValue = fc.double({ min: 0.5, max: 3, noNaN: true });
const arbSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('Dropout', () => {
  it('in training the mean output equals the input within 5 standard errors', () => {
    fc.assert(
      fc.property(arbP, arbValue, arbSeed, (p, v, seed) => {
        const x = tensor(new Float64Array(N).fill(v));
        const y = new Dropout(p, { generator: new Generator(seed) }).call(x);
        const mean = y.mean().item();
        // each output is v·B/(1−p), B ~ Bernoulli(1−p): variance v²·p/(1−p)
        const stderr = v * Math.sqrt(p / (1 - p) / N);
        expect(Math.abs(mean - v)).toBeLessThan(5 * stderr);
      }),
      { numRuns: 30 },
    );
  });

  it('drops a fraction ≈ p of the units and scales the rest by 1/(1−p)', () => {
    fc.assert(
      fc.property(arbP, arbSeed, (p, seed) => {
        const x = tensor(new Float64Array(N).fill(1));
        const y = dropout(x, p, { generator: new Generator(seed) });
        const dropped = y.eq(0).mean().item();
        expect(Math.abs(dropped - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
        const kept = Array.from(y.data).filter((u) => u !== 0);
        expect(kept.every((u) => Math.abs(u - 1 / (1 - p)) < 1e-12)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('is the identity in eval mode', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (p, values) => {
          const x = tensor(values, { dtype: 'float64' });
          const layer = new Dropout(p).eval();
          expect(layer.call(x).toArray()).toEqual(values);
        },
      ),
    );
  });

  it('passes gradients only through kept units, scaled by 1/(1−p)', () => {
    fc.assert(
      fc.property(
        arbP,
        arbSeed,
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (p, seed, values) => {
          const x = tensor(values, { dtype: 'float64', requiresGrad: true });
          const y = dropout(x, p, { generator: new Generator(seed) });
          y.mul(tensor(values, { dtype: 'float64' }))
            .sum()
            .backward();
          const g = x.grad!.data;
          Array.from(y.data).forEach((yi, i) => {
            // x > 0 everywhere, so y = 0 exactly where the unit was dropped
            const want = yi === 0 ? 0 : values[i]! / (1 - p);
            expect(Math.abs(g[i]! - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
          });
        },
      ),
      { numRuns: 50 },
    );
  });

  it('draws from the seedable stream: the same seed gives the same mask', () => {
    const x = tensor(new Float32Array(64).fill(1));
    manualSeed(7);
    const a = new Dropout(0.5).call(x).toArray();
    manualSeed(7);
    const b = new Dropout(0.5).call(x).toArray();
    const c = new Dropout(0.5).call(x).toArray();
    expect(a).toEqual(b);
    expect(c).not.toEqual(b);
  });

  it('p = 1 gives zeros; p outside [0, 1] throws naming Dropout and the value', () => {
    expect(new Dropout(1).call(tensor([1, 2, 3])).toArray()).toEqual([0, 0, 0]);
    expect(() => new Dropout(1.5)).toThrow(TapegradError);
    expect(() => new Dropout(1.5)).toThrow(/Dropout: p must be a probability in \[0, 1\], got 1\.5/);
    expect(() => dropout(tensor([1]), -0.1)).toThrow(/dropout: .*got -0\.1/);
  });
});
