import { describe, expect, it } from 'vitest';
import { buildSeedNetwork } from '../../../examples/src/seed-model.js';
import { backpropWorksheet, evaluateFormula, TapegradError, tensor } from '../../src/index.js';
import { closeRel, seed } from './fixture.js';

const REL = 1e-12;
const ten = (v: number) => String(Number(v.toPrecision(10))).replace(/^-/, '−');

/** The fixture's backward intermediates by the value they are the gradient of. */
const intermediates: Record<string, number> = {
  out_o1: seed.backward_intermediates.dE_dout_o1!,
  out_o2: seed.backward_intermediates.dE_dout_o2!,
  l_o1: seed.backward_intermediates.dE_dl_o1!,
  l_o2: seed.backward_intermediates.dE_dl_o2!,
  out_h1: seed.backward_intermediates.dE_dout_h1!,
  out_h2: seed.backward_intermediates.dE_dout_h2!,
  l_h1: seed.backward_intermediates.dE_dl_h1!,
  l_h2: seed.backward_intermediates.dE_dl_h2!,
};

describe('backpropWorksheet on the seed network', () => {
  const net = buildSeedNetwork();
  const sheet = backpropWorksheet(net.E_total, { lr: seed.learning_rate });

  it('forward values in creation order, each with an equation that evaluates to it', () => {
    expect(sheet.forward.map((v) => v.name)).toEqual(Object.keys(seed.forward));
    for (const v of sheet.forward) {
      expect(closeRel(v.value, seed.forward[v.name]!, REL), v.name).toBe(true);
      expect(closeRel(evaluateFormula(v.formula!), seed.forward[v.name]!, 1e-12), v.name).toBe(true);
    }
    expect(sheet.given.map((g) => g.name)).toEqual([...Object.keys(seed.parameters), 'i1', 'i2', 't1', 't2']);
  });

  it('every gradient equals the fixture, each the sum of upstream × local over its terms', () => {
    const byName = new Map(sheet.backward.map((g) => [g.name, g]));
    for (const [name, g] of [...Object.entries(seed.gradients), ...Object.entries(intermediates)]) {
      expect(closeRel(byName.get(name)!.value, g, REL), name).toBe(true);
    }
    for (const g of sheet.backward) {
      const sum = g.terms.reduce((s, t) => s + t.upstream * t.localValue, 0);
      expect(sum).toBe(g.value);
      for (const t of g.terms) expect(closeRel(evaluateFormula(t.local), t.localValue, 1e-12)).toBe(true);
    }
    expect(sheet.autodiffDifference).toBeLessThan(1e-17);
  });

  it('backward order: a value after everything it feeds; w5 right after the output layer, before out_h1', () => {
    const order = sheet.backward.map((g) => g.name);
    const at = (n: string) => order.indexOf(n);
    expect(at('E_o1')).toBeLessThan(at('out_o1'));
    expect(at('l_o1')).toBeLessThan(at('w5'));
    expect(at('w5')).toBeLessThan(at('out_h1'));
    expect(at('out_h1')).toBeLessThan(at('l_h1'));
    expect(at('b2')).toBeGreaterThan(Math.max(at('l_o1'), at('l_o2')));
    expect(sheet.backward.find((g) => g.name === 'out_h1')!.terms.map((t) => t.via)).toEqual([
      'l_o1',
      'l_o2',
    ]);
  });

  it('one descent step gives the fixture updated parameters, and the text shows every number', () => {
    for (const u of sheet.update)
      expect(closeRel(u.updated, seed.updated_parameters[u.name]!, REL), u.name).toBe(true);
    const text = sheet.toString();
    const lines = text.split('\n').map((l) => l.trim());
    for (const [name, v] of Object.entries(seed.forward)) {
      expect(
        lines.some((l) => l.startsWith(`${name} = `) && l.endsWith(`= ${ten(v)}`)),
        name,
      ).toBe(true);
    }
    for (const v of Object.values(seed.gradients)) expect(lines).toContain(`= ${ten(v)}`);
    for (const [name, v] of Object.entries(seed.updated_parameters)) {
      expect(
        lines.some((l) => l.startsWith(`${name}⁺ = `) && l.endsWith(`= ${ten(v)}`)),
        name,
      ).toBe(true);
    }
    expect(text).toContain(
      '∂E_total/∂out_h1 = ∂E_total/∂l_o1 · ∂l_o1/∂out_h1 + ∂E_total/∂l_o2 · ∂l_o2/∂out_h1',
    );
    expect(text).toContain('= ∂E_total/∂l_o1 · w5 + ∂E_total/∂l_o2 · w7');
    expect(text).toContain('l_h1 = w1·i1 + w2·i2 + b1 = 0.05·0.1 + 0.15·0.2 + 0.35 = 0.385');
  });

  it('reads the graph only: the same before and after backward(), no .grad touched', () => {
    const fresh = buildSeedNetwork();
    const before = backpropWorksheet(fresh.E_total).toString();
    expect(fresh.params.w5.grad).toBe(0);
    fresh.E_total.backward();
    expect(backpropWorksheet(fresh.E_total).toString()).toBe(before);
    expect(closeRel(fresh.params.w5.grad, seed.gradients.w5!, REL)).toBe(true);
  });

  it('Markdown tables and LaTeX carry the same numbers; Tensor graphs are refused', () => {
    const md = backpropWorksheet(net.E_total, { format: 'markdown' }).toString();
    expect(md).toContain('| `l_h1` | `w1·i1 + w2·i2 + b1` | `0.05·0.1 + 0.15·0.2 + 0.35` | 0.385 |');
    const tex = backpropWorksheet(net.E_total, { format: 'latex', lr: 0.5 }).toString();
    expect(tex).toContain('w_{5}^{+} &= 0.25 - 0.5 \\times \\left(-0.01837502154\\right)');
    const t = tensor([1, 2], { requiresGrad: true });
    // @ts-expect-error a Tensor output is refused at run time too
    expect(() => backpropWorksheet(t.sum())).toThrow(TapegradError);
  });
});
