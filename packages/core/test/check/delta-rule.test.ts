/**
 * The textbook δ-rule, checked layer by layer on a 2-layer Tensor network (the seed network's
 * numbers as matrices): δ_o = (out_o − t) ⊙ σ′(net_o), δ_h = (W2ᵀ δ_o) ⊙ σ′(net_h), as hand
 * gradients with respect to the labelled pre-activations net_o and net_h.
 */
import { describe, expect, it } from 'vitest';
import { checkHandDerived, type Tensor, tensor } from '../../src/index.js';
import { closeRel, seed } from '../seed/fixture.js';

const f64 = { dtype: 'float64' as const };
const p = seed.parameters;
const x = tensor([[seed.inputs.i1!], [seed.inputs.i2!]], { ...f64, label: 'x' });
const t = tensor([[seed.targets.o1!], [seed.targets.o2!]], { ...f64, label: 't' });
const W1 = tensor(
  [
    [p.w1!, p.w2!],
    [p.w3!, p.w4!],
  ],
  { ...f64, label: 'W1' },
);
const b1 = tensor([[p.b1!], [p.b1!]], { ...f64, label: 'b1' });
const W2 = tensor(
  [
    [p.w5!, p.w6!],
    [p.w7!, p.w8!],
  ],
  { ...f64, label: 'W2' },
);
const b2 = tensor([[p.b2!], [p.b2!]], { ...f64, label: 'b2' });

const named = (v: Tensor, label: string) => {
  v.label = label;
  return v;
};
/** E = ½‖t − σ(W2 σ(W1 x + b1) + b2)‖², every layer's pre-activation and output labelled. */
const loss = (w1: Tensor, c1: Tensor, w2: Tensor, c2: Tensor) => {
  const net_h = named(w1.matmul(x).add(c1), 'net_h');
  const out_h = named(net_h.sigmoid(), 'out_h');
  const net_o = named(w2.matmul(out_h).add(c2), 'net_o');
  const out_o = named(net_o.sigmoid(), 'out_o');
  return t.sub(out_o).pow(2).sum().mul(0.5);
};
const params: [Tensor, Tensor, Tensor, Tensor] = [W1, b1, W2, b2];

type Values = Readonly<Record<string, Tensor>>;
const get = (v: Values, name: string) => v[name]!;
/** σ′ written in the layer's output: out ⊙ (1 − out). */
const slope = (out: Tensor) => out.mul(out.neg().add(1));
const deltaO = (v: Values) =>
  get(v, 'out_o')
    .sub(get(v, 't'))
    .mul(slope(get(v, 'out_o')));

