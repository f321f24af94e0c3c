/**
 * Helpers for the tests that use the packages as a user would: pack the built packages into
 * tarballs, and run commands in a project outside the repository with npm pointed away from any
 * registry for `@tapegrad/*`, so a lookup of our packages there fails the test instead of passing
 * by luck.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publishedPackages, repoRoot, tarballName } from '../../scripts/published.js';

/** Packs the built packages into `outDir` (what `pnpm pack:all` does after its build); returns the tarballs. */
export function packTarballs(outDir: string): string[] {
  for (const p of publishedPackages()) {
    if (!existsSync(join(p.dir, 'dist', 'index.cjs'))) {
      throw new Error(`${p.name} has no dist/: run \`pnpm build\` before these tests (CI does).`);
    }
  }
  execFileSync('pnpm', ['exec', 'tsx', join(repoRoot, 'scripts', 'pack.ts'), '--out', outDir], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
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

/** Runs a shell script with bash (`-euo pipefail`) in `cwd`; returns its stdout, or throws with stdout and stderr. */
export function sh(script: string, cwd: string, env: NodeJS.ProcessEnv = userNpmEnv()): string {
  try {
    return execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`\`${script}\` failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}
