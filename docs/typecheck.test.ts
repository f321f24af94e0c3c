/**
 * Type-checks the code of the README and of every guide that has a test of its own
 * (docs/<guide>.test.ts runs it) as a user's project would: each one's ```ts blocks as one module,
 * under the repository's strict settings, importing the packages by name.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { guideBlocks, guideProgram, repoRoot } from './support/guide.js';

const guides = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md') && existsSync(join(repoRoot, 'docs', f.replace(/\.md$/, '.test.ts'))))
    .map((f) => `docs/${f}`),
].filter((g) => guideBlocks(g).some((b) => b.lang === 'ts'));

const dir = mkdtempSync(join(repoRoot, 'node_modules', '.tapegrad-guide-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the guides’ code', () => {
  it('includes the guides this suite runs', () => {
    expect(guides).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/verifying-gradients.md',
        'docs/interop.md',
        'docs/concepts.md',
      ]),
    );
  });

  it('type-checks under strict settings', async () => {
    for (const g of guides)
      writeFileSync(join(dir, g.replace(/^docs\//, '').replace(/\.md$/, '.ts')), guideProgram(g));
    const src = (p: string) => join(repoRoot, 'packages', p);
    const tsconfig = {
      extends: join(repoRoot, 'tsconfig.base.json'),
      compilerOptions: {
        noEmit: true,
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules', '@types')],
        paths: {
          '@tapegrad/core': [src('core/src/index.ts')],
          '@tapegrad/nn': [src('nn/src/index.ts')],
          '@tapegrad/nn/node': [src('nn/src/node.ts')],
        },
      },
      include: ['*.ts'],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (e: { stdout?: string; message: string }) => e.stdout || e.message,
    );
    expect(result).toBe('');
  }, 120_000);
});
