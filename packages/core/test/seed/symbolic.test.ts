import { describe, expect, it } from 'vitest';
import { buildSeedNetwork, FORWARD_NAMES, TUTORIAL_CONFIG } from '../../../examples/src/seed-model.js';
import {
  customGrad,
  evaluateFormula,
  explainGradient,
  explainGradientPaths,
  formatFormula,
  type Scalar,
  scalar,
  tensor,
} from '../../src/index.js';
import { closeRel, seed } from './fixture.js';

const REL = 1e-12;

describe('explainGradient({ symbolic: true }) on the seed network', () => {
  it('∂E_total/∂w5: each factor as the tutorial writes it, then its value', () => {
    const net = buildSeedNetwork();
    const text = explainGradient(net.E_total, net.params.w5, { symbolic: true });
    const f = seed.chain_rule_paths.w5.factors;
    const ten = (v: number) => String(Number(v.toPrecision(10))).replace(/^-/, '−');
    expect(text).toContain(`∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = ${ten(f['dout_o1/dl_o1']!)}`);
    expect(text).toContain(`∂E_o1/∂out_o1 = −(t1 − out_o1) = ${ten(f['dE_total/dout_o1']!)}`);
    expect(text).toContain(`∂l_o1/∂w5 = out_h1 = ${ten(f['dl_o1/dw5']!)}`);
    expect(text).toContain('∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = 0.2090716728');
    expect(text).toContain(
      `gradient: ∂E_total/∂w5 = −(t1 − out_o1)·out_o1·(1 − out_o1)·out_h1 = ${ten(seed.chain_rule_paths.w5.product)}`,
    );
  });

  it('every factor formula evaluates to the factor the tape recorded; the sum formula to the gradient', () => {
    const net = buildSeedNetwork();
    for (const wrt of Object.values(net.params)) {
      const e = explainGradientPaths(net.E_total, wrt, { symbolic: true });
      for (const p of e.paths) {
        for (const factor of p.factors)
          expect(closeRel(evaluateFormula(factor.formula!), factor.value!, REL)).toBe(true);
        expect(closeRel(evaluateFormula(p.formula!), p.contribution[0]!, REL)).toBe(true);
      }
      const name = e.wrt;
      expect(closeRel(evaluateFormula(e.formula!), seed.gradients[name]!, REL), name).toBe(true);
    }
  });

  it('∂E_total/∂w1: two paths, via o1 and o2, their formulas and the sum', () => {
    const net = buildSeedNetwork();
    const e = explainGradientPaths(net.E_total, net.params.w1, { symbolic: true });
    expect(e.paths.map((p) => formatFormula(p.formula!, 'text'))).toEqual([
      '−(t1 − out_o1)·out_o1·(1 − out_o1)·w5·out_h1·(1 − out_h1)·i1',
      '−(t2 − out_o2)·out_o2·(1 − out_o2)·w7·out_h1·(1 − out_h1)·i1',
    ]);
    seed.chain_rule_paths.w1.paths.forEach((expected, k) =>
      expect(closeRel(evaluateFormula(e.paths[k]!.formula!), expected.product, REL)).toBe(true),
    );
    // The formula is a function of the labels: other values give the gradient elsewhere.
    const config = { ...TUTORIAL_CONFIG, parameters: { ...TUTORIAL_CONFIG.parameters, w5: 0.7 } };
    const moved = buildSeedNetwork(config);
    const values = new Map<string, number>([
      ...Object.entries(moved.params).map(([k, v]): [string, number] => [k, v.value]),
      ...FORWARD_NAMES.map((k): [string, number] => [k, moved[k].value]),
    ]);
    moved.E_total.backward();
    expect(
      closeRel(
        evaluateFormula(e.formula!, (n) => values.get(n)),
        moved.params.w1.grad,
        1e-12,
      ),
    ).toBe(true);
    expect(closeRel(moved.params.w1.grad, e.sum[0]!, 1e-3)).toBe(false);
  });

  it("the same before and after a plain backward(); steps: 'all' names v-values and lists their definitions", () => {
    const net = buildSeedNetwork();
    const before = explainGradient(net.E_total, net.params.w5, { symbolic: true });
    net.E_total.backward();
    expect(explainGradient(net.E_total, net.params.w5, { symbolic: true })).toBe(before);
    const all = explainGradientPaths(net.E_total, net.params.w5, { symbolic: true, steps: 'all' });
    const names = all.paths[0]!.nodes;
    const generated = names.filter((n) => /^v\d+$/.test(n));
    expect(generated.length).toBeGreaterThan(0);
    const defined = all.definitions.map((d) => d.name);
    for (const d of all.definitions) expect(closeRel(evaluateFormula(d.formula), d.value, REL)).toBe(true);
    // t1 − out_o1 is folded into ½(·)² in labeled mode; here it has a name and a definition.
    expect(all.definitions.map((d) => formatFormula(d.formula, 'text'))).toContain('t1 − out_o1');
    for (const name of defined) expect(all.toString()).toContain(`    ${name} = `);
  });

  it('Markdown writes each path as a table; LaTeX as aligned equations', () => {
    const net = buildSeedNetwork();
    const md = explainGradient(net.E_total, net.params.w5, { symbolic: true, format: 'markdown' });
    expect(md).toContain('| factor | formula | value | ops |');
    expect(md).toContain('| `∂out_o1/∂l_o1` | `out_o1·(1 − out_o1)` | 0.2090716728 | sigmoid |');
    const tex = explainGradient(net.E_total, net.params.w5, { symbolic: true, format: 'latex' });
    expect(tex).toContain(
      '\\frac{\\partial \\mathrm{out}_{\\mathrm{o1}}}{\\partial l_{\\mathrm{o1}}} &= \\mathrm{out}_{\\mathrm{o1}} \\cdot \\left(1 - \\mathrm{out}_{\\mathrm{o1}}\\right) = 0.2090716728',
    );
  });

  it('Tensor graphs keep the numeric explanation and say so', () => {
    const a = tensor([0.5, 1], { dtype: 'float64', requiresGrad: true, label: 'a' });
    const y = a.sigmoid().sum();
    const text = explainGradient(y, a, { symbolic: true });
    expect(text).toContain('note: symbolic formulas cover Scalar graphs');
    expect(text).toContain('Jacobian');
  });
});

describe('symbolic explanations of other graphs', () => {
  it('a custom op is a named factor; the same value used twice adds up (x·x → 2·x)', () => {
    const x = scalar(0.3, { requiresGrad: true, label: 'x' });
    const twice = customGrad<Scalar>({
      name: 'twice',
      forward: (a) => a.mul(2),
      backward: (g) => [g.mul(2)],
    });
    const y = twice(x);
    y.label = 'y';
    const z = y.mul(y).add(x.mul(x));
    z.label = 'z';
    const e = explainGradientPaths(z, x, { symbolic: true });
    const texts = e.paths.map((p) => p.factors.map((f) => formatFormula(f.formula!, 'text')));
    expect(texts).toContainEqual(['2·y', "twice'(x)"]);
    expect(texts).toContainEqual(['2·x']);
    expect(closeRel(evaluateFormula(e.formula!), e.autodiff[0]!, 1e-15)).toBe(true);
  });
});
