import { describe, expect, it } from 'vitest';
import {
  assertGradgradcheck,
  customGrad,
  GradcheckError,
  gradcheck,
  gradgradcheck,
  scalar,
  type Tensor,
  tensor,
} from '../../src/index.js';

const f64 = { dtype: 'float64' as const };

describe('gradgradcheck', () => {
  it('passes correct second derivatives of Scalar and Tensor functions', () => {
    const s = gradgradcheck(
      (a, b) => a.mul(b).sin().add(a.pow(3)),
      [scalar(0.4, { label: 'a' }), scalar(1.1, { label: 'b' })],
    );
    expect(s.ok, s.toString()).toBe(true);
    // Two inputs give two gradient outputs, each compared against both inputs.
    expect(s.checked).toBe(4);
    const x = tensor(
      [
        [0.2, -0.4],
        [0.7, 1.1],
      ],
      { ...f64, label: 'x' },
    );
    const t = gradgradcheck((m) => m.matmul(m).tanh(), [x]);
    expect(t.ok, t.toString()).toBe(true);
    expect(t.checked).toBe(16);
  });

  it('catches a rule that is right to first order but cut out of the graph', () => {
    // d(x²) = 2x·g, but computed from a detached x: the second derivative comes out 0, not 2.
    const sq = customGrad<Tensor>({
      name: 'squareDetached',
      forward: (t) => t.mul(t),
      backward: (g, [t]) => [g.mul(t!.detach()).mul(2)],
    });
    const x = tensor([0.5, -1.5], { ...f64, label: 'x' });
    expect(gradcheck((t) => sq(t).sum(), [x]).ok).toBe(true);
    const report = gradgradcheck((t) => sq(t).sum(), [x]);
    expect(report.ok).toBe(false);
    const failing = report.worst.filter((e) => !e.ok);
    expect(failing.map((e) => e.input)).toEqual(['x', 'x']);
    for (const e of failing) {
      expect(e.numeric).toBeCloseTo(2, 5);
      expect(e.output).toMatch(/^d\/dx\[[01]\]$/);
    }
    expect(report.toString()).toContain('gradgradcheck FAILED');
    expect(() => assertGradgradcheck((t) => sq(t).sum(), [x])).toThrow(GradcheckError);
  });

  it('treats a gradient that does not depend on an input as zero', () => {
    const x = tensor([1, 2], { ...f64, label: 'x' });
    const r = gradgradcheck((t) => t.mul(3).sum(), [x]);
    expect(r.ok, r.toString()).toBe(true);
    expect(r.maxAbsError).toBe(0);
  });
});
