import { enableGrad, noGrad, type Scalar, scalar, TapegradError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const leaf = (v: number) => scalar(v, { requiresGrad: true });

describe('Scalar tape semantics', () => {
  it('gradients accumulate across backward() calls until zeroGrad()', () => {
    const x = leaf(3);
    x.mul(x).backward(); // 2x = 6
    expect(x.grad).toBe(6);
    x.mul(4).backward();
    expect(x.grad).toBe(10);
    x.zeroGrad();
    expect(x.grad).toBe(0);
    x.sin().backward();
    expect(x.grad).toBe(Math.cos(3));
  });

  it('a second backward over a released graph throws TapegradError, naming the fix', () => {
    const x = leaf(2);
    const y = x.mul(x).exp();
    y.backward();
    let err: unknown;
    try {
      y.backward();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TapegradError);
    expect((err as TapegradError).op).toBe('backward');
    expect((err as Error).message).toMatch(/second time.*retainGraph: true/);
    expect(x.grad).toBe(4 * Math.exp(4)); // the failed call added nothing
  });

  it('also when only part of the graph was released', () => {
    const x = leaf(2);
    const h = x.mul(3);
    h.add(1).backward(); // releases h's closure
    expect(() => h.mul(2).backward()).toThrow(TapegradError);
  });

  it('retainGraph: true allows another backward over the same graph', () => {
    const x = leaf(2);
    const y = x.pow(3);
    y.backward({ retainGraph: true });
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad).toBe(3 * 12);
  });

  it('noGrad results do not require grad, and backward on them is a clear error', () => {
    const x = leaf(1);
    const y = noGrad(() => x.mul(2).add(x));
    expect(y.requiresGrad).toBe(false);
    expect(y.value).toBe(3);
    expect(() => y.backward()).toThrow(/backward: .*does not require grad/);
    expect(enableGrad(() => noGrad(() => enableGrad(() => x.mul(2)))).requiresGrad).toBe(true);
    expect(x.mul(2).requiresGrad).toBe(true); // the mode is restored
  });

  it('noGrad restores recording even when its function throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(leaf(1).mul(2).requiresGrad).toBe(true);
  });

  it('detach cuts the graph', () => {
    const x = leaf(3);
    const y = x.mul(x.detach()); // d/dx (x · const) = const
    y.backward();
    expect(x.grad).toBe(3);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.value).toBe(3);
    expect(d.mul(2).requiresGrad).toBe(false);
  });

  it('a node used several times receives the sum of its contributions', () => {
    const x = leaf(0.5);
    const h = x.add(1); // shared: used three times
    const y = h.mul(h).add(h.sin());
    y.backward();
    expect(x.grad).toBeCloseTo(2 * 1.5 + Math.cos(1.5), 15);
  });

  it('binary ops accept numbers, on either side of the gradient', () => {
    const x = leaf(2);
    const y = x.add(1).sub(0.5).mul(3).div(2).pow(2).maximum(0).minimum(100);
    y.backward();
    // y = (1.5 (x + 0.5))² ⇒ dy/dx = 2·1.5²·(x + 0.5)
    expect(x.grad).toBeCloseTo(2 * 2.25 * 2.5, 12);
  });

  it('retainGrad keeps an intermediate gradient; others stay 0', () => {
    const x = leaf(2);
    const h = x.mul(3).retainGrad();
    const k = h.add(1);
    k.mul(k).backward();
    expect(h.grad).toBe(2 * 7);
    expect(k.grad).toBe(0);
    expect(x.grad).toBe(2 * 7 * 3);
  });

  it('leaves that do not require grad receive nothing; requiresGrad_ only on leaves', () => {
    const a = scalar(2);
    const b = leaf(5);
    a.mul(b).backward();
    expect(a.grad).toBe(0);
    expect(b.grad).toBe(2);
    expect(() => a.mul(b).requiresGrad_(false)).toThrow(/requiresGrad_: only leaves/);
    expect(a.requiresGrad_().requiresGrad).toBe(true);
  });

  it('createGraph records the backward pass (gradients of an op built from gradients)', () => {
    const x = leaf(1.3);
    const y: Scalar = x.mul(x).mul(x);
    y.backward({ createGraph: true });
    expect(x.grad).toBeCloseTo(3 * 1.3 ** 2, 14);
    y.backward(); // the graph was retained by createGraph
    expect(x.grad).toBeCloseTo(6 * 1.3 ** 2, 14);
  });
});
