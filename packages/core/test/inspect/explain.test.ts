import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainGradient,
  explainGradientPaths,
  type Scalar,
  scalar,
  TapegradError,
  tensor,
} from '../../src/index.js';

const f64 = { dtype: 'float64' as const };

describe('explainGradient on tensor graphs', () => {
  it('1-element tensors: every path with numeric factors; the sum equals autodiff and the calculus', () => {
    const a = tensor(0.5, { ...f64, requiresGrad: true, label: 'a' });
    const c = a.mul(a).sin().add(a.exp());
    const e = explainGradientPaths(c, a);
    expect(e.pathCount).toBe(2);
    expect(e.paths.map((p) => p.nodes)).toEqual([
      ['add', 'sin', 'mul', 'a'],
      ['add', 'exp', 'a'],
    ]);
    // d/da [sin(a²) + eᵃ] = 2a·cos(a²) + eᵃ, and each path is one of the two terms.
    expect(e.paths[0]!.factors.map((f) => f.value)).toEqual([1, Math.cos(0.25), 2 * 0.5]);
    expect(e.paths[0]!.contribution[0]).toBeCloseTo(Math.cos(0.25), 14);
    expect(e.paths[1]!.contribution[0]).toBeCloseTo(Math.exp(0.5), 14);
    expect(e.sum[0]).toBeCloseTo(Math.cos(0.25) + Math.exp(0.5), 14);
    c.backward();
    expect(e.sum[0]).toBe(a.grad!.item());
    const text = e.toString();
    expect(text).toContain('∂sin/∂mul = 0.9689124217');
    expect(text).toContain('(equal)');
  });

  it('matrices: Jacobian shapes per factor, per-path contributions summing to the autodiff gradient', () => {
    const W = tensor(
      [
        [0.1, 0.2, 0.3],
        [0.4, -0.5, 0.6],
      ],
      { ...f64, requiresGrad: true, label: 'W' },
    );
    const x = tensor([[1], [2], [3]], { ...f64, label: 'x' });
    const h = W.matmul(x).tanh();
    h.label = 'h';
    const y = h.sum().add(W.pow(2).sum());
    y.label = 'y';
    const e = explainGradientPaths(y, W);
    expect(e.pathCount).toBe(2);
    const viaHPath = e.paths.find((p) => p.nodes.length === 3)!;
    const direct = e.paths.find((p) => p.nodes.length === 2)!;
    expect(viaHPath.nodes).toEqual(['y', 'h', 'W']);
    expect(viaHPath.factors[1]).toMatchObject({
      of: 'h',
      wrt: 'W',
      value: undefined,
      shapes: [
        [2, 1],
        [2, 3],
      ],
    });
    expect(viaHPath.factors[1]!.ops).toEqual(['tanh', 'matmul']);
    expect(direct.nodes).toEqual(['y', 'W']);
    expect(direct.factors[0]!.ops).toEqual(['add', 'sum', 'pow']);
    // Path via h: (1 − tanh²(Wx)) xᵀ; path via W²: 2W. Computed here from the definitions.
    const hv = [Math.tanh(0.1 + 0.4 + 0.9), Math.tanh(0.4 - 1 + 1.8)];
    const viaH = hv.flatMap((t) => [1, 2, 3].map((xj) => (1 - t * t) * xj));
    const viaSquare = [0.1, 0.2, 0.3, 0.4, -0.5, 0.6].map((w) => 2 * w);
    viaH.forEach((v, i) => expect(viaHPath.contribution[i]).toBeCloseTo(v, 12));
    viaSquare.forEach((v, i) => expect(direct.contribution[i]).toBeCloseTo(v, 12));
    y.backward();
    Array.from(W.grad!.data).forEach((g, i) => expect(e.sum[i]).toBeCloseTo(g, 14));
    const text = e.toString();
    expect(text).toContain('Jacobian [2,1] ← [2,3]');
    expect(text).toMatch(/contribution\s+= shape \[2,3\], norm/);
    expect(text).toContain('(equal)');
  });

  it('explodes into a short summary instead of thousands of paths', () => {
    let z: Scalar = scalar(0.3, { requiresGrad: true, label: 'z0' });
    const z0 = z;
    for (let i = 0; i < 8; i++) z = z.mul(z.sin()).add(z); // 3 paths per step: 3⁸ in all
    const e = explainGradientPaths(z, z0);
    expect(e.pathCount).toBe(3 ** 8);
    expect(e.paths).toHaveLength(0);
    const text = e.toString();
    expect(text).toContain('6561 paths, more than maxPaths = 50');
    expect(text.split('\n').length).toBeLessThan(20);
    z.backward({ retainGraph: true });
    expect(e.sum[0]).toBeCloseTo(z0.grad, 10);
    expect(e.lastSteps.map((s) => s.via).sort()).toEqual(['add#1', 'mul#1', 'sin#1']);

    let w: Scalar = scalar(0.3, { requiresGrad: true, label: 'w0' });
    const w0 = w;
    for (let i = 0; i < 4; i++) w = w.mul(w.sin()).add(w);
    const listed = explainGradientPaths(w, w0, { maxPaths: 100 });
    expect(listed.paths).toHaveLength(81);
    w.backward();
    expect(listed.sum[0]).toBeCloseTo(w0.grad, 12);
  });

  it('a long chain prints a bounded text and does not overflow the stack', () => {
    let q: Scalar = scalar(0.3, { requiresGrad: true, label: 'q' });
    const q0 = q;
    for (let i = 0; i < 12_000; i++) q = q.mul(0.9999).add(0.00001);
    const text = explainGradient(q, q0);
    expect(text.split('\n').length).toBeLessThan(40);
    expect(text).toMatch(/… \d+ more factors/);
    expect(text).toContain('(equal)');
  });

  it('no path means a zero gradient; bad arguments and released tensor graphs are clear errors', () => {
    const a = scalar(1, { requiresGrad: true, label: 'a' });
    const b = scalar(2, { requiresGrad: true, label: 'b' });
    expect(explainGradient(a.mul(3), b)).toContain('no path from mul back to b; the gradient is 0');
    expect(() => explainGradient(a, tensor([1]))).toThrow(/both be Scalars or both be Tensors/);
    expect(() => explainGradient(3 as never, a)).toThrow(TapegradError);
    const y = a.mul(b);
    y.backward();
    expect(explainGradient(y, a)).toContain('∂mul/∂a = 2'); // a Scalar graph stays readable
    const t = tensor([1, 2], { requiresGrad: true, label: 't' });
    const z = t.mul(t).sum();
    z.backward();
    expect(() => explainGradient(z, t)).toThrow(/released by backward\(\)/);
  });

  it('property: on random Scalar DAGs with shared nodes, the paths sum to the autodiff gradient', () => {
    const ops = ['add', 'mul', 'sub', 'sin', 'tanh', 'sigmoid'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ops), fc.nat(), fc.nat()), { minLength: 3, maxLength: 12 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.boolean(),
        (program, start, labelSome) => {
          const x = scalar(start, { requiresGrad: true, label: 'x' });
          const nodes: Scalar[] = [x, scalar(0.7, { requiresGrad: true, label: 'y' })];
          program.forEach(([op, i, j], k) => {
            const a = nodes[i % nodes.length]!;
            const b = nodes[j % nodes.length]!;
            const n = op === 'add' || op === 'mul' || op === 'sub' ? a[op](b) : a[op]();
            if (labelSome && k % 2 === 0) n.label = `v${k}`;
            nodes.push(n);
          });
          const out = nodes.slice(2).reduce((acc, n) => acc.add(n));
          const e = explainGradientPaths(out, x, { maxPaths: 10_000 });
          out.backward();
          const scale = Math.max(1, Math.abs(x.grad));
          return (
            Math.abs(e.sum[0]! - x.grad) <= 1e-12 * scale &&
            Math.abs(e.autodiff[0]! - x.grad) <= 1e-12 * scale
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
