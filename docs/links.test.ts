/**
 * Every relative link of the README and the guides points at a file that exists, and every
 * `#anchor` at a heading of its target (anchors as GitHub makes them from headings).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/guide.js';

const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string): Set<string> =>
  new Set(
    [
      ...readFileSync(file, 'utf8')
        .replace(/```[\s\S]*?```/g, '')
        .matchAll(/^#{1,6} (.+)$/gm),
    ].map((m) => slug(m[1]!)),
  );

describe('links in the README and the guides', () => {
  it('point at files and headings that exist', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
      const text = readFileSync(join(repoRoot, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // an absolute URL
        const [path, anchor] = target!.split('#');
        const file = path ? join(repoRoot, dirname(page), path) : join(repoRoot, page);
        checked++;
        if (!existsSync(file)) broken.push(`${page}: ${target} (no file ${relative(repoRoot, file)})`);
        else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
          broken.push(`${page}: ${target} (no heading)`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(broken).toEqual([]);
  });

  it('make anchors as GitHub does', () => {
    expect(slug('`customGrad`: your own backward rule')).toBe('customgrad-your-own-backward-rule');
    expect(slug('Memory without `dispose()`')).toBe('memory-without-dispose');
  });
});
