/**
 * Runs the guide docs/interop.md (from the repository root, as its paths expect) and checks the
 * outputs it shows (see docs/support/guide.ts).
 */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/interop.md', () => {
  it('has code blocks, each followed by the output it prints', () => {
    const blocks = guideBlocks('docs/interop.md');
    expect(blocks.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(5);
  });

  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    const run = await runGuide('docs/interop.md');
    expectShownOutputs(run);
    // The guide's claims, whatever its prose says.
    const all = run.lines.join('\n');
    expect(all).toContain('same outputs: true');
    expect(all).toContain('largest difference from tapegrad below 1e-5: true');
    expect(all).toMatch(/op 'where' .* has no ONNX mapping/);
  });
});
