/**
 * core and nn in a real browser: the built packages (their ES module builds, as a bundler sees
 * them) are bundled with esbuild for the browser platform — which fails on any Node-only import —
 * and run in headless Chromium. The seed network's gradients computed in the page must equal the
 * fixture's exact values within 1e-12, and a small MLP must train there.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedConfig } from '../../packages/examples/src/seed-model.js';
import { launchChromium } from '../support/chromium.js';
import type { PageResults, PageWindow } from './results.js';

interface SeedFixture {
  examples: {
    id: string;
    parameters: SeedConfig['parameters'];
    inputs: SeedConfig['inputs'];
    targets: SeedConfig['targets'];
    gradients: Record<string, number>;
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../packages/core/test/fixtures/seed-examples.json', import.meta.url), 'utf8'),
) as SeedFixture;
const seed = fixture.examples.find((e) => e.id.startsWith('seed001'))!;

let browser: Browser;
let results: PageResults;
let bundleBytes: number;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // Resolve @tapegrad/* through their package.json exports (the built files), not tsconfig paths.
    tsconfigRaw: '{}',
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  bundleBytes = code.length;
  browser = await launchChromium();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!doctype html><title>tapegrad</title>');
  await page.addScriptTag({ content: code });
  const config: SeedConfig = { parameters: seed.parameters, inputs: seed.inputs, targets: seed.targets };
  results = await page.evaluate((c) => (globalThis as unknown as PageWindow).tapegradChecks(c), config);
  expect(errors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('core and nn bundled for the browser, in headless Chromium', () => {
  it('bundle every export of core and nn', async () => {
    // In this test process the package names resolve to the TypeScript sources.
    expect(results.exports.core).toEqual(Object.keys(await import('@tapegrad/core')).sort());
    expect(results.exports.nn).toEqual(Object.keys(await import('@tapegrad/nn')).sort());
    expect(bundleBytes).toBeGreaterThan(50_000);
  });

  it.each(['scalarGradients', 'tensorGradients'] as const)(
    'compute the seed network gradients of the fixture within 1e-12 (%s)',
    (kind) => {
      const got = results[kind];
      expect(Object.keys(got).sort()).toEqual(Object.keys(seed.gradients).sort());
      for (const [name, expected] of Object.entries(seed.gradients)) {
        expect(Math.abs(got[name]! - expected), name).toBeLessThanOrEqual(1e-12);
      }
    },
  );

  it('train a small MLP: the loss falls', () => {
    const { losses } = results;
    expect(losses).toHaveLength(150);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 4);
  });
});
