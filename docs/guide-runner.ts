/**
 * Runs a guide: its ```ts blocks, in order, as one program, capturing what it prints, so a test
 * can check that every line of the guide's ```text blocks is printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

/** A guide's code blocks and output blocks. */
export interface Guide {
  code: string[];
  outputs: string[];
}

/** The ```ts and ```text blocks of the Markdown file at `url`. */
export function readGuide(url: URL): Guide {
  const text = readFileSync(url, 'utf8');
  const blocks = [...text.matchAll(/```(ts|text)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1]!,
    body: m[2]!,
  }));
  return {
    code: blocks.filter((b) => b.lang === 'ts').map((b) => b.body),
    outputs: blocks.filter((b) => b.lang === 'text').map((b) => b.body),
  };
}

/** Runs the guide's code and returns its printed lines, trimmed. */
export async function runGuide(guide: Guide): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tapegrad-guide-'));
  const file = join(dir, 'guide.ts');
  writeFileSync(file, guide.code.join('\n'));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
  return printed
    .join('\n')
    .split('\n')
    .map((l) => l.trim());
}

/** The lines of the output blocks that the program did not print. */
export function missingLines(guide: Guide, printed: readonly string[]): string[] {
  const seen = new Set(printed);
  return guide.outputs.flatMap((block) =>
    block
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !seen.has(l)),
  );
}
