import {
  customGrad,
  detectAnomaly,
  grad,
  hessian,
  jvp,
  type Scalar,
  scalar,
  TapegradError,
  type Tensor,
  tensor,
  vjp,
} from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose } from './fixture.js';

const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });

/** x·y with its gradient written by hand, in tapegrad ops so that it differentiates again. */
const product = customGrad<Tensor>({
  name: 'product',
  forward: (x, y) => x.mul(y),
  backward: (g, [x, y]) => [g.mul(y!), g.mul(x!)],
});

/** softsign x/(1+|x|) on Scalars: d = 1/(1+|x|)², d² = −2 sign(x)/(1+|x|)³. */
const softsign = customGrad<Scalar>({
  name: 'softsign',
  forward: (x) => x.div(x.abs().add(1)),
  backward: (g, [x]) => [g.div(x!.abs().add(1).pow(2))],
});

describe('customGrad', () => {
  it('defines a tensor op whose gradient is the rule given, broadcasting included', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const y = tensor([10, 20], { dtype: 'float64', requiresGrad: true });
    const out = product(x, y);
    expect(out.op).toBe('product');
    expect(out.toArray()).toEqual([
      [10, 40],
      [30, 80],
    ]);
    out.sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [10, 20],
      [10, 20],
    ]);
    expect(y.grad!.toArray()).toEqual([4, 6]); // summed back over the broadcast axis
  });

  it('uses the rule it is given, not the forward ops', () => {
    const triple = customGrad<Tensor>({
      name: 'wrongSquare',
      forward: (x) => x.mul(x),
      backward: (g) => [g.mul(3)],
    });
    expect(grad((x: Tensor) => triple(x).sum())(f64([5, 6])).toArray()).toEqual([3, 3]);
  });

  it('composes with higher-order transforms when the rule uses tapegrad ops', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (a, b) => {
          // f(x) = Σ product(x, x)·x = Σ x³: hessian diag(6x)
          const H = hessian((x: Tensor) => product(product(x, x), x).sum())(f64([a, b]));
          expectClose(H.data, [6 * a, 0, 0, 6 * b], 1e-12, 'H');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('composes with jvp and vjp (the rule is differentiated with respect to its cotangent)', () => {
    const x = f64([0.5, -2]);
    const y = f64([3, 4]);
    const [out, tangent] = jvp((a: Tensor, b: Tensor) => product(a, b), [x, y], [f64([1, 0]), f64([0, 1])]);
    expect(out.toArray()).toEqual([1.5, -8]);
    expect(tangent.toArray()).toEqual([3, -2]); // b·da + a·db
    const [, back] = vjp((a: Tensor) => product(a, y), x);
    expect(back(f64([1, 10]))[0].toArray()).toEqual([3, 40]);
  });

  it('works on Scalars, second derivative included', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 4, noNaN: true }), fc.boolean(), (m, negative) => {
        const x = negative ? -m : m;
        const d1 = grad((s: Scalar) => softsign(s));
        const d2 = grad((s: Scalar) => d1(s));
        expectClose([softsign(scalar(x)).value], [x / (1 + m)], 1e-15, 'f');
        expectClose([d1(scalar(x)).value], [1 / (1 + m) ** 2], 1e-14, 'f′');
        expectClose([d2(scalar(x)).value], [(-2 * Math.sign(x)) / (1 + m) ** 3], 1e-13, 'f″');
      }),
      { numRuns: 50 },
    );
    const x = scalar(1, { requiresGrad: true });
    softsign(x).mul(2).backward();
    expect(x.grad).toBe(0.5);
  });

  it('does not record when no input requires grad', () => {
    const out = product(f64([1]), f64([2]));
    expect(out.requiresGrad).toBe(false);
    expect(softsign(scalar(1)).requiresGrad).toBe(false);
  });

  it('keeps an input intact when the forward returns it unchanged', () => {
    const passThrough = customGrad<Tensor>({
      name: 'passThrough',
      forward: (x) => x,
      backward: (g) => [g.mul(2)],
    });
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const y = passThrough(x);
    expect(y).not.toBe(x);
    expect(x.isLeaf).toBe(true);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  it('names the op when the rule returns the wrong number, kind or shape of gradients', () => {
    const x = () => tensor([1, 2], { requiresGrad: true });
    const tooFew = customGrad<Tensor>({ name: 'tooFew', forward: (a, b) => a.add(b), backward: (g) => [g] });
    expect(() => tooFew(x(), x()).sum().backward()).toThrow(
      /tooFew: backward must return an array with one gradient \(or null\) per input, 2 in all; got 1 entries/,
    );
    const wrongShape = customGrad<Tensor>({
      name: 'wrongShape',
      forward: (a) => a.mul(1),
      backward: () => [tensor([1, 2, 3])],
    });
    expect(() => wrongShape(x()).sum().backward()).toThrow(
      /wrongShape: .*shape \[3\] for input 0 of shape \[2\]/,
    );
    const wrongKind = customGrad<Scalar>({
      name: 'wrongKind',
      forward: (a) => a.mul(1),
      backward: () => [3 as unknown as Scalar],
    });
    expect(() => wrongKind(scalar(1, { requiresGrad: true })).backward()).toThrow(
      /wrongKind: backward returned number as the gradient of input 0; expected a Scalar or null/,
    );
    const notTensor = customGrad<Tensor>({
      name: 'notTensor',
      forward: () => 1 as unknown as Tensor,
      backward: (g) => [g],
    });
    expect(() => notTensor(x())).toThrow(/notTensor: forward must return a Tensor, got number/);
    expect(() => customGrad({ name: '', forward: (a: Tensor) => a, backward: (g) => [g] })).toThrow(
      TapegradError,
    );
    expect(() => product(x(), scalar(1) as unknown as Tensor)).toThrow(/product: input 1 is Scalar/);
  });

  it('reports a non-finite forward under detectAnomaly by the custom name', () => {
    const badLog = customGrad<Tensor>({
      name: 'badLog',
      forward: (a) => a.log(),
      backward: (g, [a]) => [g.div(a!)],
    });
    expect(() => detectAnomaly(() => badLog(tensor([-1], { requiresGrad: true })))).toThrow(
      /^badLog: the forward of 'badLog' failed: log: produced NaN/,
    );
    const badSoftsign = customGrad<Scalar>({ name: 'badS', forward: (a) => a.log(), backward: (g) => [g] });
    expect(() => detectAnomaly(() => badSoftsign(scalar(-1)))).toThrow(
      /^badS: the forward of 'badS' failed: log: produced NaN/,
    );
  });
});
