/**
 * `torch/higher_order.json`: Hessians, elementwise second derivatives and a Hessian-vector
 * product, reproduced by differentiating a gradient recorded with `createGraph` (grad of grad).
 * Functions are keyed by case name (stable across fixture seeds); an unknown name fails.
 */
import { fromTypedArray, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { gradientsOf } from '../../src/differentiable.js';
import { expectCloseTo, type FixtureTensor, fromFixture, loadFixture } from './helpers.js';

interface HigherOrderCase {
  name: string;
  kind: 'hessian' | 'second_derivative' | 'hvp';
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

const TOL = 1e-10;
const fixture = loadFixture<{ cases: HigherOrderCase[] }>('torch/higher_order.json');

type Fn = (x: Tensor, k: Record<string, Tensor>) => Tensor;

/** The fixture's functions, written with tapegrad ops. */
const FUNCTIONS: Record<string, Fn> = {
  hessian_sum_tanh_cubed: (x) => x.tanh().pow(3).sum(),
  hessian_logsumexp_Ax: (x, k) => k.A!.matmul(x).logsumexp(),
  hessian_xy_concat: (z) => {
    const half = z.shape[0]! / 2;
    const x = z.slice([[0, half]]);
    const y = z.slice([[half, null]]);
    return x.mul(y.square()).add(x.sin().mul(y)).sum();
  },
  second_derivative_sigmoid: (x) => x.sigmoid(),
  second_derivative_tanh: (x) => x.tanh(),
  second_derivative_softplus: (x) => x.softplus({ beta: 1, threshold: 20 }),
  second_derivative_x_pow_x: (x) => x.pow(x),
  hvp_sum_tanh_Bx_squared: (x, k) => k.B!.matmul(x).tanh().square().sum(),
};

const one = () => fromTypedArray(new Float64Array([1]), []);
const onesLike = (t: Tensor) => fromTypedArray(new Float64Array(t.size).fill(1), [...t.shape]);

/** d root / d x, recorded (createGraph) so it can be differentiated again. */
const gradOf = (root: Tensor, x: Tensor, createGraph: boolean): Tensor => {
  const seed = root.size === 1 && root.ndim === 0 ? one() : onesLike(root);
  const [g] = gradientsOf([root], [seed], [x], { createGraph, retainGraph: true });
  if (!g) throw new Error('no gradient reached x');
  return g as Tensor;
};

/** The Hessian, row by row: row i is the gradient of g[i]. */
function hessianRows(g: Tensor, x: Tensor): Tensor {
  const n = x.size;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data.set(gradOf(g.select(0, i), x, false).data, i * n);
  return fromTypedArray(data, [n, n]);
}

describe('torch/higher_order.json: second derivatives via createGraph match PyTorch', () => {
  it('has cases', () => expect(fixture.cases.length).toBeGreaterThan(0));

  for (const c of fixture.cases) {
    it(c.name, () => {
      const f = FUNCTIONS[c.name];
      if (!f) throw new Error(`higher_order.json case '${c.name}' has no function in this test: add one`);
      const constants = Object.fromEntries(
        Object.entries(c.constants ?? {}).map(([k, t]) => [k, fromFixture(t)]),
      );
      const x = fromFixture(c.x, { requiresGrad: true });
      const y = f(x, constants);
      expectCloseTo(y, c.value, TOL, 'value');

      if (c.kind === 'second_derivative') {
        // Elementwise f: the gradient of Σf is f′, and the gradient of Σf′ is f″.
        const d1 = gradOf(y.sum(), x, true);
        expectCloseTo(d1, c.first_derivative!, TOL, 'first derivative');
        expect(d1.requiresGrad).toBe(true);
        expectCloseTo(gradOf(d1.sum(), x, false), c.second_derivative!, TOL, 'second derivative');
        return;
      }
      const g = gradOf(y, x, true);
      expectCloseTo(g, c.grad!, TOL, 'grad');
      expectCloseTo(hessianRows(g, x), c.hessian!, TOL, 'hessian');
      if (c.kind === 'hvp') {
        const v = fromFixture(c.v!);
        expectCloseTo(gradOf(g.mul(v).sum(), x, false), c.hvp!, TOL, 'hvp');
      }
    });
  }
});
