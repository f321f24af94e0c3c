import { describe, expect, it } from 'vitest';
import { checkHandDerived, explainGradientPaths, TapegradError } from '../../src/index.js';
import { buildFromEquations, closeRel, printed, seed } from './fixture.js';

const REL = 1e-12;
const fresh = () => buildFromEquations(seed.parameters);

/** The number printed after `∂of/∂wrt =` (or after `label =`) on its line of the text. */
const printedFactor = (text: string, term: string, nth = 0): number => {
  const lines = text.split('\n').filter((l) => l.trim().startsWith(term));
  const line = lines[nth];
  if (line === undefined) throw new Error(`no line for ${term} in\n${text}`);
  return Number(/=\s*(-?[\d.e-]+)/.exec(line)![1]);
};

describe('explainGradient on the seed network', () => {
  it('E_total → w5: the factors ∂E/∂out_o1, ∂out_o1/∂l_o1, ∂l_o1/∂w5 and their product', () => {
    const env = fresh();
    const e = explainGradientPaths(env.E_total!, env.w5!);
    const f = seed.chain_rule_paths.w5.factors;
    expect(e.pathCount).toBe(1);
    const [path] = e.paths;
    expect(path!.nodes).toEqual(['E_total', 'E_o1', 'out_o1', 'l_o1', 'w5']);
    const factor = (of: string, wrt: string) =>
      path!.factors.find((x) => x.of === of && x.wrt === wrt)!.value!;
    expect(factor('E_total', 'E_o1')).toBe(1);
    expect(closeRel(factor('E_o1', 'out_o1'), f['dE_total/dout_o1']!, REL)).toBe(true);
    expect(closeRel(factor('out_o1', 'l_o1'), f['dout_o1/dl_o1']!, REL)).toBe(true);
    expect(closeRel(factor('l_o1', 'w5'), f['dl_o1/dw5']!, REL)).toBe(true);
    expect(closeRel(path!.contribution[0]!, seed.chain_rule_paths.w5.product, REL)).toBe(true);

    // The text shows the same numbers (10 significant digits).
    const text = e.toString();
    expect(closeRel(printedFactor(text, '∂out_o1/∂l_o1'), f['dout_o1/dl_o1']!, 1e-9)).toBe(true);
    expect(closeRel(printedFactor(text, '∂l_o1/∂w5'), f['dl_o1/dw5']!, 1e-9)).toBe(true);
    expect(closeRel(printedFactor(text, 'product'), seed.chain_rule_paths.w5.product, 1e-9)).toBe(true);
    expect(text).toContain('path 1: E_total → E_o1 → out_o1 → l_o1 → w5');
    expect(text).toContain('[sigmoid]');
  });

  it('E_total → w1: both paths, via o1 and via o2, their products and the sum', () => {
    const env = fresh();
    const e = explainGradientPaths(env.E_total!, env.w1!);
    expect(e.pathCount).toBe(2);
    const text = e.toString();
    expect(text).toContain('2 paths');
    for (const expected of seed.chain_rule_paths.w1.paths) {
      const k = e.paths.findIndex((p) => p.nodes.includes(`out_${expected.via}`));
      expect(k).toBeGreaterThanOrEqual(0);
      const path = e.paths[k]!;
      expect(path.nodes).toEqual([
        'E_total',
        `E_${expected.via}`,
        `out_${expected.via}`,
        `l_${expected.via}`,
        'out_h1',
        'l_h1',
        'w1',
      ]);
      // The fixture's factors, in order, are the path's factors after ∂E_total/∂E_ok = 1.
      const values = path.factors.map((x) => x.value!);
      expect(values[0]).toBe(1);
      const fixtureFactors = Object.values(expected.factors);
      expect(values).toHaveLength(fixtureFactors.length + 1);
      fixtureFactors.forEach((v, i) =>
        expect(closeRel(values[i + 1]!, v, REL), `${expected.via} factor ${i}`).toBe(true),
      );
      expect(closeRel(path.contribution[0]!, expected.product, REL)).toBe(true);
      expect(closeRel(printedFactor(text, 'product', k), expected.product, 1e-9)).toBe(true);
    }
    expect(e.paths[0]!.nodes).toContain('out_o1'); // the source's order: via o1 first
    expect(closeRel(e.sum[0]!, seed.chain_rule_paths.w1.sum, REL)).toBe(true);
    expect(closeRel(e.autodiff[0]!, seed.gradients.w1!, REL)).toBe(true);
    const sumLine = text.split('\n').find((l) => l.startsWith('sum over paths'))!;
    expect(closeRel(Number(/=\s*(\S+)/.exec(sumLine)![1]), seed.chain_rule_paths.w1.sum, 1e-9)).toBe(true);
  });

  it('works after a plain backward(): the same paths and numbers, the sum equal to .grad', () => {
    const untouched = fresh();
    const before = explainGradientPaths(untouched.E_total!, untouched.w1!);
    const env = fresh();
    env.E_total!.backward();
    const after = explainGradientPaths(env.E_total!, env.w1!);
    expect(after.pathCount).toBe(2);
    expect(after.paths.map((p) => p.nodes)).toEqual(before.paths.map((p) => p.nodes));
    after.paths.forEach((p) => {
      const expected = seed.chain_rule_paths.w1.paths.find((x) => p.nodes.includes(`out_${x.via}`))!;
      expect(closeRel(p.contribution[0]!, expected.product, REL)).toBe(true);
    });
    expect(closeRel(after.sum[0]!, seed.chain_rule_paths.w1.sum, REL)).toBe(true);
    expect(closeRel(after.sum[0]!, after.autodiff[0]!, 1e-15)).toBe(true);
    expect(closeRel(env.w1!.grad, after.sum[0]!, 1e-15)).toBe(true);
    expect(after.toString()).toBe(before.toString());
    // A second backward still needs retainGraph on the first: the graph was released.
    expect(() => env.E_total!.backward()).toThrow(TapegradError);
  });
});

