/**
 * Runs the README's code blocks and checks the outputs it shows (see docs/support/guide.ts), and
 * that it links every guide of docs/ and its commands exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectShownOutputs, guideBlocks, repoRoot, runGuide } from './support/guide.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

describe('README.md', () => {
  it('runs its code blocks, the training example among them, and prints what it shows', async () => {
    const training = guideBlocks('README.md').find(
      (b) => b.lang === 'ts' && b.body.includes('optimizer.step()'),
    );
    expect(training, 'the README has a training example').toBeDefined();
    expect(training!.body.trim().split('\n').length).toBeLessThanOrEqual(20);
    const run = await runGuide('README.md');
    expectShownOutputs(run);
    expect(run.lines).toContain('accuracy: 1');
  });

  it('links every guide, the playground and the API reference', () => {
    const guides = readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md'));
    expect(guides.length).toBeGreaterThanOrEqual(15);
    for (const g of guides) expect(readme, g).toContain(`](docs/${g})`);
    expect(readme).toContain('](docs/playground/README.md)');
    expect(readme).toContain('`pnpm run docs`');
  });

  it('gives commands that exist: the fresh-machine ones, and every pnpm script it names', () => {
    expect(readme).toContain('npm install -g pnpm@10.34.8 && pnpm install --frozen-lockfile && pnpm start');
    expect(readme).toContain('```sh\nbash .ci/run\n```');
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    const named = [...readme.matchAll(/`pnpm (?:run )?([a-z:]+)/g)].map((m) => m[1]!);
    const builtIn = new Set(['install', 'docs', 'add']); // pnpm's own commands
    for (const s of named) if (!builtIn.has(s)) expect(scripts, `pnpm ${s}`).toHaveProperty(s);
    expect(scripts.docs).toBeDefined();
  });
});
