import { describe, expect, it } from 'vitest';
import { checkHandDerived, scalar, tensor } from '../../src/index.js';

const f64 = { dtype: 'float64' as const };

describe('checkHandDerived for Tensor inputs', () => {
  // L = Σ_i Σ_j W[i][j]·x[j]  ⇒  ∂L/∂W[i][j] = x[j], ∂L/∂x[j] = Σ_i W[i][j].
  const W = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    { ...f64, label: 'W' },
  );
  const x = tensor([0.5, -1, 2], { ...f64, label: 'x' });
  const f = (w: typeof W, v: typeof x) => w.matmul(v).sum();

  it('accepts a correct per-element hand gradient, given as arrays, a Tensor or a typed array', () => {
    const report = checkHandDerived(
      f,
      [W, x],
      [
        [
          [0.5, -1, 2],
          [0.5, -1, 2],
        ],
        [5, 7, 9],
      ],
    );
    expect(report.ok, report.toString()).toBe(true);
    expect(report.rows).toHaveLength(9);
    expect(report.rows[4]).toMatchObject({ input: 'W', index: [1, 1], hand: -1, ok: true });
    expect(report.rows[4]!.autodiff).toBe(-1);
    expect(Math.abs(report.rows[4]!.numeric + 1)).toBeLessThan(1e-8);
    const asTensor = checkHandDerived(
      f,
      [W, x],
      [
        tensor([
          [0.5, -1, 2],
          [0.5, -1, 2],
        ]),
        Float64Array.of(5, 7, 9),
      ],
    );
    expect(asTensor.ok).toBe(true);
  });

  it('marks and names a wrong element', () => {
    const report = checkHandDerived(
      f,
      [W, x],
      [
        [
          [0.5, -1, 2],
          [0.5, -1, 2.5],
        ],
        [5, 7, 9],
      ],
    );
    expect(report.ok).toBe(false);
    const wrong = report.rows.filter((r) => !r.ok);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ input: 'W', index: [1, 2], hand: 2.5 });
    const text = report.toString();
    expect(text).toContain("1 of 9 hand-derived gradients are WRONG ('W')");
    expect(text).toMatch(/W\s+\[1,2\]\s+2\.5\s.*✗ wrong/);
    expect(text.split('\n').filter((l) => l.includes('✗'))).toHaveLength(1);
  });

  it('rejects hand gradients of the wrong shape or kind, naming the input', () => {
    expect(() =>
      checkHandDerived(
        f,
        [W, x],
        [
          [1, 2, 3],
          [5, 7, 9],
        ],
      ),
    ).toThrow(/'W' has shape \[3\], the input has shape \[2,3\]/);
    expect(() =>
      checkHandDerived(
        f,
        [W, x],
        [
          [
            [1, 2, 3],
            [1, 2, 3],
          ],
        ],
      ),
    ).toThrow(/one entry per input \(2\), got 1/);
    const s = scalar(2, { label: 's' });
    expect(() => checkHandDerived((a) => a.mul(a), [s], [[4]])).toThrow(/Scalar input 's' must be a number/);
    expect(() => checkHandDerived((a) => tensor([1, 2]).mul(a.value), [s], [4])).toThrow(/single value/);
  });

  it('notes when autodiff itself disagrees with finite differences', () => {
    const s = scalar(2, { label: 's' });
    // relu at a kink: autodiff says 0 (PyTorch's convention), the central difference 0.5.
    const report = checkHandDerived((a) => a.sub(2).relu(), [s], [0]);
    expect(report.ok).toBe(false);
    expect(report.notes.join('\n')).toMatch(
      /autodiff \(0\) and finite differences \(0\.5\d*\) disagree for 's'/,
    );
  });
});
