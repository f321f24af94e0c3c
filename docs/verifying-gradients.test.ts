/**
 * Runs the guide docs/verifying-gradients.md: its ```ts blocks, in order, as one program, and
 * checks that every line of its ```text blocks appears in what the program prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const guide = readFileSync(new URL('./verifying-gradients.md', import.meta.url), 'utf8');
const blocks = [...guide.matchAll(/```(ts|text)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
const code = blocks.filter((b) => b.lang === 'ts').map((b) => b.body);
const outputs = blocks.filter((b) => b.lang === 'text').map((b) => b.body);

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-guide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the guide's code and returns its printed lines. */
async function runGuide(): Promise<string[]> {
  const file = join(dir, 'guide.ts');
  writeFileSync(file, code.join('\n'));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n').split('\n');
}

describe('docs/verifying-gradients.md', () => {
  it('has code blocks, each followed by the output it prints', () => {
    expect(code.length).toBeGreaterThanOrEqual(10);
    expect(outputs.length).toBeGreaterThanOrEqual(10);
  });

  it('runs its code blocks without throwing, and prints every line its output blocks show', async () => {
    const lines = (await runGuide()).map((l) => l.trim());
    const printed = new Set(lines);
    for (const block of outputs) {
      for (const expected of block.split('\n').map((l) => l.trim())) {
        if (expected === '') continue;
        expect(printed.has(expected), `the guide shows a line its code does not print:\n${expected}`).toBe(
          true,
        );
      }
    }
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
