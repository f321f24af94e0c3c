/**
 * Runs a guide of docs/ as its tests do: the guide's ```ts blocks, in order, as one program, and
 * the printed output of each stretch of code compared with the ```text block that follows it.
 * Blocks in other languages (sh, json, a ```ts block naming a file) are prose for the reader.
 *
 * The program is written inside the repository (under node_modules) and run from the repository
 * root, so its imports resolve as a user's would and relative paths in it mean the same as in a
 * shell at the root.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { expect, vi } from 'vitest';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** One fenced block of a guide. */
export interface GuideBlock {
  readonly lang: 'ts' | 'text';
  readonly body: string;
}

/** A ```text block and what the code before it (back to the previous ```text block) printed. */
export interface ShownOutput {
  /** The guide's lines, trimmed, blank ones dropped. */
  readonly shown: readonly string[];
  /** The lines the code printed, trimmed. */
  readonly printed: readonly string[];
}

/** What running a guide gives. */
export interface GuideRun {
  /** Every line the program printed, trimmed, in order. */
  readonly lines: readonly string[];
  /** Each ```text block with the output it is compared with. */
  readonly outputs: readonly ShownOutput[];
}

/** Marks the end of a ```ts block in the printed output. */
const SEPARATOR = '\u241e tapegrad guide block end';

/** The ```ts and ```text blocks of a guide (its path from the repository root), in order. */
export const guideBlocks = (path: string): GuideBlock[] =>
  parseBlocks(readFileSync(join(repoRoot, path), 'utf8'));

/** The ```ts and ```text blocks of a Markdown text, in order. */
export const parseBlocks = (markdown: string): GuideBlock[] =>
  [...markdown.matchAll(/```(ts|text)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] as 'ts' | 'text',
    body: m[2]!,
  }));

/** The ```ts blocks of a guide (its path from the repository root) joined into one program. */
export const guideProgram = (path: string): string =>
  guideBlocks(path)
    .filter((b) => b.lang === 'ts')
    .map((b) => b.body)
    .join('\n');

/** Runs a guide (its path from the repository root), pairing each ```text block with what the code before it printed. */
export const runGuide = (path: string): Promise<GuideRun> => runBlocks(guideBlocks(path));

/** Runs the ```ts blocks as one program and pairs each ```text block with what the code before it printed. */
export async function runBlocks(blocks: readonly GuideBlock[]): Promise<GuideRun> {
  const program = blocks
    .filter((b) => b.lang === 'ts')
    .map((b) => `${b.body}\nconsole.log(${JSON.stringify(SEPARATOR)});\n`)
    .join('');
  const printed = await runProgram(program);

  // Split the output at the separators: chunk i is what ts block i printed.
  const chunks: string[][] = [[]];
  for (const line of printed) {
    if (line === SEPARATOR) chunks.push([]);
    else chunks.at(-1)!.push(line.trim());
  }
  const outputs: ShownOutput[] = [];
  let block = 0;
  let since: string[] = [];
  for (const b of blocks) {
    if (b.lang === 'ts') since.push(...(chunks[block++] ?? []));
    else {
      outputs.push({ shown: nonBlankLines(b.body), printed: since });
      since = [];
    }
  }
  return { lines: chunks.flat(), outputs };
}

/**
 * Asserts that every ```text block's lines were printed by the code before it, in the same order
 * (a guide may leave lines out, as long as it says so; it may not add, change or reorder any).
 */
export function expectShownOutputs(run: GuideRun): void {
  for (const { shown, printed } of run.outputs) {
    let at = 0;
    for (const line of shown) {
      const found = printed.indexOf(line, at);
      expect(
        found,
        `the guide shows a line that the code before it does not print (in this order):\n${line}\n\nprinted:\n${printed.join('\n')}`,
      ).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  }
}

const nonBlankLines = (s: string): string[] =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

/** Imports `program` from a file inside the repository, from the root, and returns its printed lines. */
async function runProgram(program: string): Promise<string[]> {
  const dir = mkdtempSync(join(repoRoot, 'node_modules', '.tapegrad-guide-'));
  const file = join(dir, 'guide.ts');
  writeFileSync(file, program);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args)); // as Node's console.log prints them
  });
  const cwd = process.cwd();
  try {
    process.chdir(repoRoot);
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(cwd);
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
  return printed.join('\n').split('\n');
}
