/**
 * Lints what each published package would ship: `publint --strict` (package.json fields, export
 * maps, files) and `@arethetypeswrong/cli` (types resolve under node10, node16 from CJS and ESM,
 * and bundlers). Run by CI after the build.
 */
import { spawnSync } from 'node:child_process';
import { publishedPackages } from './published.js';

let failed = false;
for (const p of publishedPackages()) {
  for (const [tool, args] of [
    ['publint', ['--strict']],
    ['attw', ['--pack', '.', '--format', 'table-flipped']],
  ] as const) {
    console.log(`\n${tool} ${p.name}`);
    const run = spawnSync('pnpm', ['exec', tool, ...args], { cwd: p.dir, stdio: 'inherit' });
    if (run.status !== 0) {
      console.error(`${tool} failed for ${p.name}`);
      failed = true;
    }
  }
}
process.exit(failed ? 1 : 0);
