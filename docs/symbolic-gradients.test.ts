/**
 * Runs the guide docs/symbolic-gradients.md and checks the outputs it shows (see
 * docs/support/guide.ts) — and the tutorial's own numbers (from the seed fixture) where the guide
 * shows them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

const fixture = JSON.parse(
  readFileSync(new URL('../packages/core/test/fixtures/seed-examples.json', import.meta.url), 'utf8'),
).examples[0];
const ten = (v: number) => String(Number(v.toPrecision(10))).replace(/^-/, '−');

describe('docs/symbolic-gradients.md', () => {
  it('has a code block for each feature, each followed by what it prints', () => {
    const blocks = guideBlocks('docs/symbolic-gradients.md');
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(10);
    expect(blocks.filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(10);
  });

  it('runs its code blocks, prints every line its output blocks show, and shows the tutorial’s numbers', async () => {
    const run = await runGuide('docs/symbolic-gradients.md');
    expectShownOutputs(run);
    const lines = run.lines;
    const all = lines.join('\n');
    const f = fixture.chain_rule_paths.w5.factors;
    expect(all).toContain(`∂out_o1/∂l_o1 = out_o1·(1 − out_o1) = ${ten(f['dout_o1/dl_o1'])}`);
    expect(all).toContain(`∂E_o1/∂out_o1 = −(t1 − out_o1) = ${ten(f['dE_total/dout_o1'])}`);
    expect(all).toContain(`∂l_o1/∂w5 = out_h1 = ${ten(f['dl_o1/dw5'])}`);
    expect(all).toContain(`sum over paths: ∂E_total/∂w1 = `);
    expect(all).toContain(ten(fixture.chain_rule_paths.w1.sum));
    expect(all).toContain('\\frac{\\partial \\mathrm{out}_{\\mathrm{o1}}}{\\partial l_{\\mathrm{o1}}}');
    expect(all).toContain('\\frac{\\partial E_{\\mathrm{total}}}{\\partial w_{1}} = ');
    for (const mistake of ['constant-factor', 'sign', 'missing-path', 'wrong-value'])
      expect(all).toContain(`→ ${mistake}:`);
    expect(all).toContain("diagnosis for 'l_o1' (rounding)");
    expect(all).toContain("WRONG ('net_h')");
    expect(all).toContain("diagnosis for 'net_h' (transpose)");
    for (const [name, v] of Object.entries(fixture.updated_parameters) as [string, number][]) {
      expect(
        lines.some((l) => l.startsWith(`${name}⁺ = `) && l.endsWith(`= ${ten(v)}`)),
        name,
      ).toBe(true);
    }
  });
});
