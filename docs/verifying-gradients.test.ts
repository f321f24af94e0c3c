/** Runs the guide docs/verifying-gradients.md and checks the outputs it shows (see docs/support/guide.ts). */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/verifying-gradients.md', () => {
  it('has code blocks, each followed by the output it prints', () => {
    const blocks = guideBlocks('docs/verifying-gradients.md');
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(10);
    expect(blocks.filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(10);
  });

  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    const run = await runGuide('docs/verifying-gradients.md');
    expectShownOutputs(run);
    // The markers of each tool, whatever the guide's prose says.
    const all = run.lines.join('\n');
    expect(all).toContain('∂out_o1/∂l_o1  = 0.2090716728');
    expect(all).toContain('sum over paths: ∂E_total/∂w1 = 0.0004252365908');
    expect(all).toMatch(/all 2 hand-derived gradients agree/);
    expect(all).toMatch(/w1 .*✗ wrong/);
    expect(all).toContain('gradcheck passed: 10 Jacobian entries agree');
    expect(all).toContain('gradcheck FAILED');
  });
});
