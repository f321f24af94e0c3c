import {
  grad,
  hessian,
  hvp,
  jacobian,
  jvp,
  noGrad,
  Scalar,
  scalar,
  stack,
  TapegradError,
  type Tensor,
  tensor,
  valueAndGrad,
  vjp,
} from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose } from './fixture.js';

const f64 = (v: number[] | number[][] | number) => tensor(v, { dtype: 'float64' });
const num = fc.double({ min: -2, max: 2, noNaN: true });
const vec3 = fc.tuple(num, num, num);

/** An R³ → R² function and its Jacobian, written out by hand. */
const g = (x: Tensor): Tensor => {
  const [a, b, c] = [x.select(0, 0), x.select(0, 1), x.select(0, 2)];
  return stack([a.mul(b).mul(c), a.sin().add(b.pow(2)).add(c.exp())]);
};
const gJacobian = ([a, b, c]: number[]): number[] => [
  b! * c!,
  a! * c!,
  a! * b!,
  Math.cos(a!),
  2 * b!,
  Math.exp(c!),
];
const gPlain = ([a, b, c]: number[]): number[] => [a! * b! * c!, Math.sin(a!) + b! ** 2 + Math.exp(c!)];

describe('jacobian', () => {
  it('of an R³→R² function matches its analytic form', () => {
    fc.assert(
      fc.property(vec3, (x) => {
        const J = jacobian(g)(f64(x));
        expect(J.shape).toEqual([2, 3]);
        expectClose(J.data, gJacobian(x), 1e-12, 'J');
      }),
      { numRuns: 50 },
    );
  });

  it('gives [...out.shape, ...x.shape] blocks and a tuple with argnums', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const w = f64([0.5, -1]);
    const [Jx, Jw] = jacobian((a: Tensor, b: Tensor) => a.mul(b), { argnums: [0, 1] })(x, w);
    expect(Jx.shape).toEqual([2, 2, 2, 2]);
    expect(Jw.shape).toEqual([2, 2, 2]);
    // d(a_ij b_j)/d a_kl = b_j [i=k][j=l]; d/d b_l = a_ij [j=l]
    const wantX: number[] = [];
    const wantW: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        for (let k = 0; k < 2; k++)
          for (let l = 0; l < 2; l++) wantX.push(i === k && j === l ? [0.5, -1][j]! : 0);
        for (let l = 0; l < 2; l++) wantW.push(j === l ? [1, 2, 3, 4][i * 2 + j]! : 0);
      }
    expectClose(Jx.data, wantX, 0, 'Jx');
    expectClose(Jw.data, wantW, 0, 'Jw');
  });

  it('of grad(f) is the hessian', () => {
    const f = (x: Tensor) => x.sin().mul(x.pow(2)).sum().mul(x.prod());
    const x = f64([0.3, -0.7, 1.1]);
    const H1 = jacobian(grad(f))(x);
    const H2 = hessian(f)(x);
    expect(H1.shape).toEqual([3, 3]);
    expectClose(H1.data, H2.data, 1e-14, 'H');
    // symmetric, as a Hessian must be
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(H1.data[i * 3 + j]).toBeCloseTo(H1.data[j * 3 + i]!, 12);
  });

  it('of a Scalar function of a Scalar is the derivative', () => {
    const d = jacobian((s: Scalar) => s.mul(s).mul(s))(scalar(2));
    expect(d).toBeInstanceOf(Scalar);
    expect(d.value).toBe(12);
  });

  it('rejects a Scalar argument with a tensor output, naming the argument and shape', () => {
    expect(() => jacobian((s: Scalar) => f64([1, 2]).mul(s.value))(scalar(1))).toThrow(
      /jacobian: argument 0 .*\[2\]/,
    );
  });
});

describe('jvp and vjp', () => {
  it('jvp matches central finite differences', () => {
    fc.assert(
      fc.property(vec3, vec3, (x, t) => {
        const [out, tangent] = jvp(g, [f64(x)], [f64(t)]);
        expectClose(out.data, gPlain(x), 1e-14, 'out');
        const h = 1e-5;
        const plus = gPlain(x.map((xi, i) => xi + h * t[i]!));
        const minus = gPlain(x.map((xi, i) => xi - h * t[i]!));
        const fd = plus.map((p, i) => (p - minus[i]!) / (2 * h));
        expectClose(tangent.data, fd, 1e-6, 'jvp');
      }),
      { numRuns: 50 },
    );
  });

  it('jvp is J·t with several primals, Scalars included', () => {
    const [y, dy] = jvp((a: Scalar, b: Scalar) => a.mul(b).add(a.sin()), [scalar(0.5), scalar(2)], [1, 3]);
    expect(y.value).toBeCloseTo(1 + Math.sin(0.5), 14);
    // (b + cos a)·1 + a·3
    expect(dy.value).toBeCloseTo(2 + Math.cos(0.5) + 1.5, 14);
  });

  it('vjp returns Jᵀ·u and may be called repeatedly', () => {
    const x = [0.4, -1.2, 0.9];
    const [out, back] = vjp(g, f64(x));
    expectClose(out.data, gPlain(x), 1e-14, 'out');
    const J = gJacobian(x);
    for (const u of [
      [1, 0],
      [0, 1],
      [2, -3],
    ]) {
      const [dx] = back(f64(u));
      expectClose(
        dx.data,
        [0, 1, 2].map((j) => u[0]! * J[j]! + u[1]! * J[3 + j]!),
        1e-14,
        `vjp ${u}`,
      );
    }
    expect(() => back(f64([1, 2, 3]))).toThrow(/vjp: cotangent has shape \[3\] but must have shape \[2\]/);
  });
});

