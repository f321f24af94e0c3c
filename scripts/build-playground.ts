/**
 * `pnpm playground`: builds docs/playground into a static folder (default `out/playground`) that
 * opens from disk (file://) or from any static server. Each page's script is one esbuild bundle of
 * its source with @tapegrad/core and @tapegrad/nn (resolved to their TypeScript sources, so no
 * package build is needed first). Nothing is fetched at run time: the moons worker's code is
 * inlined and started from a Blob, and the MNIST model is a script that sets a global.
 *
 * The digit page needs the model.json that `pnpm start` writes (`out/model.json`). Without one,
 * this script trains a small one first with the same program (the default MLP, 1 epoch on 6000
 * images, about 88 % test accuracy; it takes under a minute) into `out/playground-model/`, and
 * reuses it on later builds. `--model PATH` picks another model.json.
 *
 * Usage: `tsx scripts/build-playground.ts [--out DIR] [--model PATH]`
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './published.js';

const source = join(repoRoot, 'docs', 'playground');

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Whether `path` is a state file (what `pnpm start` writes today; older versions wrote another format). */
function isStateFile(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format === 'tapegrad-state';
  } catch {
    return false;
  }
}

/** `path`, checked to be a state file the digit page can read. */
function stateFile(path: string): string {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  if (!isStateFile(path)) {
    throw new Error(
      `${path} is not a tapegrad state file (an older pnpm start wrote it?); train it again with pnpm start`,
    );
  }
  return resolve(path);
}

/** The model.json to ship: the one given, the one `pnpm start` wrote, or a short training run's. */
function findModel(): string {
  const given = option('--model');
  if (given !== undefined) return stateFile(given);
  const fromStart = join(repoRoot, 'out', 'model.json');
  if (existsSync(fromStart)) return stateFile(fromStart);
  const small = join(repoRoot, 'out', 'playground-model');
  // A cached model from an older version is trained again.
  if (!isStateFile(join(small, 'model.json'))) {
    console.log(
      'No out/model.json from `pnpm start`: training a small MLP (1 epoch on 6000 images) for the digit page…',
    );
    execFileSync('pnpm', ['start', '--epochs', '1', '--limit', '6000', '--out', small], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return join(small, 'model.json');
}

/** One page script (or the worker) bundled for the browser; returns its code. */
async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(source, 'src', entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    // The repository's tsconfig maps @tapegrad/* to their sources.
    tsconfig: join(repoRoot, 'tsconfig.browser.json'),
    define,
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

async function main(): Promise<void> {
  const out = resolve(option('--out') ?? join(repoRoot, 'out', 'playground'));
  const model = findModel();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(source)) {
    if (file.endsWith('.html') || file.endsWith('.css')) copyFileSync(join(source, file), join(out, file));
  }
  const worker = await bundle('moons-worker.ts');
  const scripts: Record<string, string> = {
    'seed.js': await bundle('seed-page.ts'),
    'digits.js': await bundle('digits-page.ts'),
    'moons.js': await bundle('moons-page.ts', { __MOONS_WORKER__: JSON.stringify(worker) }),
  };
  for (const [name, code] of Object.entries(scripts)) writeFileSync(join(out, name), code);
  // A script, not a fetch: pages opened from disk may not fetch files beside them.
  const json = readFileSync(model, 'utf8');
  JSON.parse(json); // a truncated or foreign file fails here, not in the page
  writeFileSync(
    join(out, 'mnist-model.js'),
    `globalThis.tapegradMnistModel = ${json};\nglobalThis.tapegradMnistModelSource = ${JSON.stringify(relative(repoRoot, model))};\n`,
  );
  const kb = (s: string) => `${Math.round(s.length / 1024)} KB`;
  console.log(
    `Playground in ${out} (${Object.entries(scripts)
      .map(([n, c]) => `${n} ${kb(c)}`)
      .join(', ')}; model ${relative(repoRoot, model)}, ${kb(json)}).`,
  );
  console.log(`Open ${join(out, 'index.html')} in a browser, or serve the folder with any static server.`);
}

await main();
