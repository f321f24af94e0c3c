/** Runs the guide docs/networks.md and checks the outputs it shows (see docs/support/guide.ts). */
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, runGuide } from './support/guide.js';

describe('docs/networks.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/networks.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(
      10,
    );
    const run = await runGuide('docs/networks.md');
    expectShownOutputs(run);
    const all = run.lines.join('\n');
    // The schedule equals the formula at every epoch; the models train; saving round-trips.
    const epochs = run.lines.filter((l) => l.startsWith('epoch '));
    expect(epochs).toHaveLength(5);
    for (const line of epochs) {
      const [, lr, byHand] = line.match(/lr (\S+) \(by hand (\S+)\)/)!;
      expect(lr).toBe(byHand);
    }
    expect(all).toContain('training accuracy 100%');
    expect(all).toContain('test accuracy 100%');
    expect(all).toContain('same outputs: true');
    expect(all).toContain('frozen weight grad null');
  }, 120_000);
});