describe('grad', () => {
  it('grad(grad(f)) matches the analytic second derivative (and a third)', () => {
    // f = x³ sin x
    const f = (x: Scalar) => x.pow(3).mul(x.sin());
    const d2 = (x: number) => 6 * x * Math.sin(x) + 6 * x * x * Math.cos(x) - x ** 3 * Math.sin(x);
    const d3 = (x: number) =>
      6 * Math.sin(x) + 18 * x * Math.cos(x) - 9 * x * x * Math.sin(x) - x ** 3 * Math.cos(x);
    const ddf = grad(grad(f));
    const dddf = grad(ddf);
    fc.assert(
      fc.property(num, (x) => {
        expectClose([ddf(scalar(x)).value], [d2(x)], 1e-12, 'f″');
        expectClose([dddf(scalar(x)).value], [d3(x)], 1e-12, 'f‴');
      }),
      { numRuns: 50 },
    );
  });

  it('grad(grad(f)) works for single-element tensors', () => {
    const f = (x: Tensor) => x.pow(4).sum();
    const x = f64([1.5]);
    const d2 = grad(grad(f))(x);
    expect(d2.shape).toEqual([1]);
    expectClose(d2.data, [12 * 1.5 ** 2], 1e-14, 'f″');
  });

  it('returns gradients shaped like the inputs, a tuple with argnums, whether or not they require grad', () => {
    const f = (a: Tensor, b: Tensor, c: number) => a.matmul(b).sum().mul(c);
    const a = f64([[1, 2, 3]]);
    const b = tensor([[1], [2], [3]], { dtype: 'float64', requiresGrad: true });
    const [ga, gb] = grad(f, { argnums: [0, 1] })(a, b, 2);
    expect(ga.shape).toEqual([1, 3]);
    expect(ga.toArray()).toEqual([[2, 4, 6]]);
    expect(gb.toArray()).toEqual([[2], [4], [6]]);
    expect(grad(f, { argnums: 1 })(a, b, 2).toArray()).toEqual([[2], [4], [6]]);
    expect(a.requiresGrad).toBe(false);
  });

  it('gives zeros for an input the output does not depend on', () => {
    const [ga, gb] = grad((x: Tensor, _y: Tensor) => x.sum(), { argnums: [0, 1] })(f64([1, 2]), f64([[5]]));
    expect(ga.toArray()).toEqual([1, 1]);
    expect(gb.toArray()).toEqual([[0]]);
    expect(grad((_x: Scalar) => scalar(3))(scalar(1)).value).toBe(0);
  });

  it('valueAndGrad returns both from one evaluation', () => {
    let calls = 0;
    const [v, dx] = valueAndGrad((x: Scalar) => {
      calls++;
      return x.exp();
    })(scalar(1));
    expect(calls).toBe(1);
    expect(v.value).toBe(Math.E);
    expect(dx.value).toBe(Math.E);
    expect(v.requiresGrad).toBe(false);
  });

  it('works inside noGrad and then returns plain values', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const dx = noGrad(() => grad((a: Tensor) => a.pow(2).sum())(x));
    expect(dx.toArray()).toEqual([2, 4]);
    expect(dx.requiresGrad).toBe(false);
  });

  it('is differentiable through when its input is traced (gradient penalty)', () => {
    // p(x, w) = Σ (d/dx Σ (w x)²)² = Σ (2 w² x)² ; dp/dw = 16 w³ Σ x², dp/dx = 8 w⁴ x
    const x = tensor([1, -2], { dtype: 'float64', requiresGrad: true });
    const w = scalarTensor(0.5);
    const gx = grad((a: Tensor) => a.mul(w).pow(2).sum())(x);
    expect(gx.requiresGrad).toBe(true);
    gx.pow(2).sum().backward();
    expectClose(w.grad!.data, [16 * 0.5 ** 3 * 5], 1e-14, 'dp/dw');
    expectClose(x.grad!.data, [8 * 0.5 ** 4, -16 * 0.5 ** 4], 1e-14, 'dp/dx');
  });

  it('leaves graphs it does not differentiate through intact', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const h = w.mul(w); // a user graph the function closes over
    const dx = noGrad(() => grad((x: Tensor) => x.mul(h).sum())(f64([3, 4])));
    expect(dx.toArray()).toEqual([1, 4]);
    const x = f64([1, 1]);
    grad((a: Tensor) => a.mul(h).sum())(x); // records through h, without releasing it
    h.sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 4]);
  });

  it('runs no backward closure off the paths to its inputs', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const a = w.mul(1);
    const h = a.mul(a);
    noGrad(() => a.add_(1)); // h's backward would now refuse to run
    expect(() => h.sum().backward({ retainGraph: true })).toThrow(/modified in place/);
    expect(grad((x: Tensor) => x.mul(h).sum())(f64([3, 4])).toArray()).toEqual([1, 4]);
  });

  it('rejects an output with more than one element, naming its shape', () => {
    const err = catchError(() => grad((x: Tensor) => x.mul(2))(f64([[1, 2, 3]])));
    expect(err).toBeInstanceOf(TapegradError);
    expect(err.message).toMatch(/^grad: .*single-element.*\[1,3\].*\.sum\(\)/);
  });

  it('rejects bad arguments with the fix', () => {
    expect(() => grad((x: Tensor) => x.sum(), { argnums: 2 })(f64([1]))).toThrow(
      /grad: argnums 2 .*1 argument/,
    );
    expect(() => grad((x: Tensor) => x.sum())(tensor([1, 2], { dtype: 'int32' }))).toThrow(
      /grad: argument 0 is an int32 tensor of shape \[2\].*\.double\(\)/,
    );
    expect(() => grad((x: number) => scalar(x))(3)).toThrow(
      /grad: argument 0 must be a Scalar or a Tensor .*got number/,
    );
    expect(() => grad((x: Tensor) => x.sum().item() as unknown as Tensor)(f64([1]))).toThrow(
      /grad: the function must return a Scalar or a single-element Tensor, got number/,
    );
  });
});

