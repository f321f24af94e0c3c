/**
 * Packs every published package into one folder (default `out/packages`) as the tarballs a
 * registry would serve, and prints the `npm install` line that adds them to another project.
 * `pnpm pack:all` builds first and then runs this.
 *
 * Usage: `tsx scripts/pack.ts [--out <folder>]`
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { publishedPackages, repoRoot, tarballName } from './published.js';

const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag >= 0 ? process.argv[outFlag + 1]! : join(repoRoot, 'out', 'packages'));
mkdirSync(out, { recursive: true });

const tarballs = publishedPackages().map((p) => {
  if (!existsSync(join(p.dir, 'dist', 'index.js'))) {
    throw new Error(`${p.name} is not built (no dist/index.js): run \`pnpm pack:all\`, which builds first`);
  }
  // pnpm pack turns `workspace:` ranges into the packages' versions.
  execFileSync('pnpm', ['pack', '--pack-destination', out], {
    cwd: p.dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return join(out, tarballName(p));
});
for (const t of tarballs) {
  if (!existsSync(t)) throw new Error(`pnpm pack did not write ${t}`);
}
console.log(`Packed into ${out}. In your project, install them together:\n`);
console.log(`  npm install ${tarballs.join(' ')}\n`);
