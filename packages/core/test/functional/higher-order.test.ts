import { grad, hessian, hvp, Scalar, scalar, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { expectClose, type FixtureTensor, flat, fromFixture, loadTorchFixture } from './fixture.js';

interface Case {
  name: string;
  kind: 'hessian' | 'second_derivative' | 'hvp';
  function: string;
  constants?: Record<string, FixtureTensor>;
  x: FixtureTensor;
  v?: FixtureTensor;
  value: FixtureTensor;
  grad?: FixtureTensor;
  hessian?: FixtureTensor;
  hvp?: FixtureTensor;
  first_derivative?: FixtureTensor;
  second_derivative?: FixtureTensor;
}

const { cases } = loadTorchFixture<{ cases: Case[] }>('higher_order.json');
const TOL = 1e-10;

const constant = (c: Case, key: string): Tensor => {
  const t = c.constants?.[key];
  if (!t) throw new Error(`${c.name}: missing constant ${key}`);
  return fromFixture(t);
};

/** The fixture's functions of a whole vector x (kinds `hessian` and `hvp`), written in tapegrad. */
function vectorFunction(c: Case): (x: Tensor) => Tensor {
  switch (c.name) {
    case 'hessian_sum_tanh_cubed':
      return (x) => x.tanh().pow(3).sum();
    case 'hessian_logsumexp_Ax': {
      const A = constant(c, 'A');
      return (x) => A.matmul(x).exp().sum().log();
    }
    case 'hessian_xy_concat': {
      const half = c.x.shape[0]! / 2;
      return (z) => {
        const x = z.slice([[0, half]]);
        const y = z.slice([[half, 2 * half]]);
        return x.mul(y.pow(2)).add(x.sin().mul(y)).sum();
      };
    }
    case 'hvp_sum_tanh_Bx_squared': {
      const B = constant(c, 'B');
      return (x) => B.matmul(x).tanh().pow(2).sum();
    }
    default:
      throw new Error(`no tapegrad function for fixture case '${c.name}' (${c.function})`);
  }
}

/** The elementwise functions of kind `second_derivative`, for both Scalars and Tensors. */
function elementwise(c: Case): <T extends Scalar | Tensor>(x: T) => T {
  const pick =
    (s: (x: Scalar) => Scalar, t: (x: Tensor) => Tensor) =>
    <T extends Scalar | Tensor>(x: T): T =>
      (x instanceof Scalar ? s(x) : t(x as Tensor)) as T;
  switch (c.name) {
    case 'second_derivative_sigmoid':
      return pick(
        (x) => x.sigmoid(),
        (x) => x.sigmoid(),
      );
    case 'second_derivative_tanh':
      return pick(
        (x) => x.tanh(),
        (x) => x.tanh(),
      );
    case 'second_derivative_softplus':
      return pick(
        (x) => x.softplus({ beta: 1, threshold: 20 }),
        (x) => x.softplus({ beta: 1, threshold: 20 }),
      );
    case 'second_derivative_x_pow_x':
      return pick(
        (x) => x.pow(x),
        (x) => x.pow(x),
      );
    default:
      throw new Error(`no tapegrad function for fixture case '${c.name}' (${c.function})`);
  }
}

describe('higher_order.json (PyTorch double backward)', () => {
  it('covers every kind of case', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['hessian', 'second_derivative', 'hvp']));
  });

  for (const c of cases.filter((k) => k.kind === 'hessian' || k.kind === 'hvp')) {
    it(`${c.name}: value, grad and hessian`, () => {
      const f = vectorFunction(c);
      const x = fromFixture(c.x);
      expectClose(f(x).data, flat(c.value), TOL, `${c.name} value`);
      expectClose(grad(f)(x).data, flat(c.grad!), TOL, `${c.name} grad`);
      const H = hessian(f)(x);
      expect(H.shape).toEqual(c.hessian!.shape);
      expectClose(H.data, flat(c.hessian!), TOL, `${c.name} hessian`);
      expect(x.requiresGrad).toBe(false);
      expect(x.grad).toBeNull();
    });
  }

  for (const c of cases.filter((k) => k.kind === 'hvp')) {
    it(`${c.name}: hvp`, () => {
      const f = vectorFunction(c);
      const x = fromFixture(c.x);
      const v = fromFixture(c.v!);
      const Hv = hvp(f, x, v);
      expect(Hv.shape).toEqual(c.hvp!.shape);
      expectClose(Hv.data, flat(c.hvp!), TOL, `${c.name} hvp`);
    });
  }

  for (const c of cases.filter((k) => k.kind === 'hessian')) {
    it(`${c.name}: hvp against every column of the hessian`, () => {
      const f = vectorFunction(c);
      const x = fromFixture(c.x);
      const n = c.x.shape[0]!;
      const H = flat(c.hessian!);
      for (let j = 0; j < n; j++) {
        const e = new Array<number>(n).fill(0);
        e[j] = 1;
        const col = hvp(f, x, fromFixture({ shape: [n], dtype: 'float64', data: e }));
        expectClose(
          col.data,
          H.filter((_, k) => k % n === j),
          TOL,
          `${c.name} H·e${j}`,
        );
      }
    });
  }

  for (const c of cases.filter((k) => k.kind === 'second_derivative')) {
    it(`${c.name}: f, f′, f″ by grad(grad(f)) on Scalars`, () => {
      const f = elementwise(c);
      const xs = flat(c.x);
      const d1 = grad((s: Scalar) => f(s));
      const d2 = grad((s: Scalar) => d1(s));
      expectClose(
        xs.map((x) => f(scalar(x)).value),
        flat(c.value),
        TOL,
        `${c.name} value`,
      );
      expectClose(
        xs.map((x) => d1(scalar(x)).value),
        flat(c.first_derivative!),
        TOL,
        `${c.name} f′`,
      );
      expectClose(
        xs.map((x) => d2(scalar(x)).value),
        flat(c.second_derivative!),
        TOL,
        `${c.name} f″`,
      );
    });

    it(`${c.name}: f″ as the diagonal of the hessian of Σ f(x_i) on a tensor`, () => {
      const f = elementwise(c);
      const x = fromFixture(c.x);
      const n = c.x.shape[0]!;
      const H = hessian((t: Tensor) => f(t).sum())(x);
      expect(H.shape).toEqual([n, n]);
      const want = flat(c.second_derivative!);
      const full = new Array<number>(n * n).fill(0);
      want.forEach((w, i) => {
        full[i * n + i] = w;
      });
      expectClose(H.data, full, TOL, `${c.name} hessian`);
      expectClose(hvp((t: Tensor) => f(t).sum(), x, x.mul(0).add(1)).data, want, TOL, `${c.name} hvp`);
    });
  }
});