describe('the δ-rule, layer by layer, on a 2-layer Tensor network', () => {
  it('passes at the given point and 50 random points; the δs are the fixture’s ∂E/∂l', () => {
    const report = checkHandDerived(loss, params, (v) => {
      const d_o = deltaO(v);
      return {
        net_o: d_o,
        net_h: get(v, 'W2')
          .transpose()
          .matmul(d_o)
          .mul(slope(get(v, 'out_h'))),
      };
    });
    expect(report.ok, report.toString()).toBe(true);
    expect(report.points).toBe(51);
    const b = seed.backward_intermediates;
    const expected: Record<string, number[]> = {
      net_o: [b.dE_dl_o1!, b.dE_dl_o2!],
      net_h: [b.dE_dl_h1!, b.dE_dl_h2!],
    };
    for (const row of report.rows) {
      expect(row.inputIndex).toBe(-1);
      expect(closeRel(row.autodiff, expected[row.input]![row.index[0]!]!, 1e-12), row.input).toBe(true);
    }
  });

  it('fails naming the hidden layer when δ_h uses W2 instead of W2ᵀ, and diagnoses the transpose', () => {
    const report = checkHandDerived(loss, params, (v) => {
      const d_o = deltaO(v);
      return {
        net_o: d_o,
        net_h: get(v, 'W2')
          .matmul(d_o)
          .mul(slope(get(v, 'out_h'))),
      };
    });
    expect(report.ok).toBe(false);
    expect(report.rows.filter((r) => r.input === 'net_o').every((r) => r.ok)).toBe(true);
    expect(report.toString()).toContain("hand-derived gradients are WRONG ('net_h')");
    expect(report.diagnoses).toHaveLength(1);
    expect(report.diagnoses[0]).toMatchObject({ target: 'net_h', mistake: 'transpose' });
    expect(report.diagnoses[0]!.message).toContain("'W2'");
  });

  it("fails naming the hidden layer when δ_h takes σ' at out_h, and diagnoses the wrong value", () => {
    const report = checkHandDerived(loss, params, (v) => {
      const d_o = deltaO(v);
      return {
        net_o: d_o,
        net_h: get(v, 'W2')
          .transpose()
          .matmul(d_o)
          .mul(slope(get(v, 'out_h').sigmoid())),
      };
    });
    expect(report.toString()).toContain("WRONG ('net_h')");
    expect(report.diagnoses[0]).toMatchObject({ target: 'net_h', mistake: 'wrong-value' });
    expect(report.diagnoses[0]!.message).toContain('σ′(out_h)');
  });

  it('fails naming the output layer when δ_o has the sign flipped (t − out), δ_h being right', () => {
    const report = checkHandDerived(loss, params, (v) => {
      const wrong = get(v, 't')
        .sub(get(v, 'out_o'))
        .mul(slope(get(v, 'out_o')));
      const right = deltaO(v);
      return {
        net_o: wrong,
        net_h: get(v, 'W2')
          .transpose()
          .matmul(right)
          .mul(slope(get(v, 'out_h'))),
      };
    });
    expect(report.toString()).toContain("WRONG ('net_o')");
    expect(report.diagnoses.map((d) => [d.target, d.mistake])).toEqual([['net_o', 'sign']]);
  });

  it('a weight gradient given transposed is named as such', () => {
    const report = checkHandDerived(loss, params, (v) => ({
      W2: deltaO(v).matmul(get(v, 'out_h').transpose()).transpose(),
    }));
    expect(report.diagnoses[0]).toMatchObject({ target: 'W2', mistake: 'transpose' });
  });
});

describe('a large labelled intermediate (kept pending by the fused elementwise path)', () => {
  it('is nudged where it is labelled: finite differences through it match the hand gradient', () => {
    const n = 600;
    const x = tensor(
      Array.from({ length: n }, (_, i) => Math.sin(i)),
      { ...f64, label: 'x' },
    );
    const f = (a: Tensor) => {
      const h = named(a.mul(a).sin(), 'h');
      return h.mul(h).sum().mul(0.5);
    };
    // ∂/∂h ½Σh² = h, and ∂/∂x = h·cos(x²)·2x.
    const report = checkHandDerived(
      f,
      [x],
      (v) => ({ h: v.h!, x: v.h!.mul(v.x!.mul(v.x!).cos()).mul(v.x!).mul(2) }),
      {
        points: 2,
      },
    );
    expect(report.ok, report.toString()).toBe(true);
    expect(report.rows.filter((r) => r.input === 'h')).toHaveLength(n);
    expect(report.rows.every((r) => Math.abs(r.numeric - r.hand) < 1e-7)).toBe(true);
    const wrong = checkHandDerived(f, [x], (v) => ({ h: v.h!.mul(2) }), { points: 2 });
    expect(wrong.diagnoses[0]).toMatchObject({ target: 'h', mistake: 'constant-factor' });
  });
});

describe('mean against sum', () => {
  it('a hand gradient of the summed loss, for a loss that takes the mean over 4, is named: factor 4', () => {
    const w = tensor([0.5, -0.2, 0.1, 0.9], { ...f64, label: 'w' });
    const target = tensor([0.3, 0.3, -0.1, 0.4], { ...f64, label: 'target' });
    const mse = (a: Tensor) => a.sub(target).pow(2).mean();
    // d/dw Σ(w − t)² = 2(w − t): right for the sum, 4 × too large for the mean over 4 elements.
    const report = checkHandDerived(mse, [w], (v) => ({ w: v.w!.sub(v.target!).mul(2) }));
    expect(report.diagnoses[0]).toMatchObject({ target: 'w', mistake: 'constant-factor' });
    expect(report.diagnoses[0]!.message).toContain('a sum over 4 where the function takes a mean');
    const halved = checkHandDerived(mse, [w], (v) => ({ w: v.w!.sub(v.target!).mul(2 / 16) }));
    expect(halved.diagnoses[0]!.message).toContain('a mean over 4 where the function sums');
  });
});
