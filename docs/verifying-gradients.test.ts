/**
 * Runs the guide docs/verifying-gradients.md: its ```ts blocks, in order, as one program, and
 * checks that every line of its ```text blocks appears in what the program prints.
 */
import { describe, expect, it } from 'vitest';
import { missingLines, readGuide, runGuide } from './guide-runner.js';

const guide = readGuide(new URL('./verifying-gradients.md', import.meta.url));

describe('docs/verifying-gradients.md', () => {
  it('has code blocks, each followed by the output it prints', () => {
    expect(guide.code.length).toBeGreaterThanOrEqual(10);
    expect(guide.outputs.length).toBeGreaterThanOrEqual(10);
  });

  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    const lines = await runGuide(guide);
    expect(missingLines(guide, lines), 'lines the guide shows but its code does not print').toEqual([]);
    // The markers of each tool, whatever the guide's prose says.
    const all = lines.join('\n');
    expect(all).toContain('∂out_o1/∂l_o1  = 0.2090716728');
    expect(all).toContain('sum over paths: ∂E_total/∂w1 = 0.0004252365908');
    expect(all).toMatch(/all 2 hand-derived gradients agree/);
    expect(all).toMatch(/w1 .*✗ wrong/);
    expect(all).toContain('gradcheck passed: 10 Jacobian entries agree');
    expect(all).toContain('gradcheck FAILED');
  });
});