describe("checkHandDerived with the source's printed gradients", () => {
  const handW5 = printed('dE_total/dw5');
  const handW1 = printed('dE_total/dw1');
  const loss = (w5: ReturnType<typeof fresh>[string], w1: ReturnType<typeof fresh>[string]) =>
    buildFromEquations(seed.parameters, { w5: w5!, w1: w1! }).E_total!;

  it('accepts them at atol 1e-8', () => {
    const env = fresh();
    const report = checkHandDerived(loss, [env.w5!, env.w1!], [handW5, handW1], { atol: 1e-8, rtol: 0 });
    expect(report.ok, report.toString()).toBe(true);
    expect(report.rows.map((r) => r.input)).toEqual(['w5', 'w1']);
    expect(closeRel(report.rows[0]!.autodiff, seed.gradients.w5!, REL)).toBe(true);
    expect(Math.abs(report.rows[1]!.numeric - seed.gradients.w1!)).toBeLessThan(1e-9);
  });

  it('rejects one wrong in the 4th significant digit and names that input', () => {
    const env = fresh();
    // One unit in the 4th significant digit of the printed w1 gradient.
    const unit = 10 ** (Math.floor(Math.log10(Math.abs(handW1))) - 3);
    const wrongW1 = handW1 + unit;
    expect(wrongW1.toPrecision(3)).toBe(handW1.toPrecision(3));
    const report = checkHandDerived(loss, [env.w5!, env.w1!], [handW5, wrongW1], { atol: 1e-8, rtol: 0 });
    expect(report.ok).toBe(false);
    expect(report.rows.find((r) => !r.ok)!.input).toBe('w1');
    expect(report.rows.find((r) => r.input === 'w5')!.ok).toBe(true);
    const text = report.toString();
    expect(text).toContain("1 of 2 hand-derived gradients are WRONG ('w1')");
    expect(text).toMatch(/^\s+w1 .*✗ wrong$/m);
    expect(text).toMatch(/^\s+w5 .* ok$/m);
  });
});
