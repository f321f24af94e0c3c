/**
 * Helpers for the tests that use the packages as a user would: pack the built packages into
 * tarballs, and run commands in a project outside the repository with npm pointed away from any
 * registry for `@tapegrad/*`, so a lookup of our packages there fails the test instead of passing
 * by luck.
 *
 * Child processes run asynchronously: a test worker blocked in a synchronous call for a minute
 * (npm install, tsc) misses vitest's RPC deadlines.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publishedPackages, repoRoot, tarballName } from '../../scripts/published.js';

/** Packs the built packages into `outDir` (what `pnpm pack:all` does after its build); returns the tarballs. */
export async function packTarballs(outDir: string): Promise<string[]> {
  for (const p of publishedPackages()) {
    if (!existsSync(join(p.dir, 'dist', 'index.cjs'))) {
      throw new Error(`${p.name} has no dist/: run \`pnpm build\` before these tests (CI does).`);
    }
  }
  await run('pnpm', ['exec', 'tsx', join(repoRoot, 'scripts', 'pack.ts'), '--out', outDir], repoRoot);
  return publishedPackages().map((p) => join(outDir, tarballName(p)));
}

/**
 * The environment for npm in a user's project: `@tapegrad` packages resolve only from the given
 * tarballs (their registry is an address where nothing listens), everything else from the
 * registry npm is configured with, preferring its cache.
 */
export const userNpmEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited from pnpm or vitest, these would point npm at the workspace.
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') || key.startsWith('PNPM_') || key === 'INIT_CWD') delete env[key];
  }
  return {
    ...env,
    'npm_config_@tapegrad:registry': 'http://127.0.0.1:9/',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
};

const execFileAsync = promisify(execFile);

/** Runs a program in `cwd`; returns its stdout, or throws with its stdout and stderr. */
export async function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    return stdout;
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`\`${[file, ...args].join(' ')}\` failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** Runs a shell script with bash (`-euo pipefail`) in `cwd`, npm set up as in a user's project; returns its stdout. */
export const sh = (script: string, cwd: string): Promise<string> =>
  run('bash', ['-euo', 'pipefail', '-c', script], cwd, userNpmEnv());
