/** Runs the guide docs/data.md (from the repository root) and checks the outputs it shows (see docs/support/guide.ts). */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/data.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/data.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(9);
    const run = await runGuide('docs/data.md');
    expectShownOutputs(run);
    const all = run.lines.join('\n');
    expect(all).toContain('header 0 0 8 3 0 0 0 2 0 0 0 2 0 0 0 3');
    expect(all).toContain('epochs differ: true · same seed, same order: true');
    expect(all).toContain('covariance after ZCA 1, 0, 0, 1');
  });
});
