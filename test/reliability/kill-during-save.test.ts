/**
 * A process SIGKILLed at a random moment while it saves a large model leaves the old file or the
 * new one, byte for byte, never a torn one: the file on disk always decodes, and is exactly one of
 * the two encodings the child alternates between.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeStateFile } from '@tapegrad/nn';
import { loadStateFile, writeFileAtomic } from '@tapegrad/nn/node';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killTestContents } from './child/models.js';

const KILLS_PER_MODE = 12;
const WIDTH = 256; // two 256×256 layers: 132 k parameters, a 2.8 MB state file
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-kill-'));
const bundle = join(dir, 'save-loop.mjs');
const target = join(dir, 'model.json');
let child: ChildProcess | undefined;

beforeAll(async () => {
  // One bundled file starts in milliseconds; the child runs plain node, as an application would.
  await build({
    entryPoints: [fileURLToPath(new URL('./child/save-loop.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)),
    logLevel: 'warning',
  });
});
afterEach(() => child?.kill('SIGKILL'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the child and resolves once it has built its models (before its first save). */
function start(mode: 'save' | 'write'): Promise<ChildProcess> {
  const c = spawn(process.execPath, [bundle, target, String(WIDTH), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = c;
  return new Promise((resolve, reject) => {
    c.once('error', reject);
    c.stdout!.once('data', () => resolve(c));
  });
}

const killed = (c: ChildProcess) => new Promise<void>((resolve) => c.once('exit', () => resolve()));

describe('kill during save', () => {
  it(`leaves the old file or the new one after ${2 * KILLS_PER_MODE} SIGKILLs at random moments (0 corrupt)`, async () => {
    const encodings = [0, 1].map((w) => Buffer.from(encodeStateFile(killTestContents(w, WIDTH))));
    let corrupt = 0;
    let midWrite = 0;
    for (const mode of ['save', 'write'] as const) {
      for (let k = 0; k < KILLS_PER_MODE; k++) {
        writeFileAtomic(target, encodings[k % 2]!); // a good file before every run
        const c = await start(mode);
        await new Promise((r) => setTimeout(r, Math.random() * (mode === 'save' ? 350 : 120)));
        const exit = killed(c);
        c.kill('SIGKILL');
        await exit;
        const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
        if (leftovers.length > 0) midWrite++;
        for (const f of leftovers) rmSync(join(dir, f));
        const bytes = readFileSync(target);
        if (!encodings.some((e) => e.equals(bytes))) corrupt++;
      }
      // byte-equal to an encoding means it decodes; load one to show it
      expect(Object.keys(loadStateFile(target).model)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    }
    console.log(
      `kill during save: ${2 * KILLS_PER_MODE} kills, ${midWrite} inside a write, ${corrupt} corrupt files`,
    );
    expect(corrupt).toBe(0);
    // Most kills in 'write' mode land inside writeFileAtomic (its temporary file is left behind).
    expect(midWrite).toBeGreaterThanOrEqual(4);
  });
});
