/**
 * Runs the guide docs/interop.md: its ```ts blocks, in order, as one program, and checks that
 * every line of its ```text blocks appears in what the program prints. The program is written
 * inside the repository (under node_modules) so that its imports resolve as a user's would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(new URL('./interop.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/```(ts|text)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
const code = blocks.filter((b) => b.lang === 'ts').map((b) => b.body);
const outputs = blocks.filter((b) => b.lang === 'text').map((b) => b.body);

const dir = mkdtempSync(join(root, 'node_modules', '.tapegrad-guide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the guide's code (from the repository root, as its paths expect) and returns its printed lines. */
async function runGuide(): Promise<string[]> {
  const file = join(dir, 'guide.ts');
  writeFileSync(file, code.join('\n'));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  const cwd = process.cwd();
  try {
    process.chdir(root);
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(cwd);
    spy.mockRestore();
  }
  return printed.join('\n').split('\n');
}

describe('docs/interop.md', () => {
  it('has code blocks, each followed by the output it prints', () => {
    expect(code.length).toBeGreaterThanOrEqual(5);
    expect(outputs.length).toBeGreaterThanOrEqual(5);
  });

  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    const lines = (await runGuide()).map((l) => l.trim());
    if (process.env.SHOW_GUIDE_OUTPUT) console.log(lines.join('\n'));
    const printed = new Set(lines);
    for (const block of outputs) {
      for (const expected of block.split('\n').map((l) => l.trim())) {
        if (expected === '') continue;
        expect(printed.has(expected), `the guide shows a line its code does not print:\n${expected}`).toBe(
          true,
        );
      }
    }
    // The guide's claims, whatever its prose says.
    const all = lines.join('\n');
    expect(all).toContain('same outputs: true');
    expect(all).toContain('largest difference from tapegrad below 1e-5: true');
    expect(all).toMatch(/op 'where' .* has no ONNX mapping/);
  });
});
