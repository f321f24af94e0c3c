/**
 * Writes, for each CommonJS entry of a built package (`dist/<name>.cjs`), an ES module
 * `dist/node-esm/<name>.js` that re-exports it name by name.
 *
 * The packages' export maps send Node's `import` to these wrappers and Node's `require` to the
 * CommonJS files themselves, so a Node process loads one build of each package however it is
 * reached: one `Tensor` class, one tape, one random generator. Bundlers, which do not set the
 * `node` condition, still get the ES module build and can tree-shake it.
 *
 * Usage: `tsx scripts/node-esm-wrappers.ts <package dir>` (run by each package's `build`).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The source of a wrapper that re-exports every named export of `../<entry>.cjs`. */
function wrapperSource(entry: string, names: readonly string[]): string {
  const valid = names.filter((n) => n !== 'default' && n !== '__esModule');
  for (const n of valid) {
    if (!/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`${entry}.cjs exports '${n}', not an identifier`);
  }
  return [
    `// Node loads the CommonJS build for import and require alike: one copy of the package's classes and state.`,
    `import cjs from '../${entry}.cjs';`,
    '',
    `export const { ${valid.join(', ')} } = cjs;`,
    '',
  ].join('\n');
}

function main(packageDir: string): void {
  const dist = join(resolve(packageDir), 'dist');
  const entries = readdirSync(dist)
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => f.slice(0, -'.cjs'.length));
  if (entries.length === 0) throw new Error(`no .cjs files in ${dist}: build the package first`);
  const require = createRequire(join(dist, 'index.cjs'));
  mkdirSync(join(dist, 'node-esm'), { recursive: true });
  for (const entry of entries) {
    const names = Object.keys(require(`./${entry}.cjs`) as object);
    writeFileSync(join(dist, 'node-esm', `${entry}.js`), wrapperSource(entry, names));
  }
  console.log(`node-esm wrappers: ${entries.map((e) => `dist/node-esm/${e}.js`).join(', ')}`);
}

main(process.argv[2] ?? '.');
