/**
 * Runs the guide docs/concepts.md and checks the outputs it shows (see docs/support/guide.ts), and
 * that its pictures are those of the render script's graphs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conceptGraphs } from './scripts/render-concept-graphs.js';
import { expectShownOutputs, guideBlocks, repoRoot, runGuide } from './support/guide.js';

describe('docs/concepts.md', () => {
  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    expect(guideBlocks('docs/concepts.md').filter((b) => b.lang === 'text').length).toBeGreaterThanOrEqual(
      12,
    );
    // First in this file: the guide prints how many Scalar nodes the program has made.
    const run = await runGuide('docs/concepts.md');
    expectShownOutputs(run);
    const all = run.lines.join('\n');
    expect(all).toContain('∂L/∂a = 6 (f·b = 6)');
    expect(all).toContain('[ 27 ] true\n[ 18 ]');
    expect(all).toMatch(/was modified in place after 'mul' used it/);
  });

  it('shows the pictures the render script draws, with the values and gradients of the guide', () => {
    const guide = readFileSync(join(repoRoot, 'docs', 'concepts.md'), 'utf8');
    const fromSvg = (s: string) => s.replace(/&#45;/g, '-').replace(/&amp;/g, '&');
    for (const [name, dot] of Object.entries(conceptGraphs())) {
      expect(guide).toContain(`(assets/${name})`);
      const svg = fromSvg(readFileSync(join(repoRoot, 'docs', 'assets', name), 'utf8'));
      const labels = [...dot.matchAll(/label="([^"]*)"/g)].flatMap((m) => m[1]!.split('\\n'));
      expect(labels.length).toBeGreaterThan(10);
      for (const text of labels)
        expect(svg, `${name} is stale: rerun the script`).toContain(`>${text}</text>`);
    }
    // The pictures show the guide's examples.
    const graphs = conceptGraphs();
    expect(graphs['concepts-scalar-graph.svg']).toContain('a\\nvalue 2\\ngrad 6');
    expect(graphs['concepts-tensor-graph.svg']).toContain('w\\n[2,1] [0.5, -1]\\ngrad [0.8624, 0.1442]');
  });
});
