/** Runs the guide docs/transforms.md and checks the outputs it shows (see docs/support/guide.ts). */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/transforms.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/transforms.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(
      10,
    );
    const run = await runGuide('docs/transforms.md');
    expectShownOutputs(run);

    // Every computed answer equals the analytic one printed beside it.
    const sideBySide = run.lines.filter((l) => /\sby hand\s+[[\d-]/.test(l));
    expect(sideBySide.length).toBeGreaterThanOrEqual(9);
    for (const line of sideBySide) {
      const value = String.raw`(\[.*\]|-?[\d.]+(?:e-?\d+)?)`;
      const m = line.match(new RegExp(`${value}\\s+by hand\\s+${value}$`));
      expect(m, line).not.toBeNull();
      expect(m![1], line).toBe(m![2]);
    }
    const all = run.lines.join('\n');
    expect(all).toContain('hessian [ [ 4, 2 ], [ 2, 12 ] ]');
    expect(all).toContain('custom at 0 [ 0, 0, 0 ]');
    expect(all).not.toMatch(/: false$/m);
  });
});
