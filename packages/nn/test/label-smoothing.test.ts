import { tensor } from '@tapegrad/core';
import { crossEntropy } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';

// PyTorch 1.13's cross_entropy_loss_label_smoothing, worked by hand in plain JS on a small batch:
// ret = (1 − ε)·nll + (ε/C)·smooth, where nll is nll_loss with its own reduction and
// smooth_i = −Σ_c w_c·logp[i, c] (0 at ignored targets). Without a weight, smooth's 'mean' is over
// ALL rows, ignored ones included; with one, it divides by Σ w[y_i] over the kept targets.
const logits = [
  [1.5, -0.5, 0.25],
  [0.3, 2.0, -1.0],
  [-0.7, 0.1, 0.9],
  [2.2, 0.4, -0.3],
];
const labels = [0, -100, 2, 1];
const eps = 0.2;
const C = 3;
const kept = labels.map((y) => y !== -100);

const logSoftmax = (row: number[]): number[] => {
  const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
  return row.map((v) => v - lse);
};
const logp = logits.map(logSoftmax);
const sum = (xs: number[]): number => xs.reduce((s, v) => s + v, 0);

/** Per-row nll and smooth terms, both 0 at the ignored row. */
function parts(w: number[]): { nll: number[]; smooth: number[]; weightSum: number } {
  const nll = labels.map((y, i) => (kept[i] ? -w[y]! * logp[i]![y]! : 0));
  const smooth = logp.map((row, i) => (kept[i] ? -sum(row.map((v, c) => w[c]! * v)) : 0));
  const weightSum = sum(labels.map((y, i) => (kept[i] ? w[y]! : 0)));
  return { nll, smooth, weightSum };
}

const run = (reduction: 'mean' | 'sum' | 'none', weight?: number[]) =>
  crossEntropy(tensor(logits, { dtype: 'float64' }), tensor(labels, { dtype: 'int32' }), {
    labelSmoothing: eps,
    ignoreIndex: -100,
    reduction,
    weight: weight ? tensor(weight, { dtype: 'float64' }) : undefined,
  });

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(1e-12);

describe('crossEntropy with labelSmoothing and ignoreIndex follows PyTorch 1.13', () => {
  it("'mean' without weight: nll over the 3 kept rows, smoothing over all 4", () => {
    const { nll, smooth } = parts([1, 1, 1]);
    const want = (1 - eps) * (sum(nll) / 3) + (eps / C) * (sum(smooth) / 4);
    close(run('mean').item(), want);
  });

  it("'mean' without weight: the gradient puts the smoothing term over 4 rows", () => {
    const x = tensor(logits, { dtype: 'float64', requiresGrad: true });
    crossEntropy(x, tensor(labels, { dtype: 'int32' }), { labelSmoothing: eps }).backward();
    // d(−logp[y])/dx_k = p_k − [k = y]; d(−Σ_c logp_c)/dx_k = C·p_k − 1; the ignored row gets 0
    const want = logp.flatMap((row, i) =>
      row.map((lp, k) => {
        if (!kept[i]) return 0;
        const p = Math.exp(lp);
        return ((1 - eps) * (p - (k === labels[i] ? 1 : 0))) / 3 + ((eps / C) * (C * p - 1)) / 4;
      }),
    );
    Array.from(x.grad!.data).forEach((g, i) => close(g, want[i]!));
  });

  it("'mean' with weight divides both parts by Σ w[y_i] of the kept targets", () => {
    const w = [0.5, 2, 1];
    const { nll, smooth, weightSum } = parts(w);
    expect(weightSum).toBe(0.5 + 1 + 2);
    const want = (1 - eps) * (sum(nll) / weightSum) + (eps / C) * (sum(smooth) / weightSum);
    close(run('mean', w).item(), want);
  });

  it("'sum' and 'none', with and without weight", () => {
    for (const w of [undefined, [0.5, 2, 1]]) {
      const { nll, smooth } = parts(w ?? [1, 1, 1]);
      const perRow = nll.map((n, i) => (1 - eps) * n + (eps / C) * smooth[i]!);
      close(run('sum', w).item(), sum(perRow));
      const none = run('none', w);
      expect(none.shape).toEqual([4]);
      Array.from(none.data).forEach((v, i) => close(v, perRow[i]!));
      expect(none.data[1]).toBe(0);
    }
  });
});
