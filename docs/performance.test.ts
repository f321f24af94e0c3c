/**
 * Runs the guide docs/performance.md and checks the outputs it shows (see docs/support/guide.ts);
 * checks that its measured figures say how, where and under what load they were taken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, repoRoot, runGuide } from './support/guide.js';

const guide = readFileSync(join(repoRoot, 'docs', 'performance.md'), 'utf8');

describe('docs/performance.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/performance.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(
      3,
    );
    const run = await runGuide('docs/performance.md');
    expectShownOutputs(run);
    expect(run.lines).toContain('identical bits: true');
  });

  it('gives the command, the machine and the load of its figures', () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'benchmarks', 'package.json'), 'utf8')).scripts;
    expect(scripts.performance).toContain('performance-guide.ts');
    expect(guide).toContain('pnpm --filter @tapegrad/benchmarks performance');
    expect(guide).toMatch(/2 vCPUs/);
    // Every table of measured times states its load average.
    const measured = guide.split('\n## ')[0]!;
    expect(measured).toMatch(/\| matmul .* ms/);
    expect(measured).toMatch(/load average \d/);
  });
});
