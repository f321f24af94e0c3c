/** The workspace packages that are published (not `private`), read from their package.json files. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A published package: its name, version and folder. */
export interface PublishedPackage {
  name: string;
  version: string;
  dir: string;
}

/** Every package under `packages/` that is not private, in dependency order (core first). */
export function publishedPackages(): PublishedPackage[] {
  const root = join(repoRoot, 'packages');
  const found = readdirSync(root).flatMap((folder) => {
    const dir = join(root, folder);
    const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    return json.private ? [] : [{ name: json.name, version: json.version, dir }];
  });
  // Only core is depended on by the others.
  return found.sort((a, b) => Number(b.name.endsWith('/core')) - Number(a.name.endsWith('/core')));
}

/** The file name `pnpm pack` gives a package's tarball: `@tapegrad/core` 0.1.0 → `tapegrad-core-0.1.0.tgz`. */
export const tarballName = (p: PublishedPackage): string =>
  `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;
