import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertGradcheck,
  customGrad,
  GradcheckError,
  gradcheck,
  randn,
  type Scalar,
  scalar,
  TapegradError,
  Tensor,
  tensor,
} from '../../src/index.js';

const f64 = { dtype: 'float64' as const };
const matrix = (rows: number, cols: number, label: string, seed = 1) => {
  // Distinct, non-symmetric entries so that a transposed gradient differs from the right one.
  const values = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => Math.sin(seed * 7.1 + i * 1.3 + j * 0.37) + 0.1 * (i - j)),
  );
  return tensor(values, { ...f64, label });
};

describe('gradcheck passes correct ops', () => {
  const x = matrix(2, 3, 'x');
  const w = matrix(3, 4, 'w', 2);
  const pos = tensor([[0.5, 1.5, 2.5]], { ...f64, label: 'pos' });
  const cases: [string, () => ReturnType<typeof gradcheck>][] = [
    ['matmul + tanh', () => gradcheck((a, b) => a.matmul(b).tanh(), [x, w])],
    ['softmax along rows', () => gradcheck((a) => a.softmax(-1), [x])],
    ['logSoftmax + mean', () => gradcheck((a) => a.logSoftmax(0).mean(), [x])],
    ['broadcast add and mul', () => gradcheck((a, b) => a.add(b).mul(a), [x, pos])],
    ['log, sqrt, div', () => gradcheck((a) => a.log().add(a.sqrt()).div(a.add(1)), [pos])],
    ['pow with a tensor exponent', () => gradcheck((a, b) => a.pow(b.mul(0.1)), [pos, pos])],
    ['reductions over an axis', () => gradcheck((a) => a.sum(0).mul(a.max(1, true).sum()), [x])],
    [
      'sigmoid, exp, sin, cos',
      () => gradcheck((a) => a.sigmoid().mul(a.exp()).add(a.sin().mul(a.cos())), [x]),
    ],
    ['transpose and reshape', () => gradcheck((a) => a.transpose().reshape([2, 3]).mul(a), [x])],
    [
      'Scalar ops',
      () => gradcheck((a, b) => a.mul(b).tanh().add(a.pow(b)).div(b.exp()), [scalar(1.3), scalar(0.7)]),
    ],
  ];
  for (const [name, run] of cases) {
    it(name, () => {
      const report = run();
      expect(report.ok, report.toString()).toBe(true);
      expect(report.failed).toBe(0);
      expect(report.checked).toBeGreaterThan(0);
      expect(report.maxAbsError).toBeLessThan(1e-6);
    });
  }

  it('promotes float32 inputs to float64 for the differences and says so', () => {
    const x32 = tensor([0.3, -1.2, 2.0], { label: 'x32' });
    const report = gradcheck((a) => a.tanh().mul(a).sum(), [x32]);
    expect(report.ok, report.toString()).toBe(true);
    expect(report.notes.join(' ')).toContain("float32 input 'x32' promoted to a float64 copy");
    expect(report.atol).toBe(1e-4);
    expect(report.toString()).toContain('float64 copy');
  });

  it('leaves the caller’s inputs and .grad untouched', () => {
    const a = tensor([1, 2, 3], { ...f64, requiresGrad: true });
    const before = Array.from(a.data);
    gradcheck((t) => t.mul(t).sum(), [a]);
    expect(a.grad).toBeNull();
    expect(Array.from(a.data)).toEqual(before);
  });

  it('property: random elementwise chains of random shapes pass', () => {
    // Bounded ops only: nested exp grows so fast that no finite difference at eps 1e-6 can follow it.
    const unary = ['tanh', 'sigmoid', 'sin', 'cos', 'softplus'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
        fc.array(fc.constantFrom(...unary), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        (shape, ops, seed) => {
          const n = shape.reduce((p, d) => p * d, 1);
          const values = Array.from({ length: n }, (_, i) => Math.sin(seed + i * 2.1));
          const a = new Tensor(Float64Array.from(values), shape, 'float64');
          const f = (t: Tensor) => ops.reduce((acc, op) => acc[op]().mul(t), t);
          return gradcheck(f, [a]).ok;
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('gradcheck catches wrong custom gradients', () => {
  it('a transposed matrix: names the weight and an off-diagonal element', () => {
    const a = matrix(3, 3, 'A');
    const w = matrix(3, 3, 'W', 3);
    // y = A·W, but the rule returns (Aᵀg)ᵀ for W.
    const mm = customGrad<Tensor>({
      name: 'badMatmul',
      forward: (p, q) => p.matmul(q),
      backward: (g, [p, q]) => [g.matmul(q!.transpose()), p!.transpose().matmul(g).transpose()],
    });
    const report = gradcheck((p, q) => mm(p, q), [a, w]);
    expect(report.ok).toBe(false);
    const failing = report.worst.filter((e) => !e.ok);
    expect(failing.length).toBeGreaterThan(0);
    for (const e of failing) {
      expect(e.input).toBe('W');
      expect(e.index[0]).not.toBe(e.index[1]); // the diagonal of a transpose is right
    }
    const first = failing[0]!;
    expect(report.toString()).toContain(`[${first.index.join(',')}]`);
    expect(report.toString()).toMatch(/FAILED/);
  });

  it('a missing factor 2: names the input, every element fails', () => {
    const sq = customGrad<Tensor>({
      name: 'square',
      forward: (t) => t.mul(t),
      backward: (g, [t]) => [g.mul(t!)],
    });
    const x = tensor([0.5, -1, 2], { ...f64, label: 'x' });
    const report = gradcheck((t) => sq(t).sum(), [x]);
    expect(report.ok).toBe(false);
    expect(report.failed).toBe(3);
    expect(report.worst[0]!.input).toBe('x');
    // The worst element is the largest |x| one: analytic x against numeric 2x.
    expect(report.worst[0]!.index).toEqual([2]);
    expect(report.worst[0]!.analytic).toBeCloseTo(2, 6);
    expect(report.worst[0]!.numeric).toBeCloseTo(4, 6);
  });

  it('a wrong sign at one element: names exactly that element', () => {
    const flip = customGrad<Tensor>({
      name: 'sinFlipped',
      forward: (t) => t.sin(),
      backward: (g, [t]) => {
        const sign = new Tensor(new Float64Array(6).fill(1), [2, 3], 'float64');
        sign.data[5] = -1; // element [1,2]
        return [g.mul(t!.cos()).mul(sign)];
      },
    });
    const x = matrix(2, 3, 'theta');
    const report = gradcheck((t) => flip(t), [x]);
    expect(report.ok).toBe(false);
    const failing = report.worst.filter((e) => !e.ok);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ input: 'theta', index: [1, 2], output: '[1,2]' });
    expect(report.toString()).toMatch(/theta\s+\[1,2\]/);
  });

  it('a wrong sign on a Scalar input', () => {
    const neg = customGrad<Scalar>({
      name: 'badExp',
      forward: (s) => s.exp(),
      backward: (g, [s]) => [g.mul(s!.exp()).neg()],
    });
    const report = gradcheck(
      (a, b) => neg(a).mul(b),
      [scalar(0.3, { label: 'a' }), scalar(2, { label: 'b' })],
    );
    expect(report.ok).toBe(false);
    expect(report.worst.filter((e) => !e.ok).map((e) => e.input)).toEqual(['a']);
  });

  it('a gradient that depends on call order: the second backward differs', () => {
    let calls = 0;
    const drifting = customGrad<Tensor>({
      name: 'drifting',
      forward: (t) => t.mul(3),
      backward: (g) => [g.mul(3 + calls++)], // right the first time only
    });
    const x = tensor([1, 2], { ...f64, label: 'x' });
    const report = gradcheck((t) => drifting(t).sum(), [x]);
    expect(report.ok).toBe(false);
    expect(report.nondeterministic.length).toBeGreaterThan(0);
    expect(report.nondeterministic[0]).toMatchObject({ input: 'x', index: [0] });
    expect(report.problems.join('\n')).toMatch(
      /different gradients on a second run.*input 'x' element \[0\]/,
    );
  });

  it('a rule that throws (wrong gradient shape) becomes a reported problem', () => {
    const bad = customGrad<Tensor>({
      name: 'badShape',
      forward: (t) => t.mul(2),
      backward: (g) => [g.reshape([-1]).slice([[0, 2]])],
    });
    const x = tensor([[1, 2, 3]], { ...f64, label: 'x' });
    const report = gradcheck((t) => bad(t).sum(), [x]);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toMatch(/backward threw: badShape/);
  });

  it('assertGradcheck throws a TapegradError carrying the report', () => {
    const sq = customGrad<Tensor>({
      name: 'square',
      forward: (t) => t.mul(t),
      backward: (g, [t]) => [g.mul(t!)],
    });
    const x = tensor([1, 2], { ...f64, label: 'x' });
    let caught: unknown;
    try {
      assertGradcheck((t) => sq(t).sum(), [x]);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GradcheckError);
    expect(caught).toBeInstanceOf(TapegradError);
    expect((caught as GradcheckError).report.ok).toBe(false);
    expect((caught as GradcheckError).message).toContain('assertGradcheck');
    expect(assertGradcheck((t) => t.mul(t).sum(), [x]).ok).toBe(true);
  });
});

describe('large inputs and report size', () => {
  it('uses the seeded adjoint check beyond the limit and still catches a missing factor 2', () => {
    const big = randn([40, 30], { dtype: 'float64', label: 'big' });
    const good = gradcheck((t) => t.tanh().mul(t), [big]);
    expect(good.mode).toBe('adjoint');
    expect(good.ok, good.toString()).toBe(true);
    const sq = customGrad<Tensor>({
      name: 'square',
      forward: (t) => t.mul(t),
      backward: (g, [t]) => [g.mul(t!)],
    });
    const bad = gradcheck((t) => sq(t), [big]);
    expect(bad.mode).toBe('adjoint');
    expect(bad.ok).toBe(false);
    expect(bad.worst[0]!.input === 'big' || bad.worst[0]!.input === 'all inputs').toBe(true);
    expect(bad.worst.some((e) => e.input === 'big' && e.index.length === 2 && !e.ok)).toBe(true);
  });

  it('a report for a 100-element input prints in under 20 lines, failing or not', () => {
    const x = tensor(
      Array.from({ length: 100 }, (_, i) => Math.cos(i)),
      { ...f64, label: 'x' },
    );
    const good = gradcheck((t) => t.sin(), [x]);
    const sq = customGrad<Tensor>({
      name: 'square',
      forward: (t) => t.mul(t),
      backward: (g, [t]) => [g.mul(t!)],
    });
    const bad = gradcheck((t) => sq(t), [x]);
    expect(good.checked).toBe(100 * 100);
    expect(bad.failed).toBeGreaterThanOrEqual(90);
    for (const r of [good, bad]) expect(r.toString().split('\n').length).toBeLessThan(20);
  });
});

describe('bad input', () => {
  it('rejects int32 inputs, non-functions, and non-tensor results, naming the problem', () => {
    expect(() => gradcheck((t) => t, [tensor([1, 2], { dtype: 'int32' })])).toThrow(/input 0 .*int32/);
    expect(() => gradcheck(42 as never, [scalar(1)])).toThrow(TapegradError);
    expect(() => gradcheck((() => 3) as never, [scalar(1)])).toThrow(
      /must return a Scalar or a Tensor, got number/,
    );
    expect(() => gradcheck((t) => t, [] as never)).toThrow(/at least one input/);
    expect(() => gradcheck((t) => t, [scalar(1)], { eps: 0 })).toThrow(/eps must be a positive/);
  });
});