describe('functional calls never touch .grad', () => {
  it('for tensors, whatever the transform', () => {
    const x = tensor([0.3, -0.4, 0.5], { dtype: 'float64', requiresGrad: true });
    const w = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const sentinel = f64([7, 7, 7]);
    x.grad = sentinel;
    const f = (a: Tensor) => a.mul(w).tanh().pow(2).sum();
    grad(f)(x);
    valueAndGrad(f)(x);
    hessian(f)(x);
    hvp(f, x, f64([1, 0, 0]));
    jacobian(g)(x);
    vjp(g, x)[1](f64([1, 1]));
    jvp(g, [x], [f64([1, 1, 1])]);
    expect(x.grad).toBe(sentinel);
    expect(x.grad.toArray()).toEqual([7, 7, 7]);
    expect(w.grad).toBeNull();
  });

  it('for Scalars', () => {
    const x = scalar(0.7, { requiresGrad: true });
    const c = scalar(2, { requiresGrad: true });
    const f = (a: Scalar) => a.mul(c).sin();
    grad(grad(f))(x);
    hessian(f)(x);
    jvp(f, [x], [1]);
    expect(x.grad).toBe(0);
    expect(c.grad).toBe(0);
  });
});

describe('hessian and hvp', () => {
  it('hessian of a Scalar function is the second derivative; multi-axis x gives [...S, ...S]', () => {
    expect(hessian((s: Scalar) => s.pow(4))(scalar(2)).value).toBe(48);
    const H = hessian((x: Tensor) => x.pow(3).sum())(f64([[1, 2]]));
    expect(H.shape).toEqual([1, 2, 1, 2]);
    expect(Array.from(H.data)).toEqual([6, 0, 0, 12]);
  });

  it('hvp equals H·v for random v', () => {
    const f = (x: Tensor) => x.exp().sum().log().mul(x.pow(2).sum());
    fc.assert(
      fc.property(vec3, vec3, (x, v) => {
        const H = hessian(f)(f64(x));
        const Hv = hvp(f, f64(x), f64(v));
        const want = [0, 1, 2].map((i) => v.reduce((s, vj, j) => s + H.data[i * 3 + j]! * vj, 0));
        expectClose(Hv.data, want, 1e-12, 'Hv');
      }),
      { numRuns: 30 },
    );
    expect(() => hvp(f, f64([1, 2, 3]), f64([1, 2]))).toThrow(
      /hvp: v has shape \[2\] but must have shape \[3\]/,
    );
  });
});

function scalarTensor(v: number): Tensor {
  return tensor(v, { dtype: 'float64', requiresGrad: true });
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
