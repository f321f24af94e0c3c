/** Runs the guide docs/debugging.md and checks the outputs it shows (see docs/support/guide.ts). */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/debugging.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/debugging.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(
      8,
    );
    const run = await runGuide('docs/debugging.md');
    expectShownOutputs(run);
    const all = run.lines.join('\n');
    // Every error the guide provokes is a TapegradError naming its op, and the checks catch what they should.
    expect(run.lines.filter((l) => l.startsWith('[')).length).toBeGreaterThanOrEqual(10);
    expect(all).not.toContain('no error');
    expect(all).toContain('gradcheck FAILED');
    expect(all).toContain('no gradient: unused.weight, unused.bias');
  });
});
