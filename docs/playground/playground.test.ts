/**
 * Builds the playground (`scripts/build-playground.ts`, what `pnpm playground` runs) and drives
 * each page in headless Chromium, opened from disk as a reader would: (a) one gradient-descent
 * step on the seed network, checked against the fixture, and a clicked weight's chain rule;
 * (b) a stroke drawn on the digit pad and the prediction read back; (c) 50 training steps of the
 * moons demo in its worker, and a loss that fell. Screenshots go to out/artifacts/playground/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/published.js';
import { launchChromium } from '../../test/support/chromium.js';
import { run } from '../../test/support/packages.js';

interface SeedFixture {
  examples: {
    id: string;
    learning_rate: number;
    forward: { E_total: number };
    gradients: Record<string, number>;
    after_step: { loss: number };
  }[];
}
const seed = (
  JSON.parse(
    readFileSync(join(repoRoot, 'packages/core/test/fixtures/seed-examples.json'), 'utf8'),
  ) as SeedFixture
).examples.find((e) => e.id.startsWith('seed001'))!;

const site = mkdtempSync(join(tmpdir(), 'tapegrad-playground-'));
const artifacts = join(repoRoot, 'out', 'artifacts', 'playground');
let browser: Browser;

beforeAll(async () => {
  await run(
    'pnpm',
    ['exec', 'tsx', join(repoRoot, 'scripts', 'build-playground.ts'), '--out', site],
    repoRoot,
  );
  mkdirSync(artifacts, { recursive: true });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  rmSync(site, { recursive: true, force: true });
});

/** Opens a built page from disk; fails the test on any error the page throws. */
async function open(name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(join(site, name)).href);
  return { page, errors };
}

/** An element as this test reads it in the page (this file is type-checked without the DOM library). */
type WithData = { dataset: Record<string, string | undefined> };

/** The `data-<key>` attribute of the element `selector` finds. */
const data = (page: Page, selector: string, key: string) =>
  page.locator(selector).evaluate((el, k) => (el as unknown as WithData).dataset[k] ?? '', key);

describe('the playground, opened from disk in headless Chromium', () => {
  it('(a) takes a gradient-descent step on the seed network and explains a clicked weight', async () => {
    const { page, errors } = await open('seed.html');
    const before = Number(await data(page, '#loss', 'value'));
    expect(Math.abs(before - seed.forward.E_total)).toBeLessThan(1e-12);
    await page.fill('#lr', String(seed.learning_rate));
    await page.click('#step');
    expect(await data(page, '#loss', 'step')).toBe('1');
    const after = Number(await data(page, '#loss', 'value'));
    expect(Math.abs(after - seed.after_step.loss)).toBeLessThan(1e-12);
    await page.click('#reset');
    await page.click('.weight[data-name="w5"]');
    const text = await page.locator('#explain').textContent();
    // The page prints 6 significant digits.
    const shown = Number(text?.match(/gradient: ∂E_total\/∂w5 = (\S+)/)?.[1]);
    expect(Math.abs(shown - seed.gradients.w5!)).toBeLessThan(1e-5 * Math.abs(seed.gradients.w5!));
    expect(text).toMatch(/path 1: E_total → E_o1 → out_o1 → l_o1 → w5/);
    await page.screenshot({ path: join(artifacts, 'seed.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('(b) classifies a digit drawn on the pad, with ten probabilities summing to 1', async () => {
    const { page, errors } = await open('digits.html');
    const box = (await page.locator('#pad').boundingBox())!;
    // A "1": one vertical stroke down the middle.
    await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) {
      await page.mouse.move(box.x + box.width * (0.52 - 0.004 * i), box.y + box.height * (0.15 + 0.035 * i));
    }
    await page.mouse.up();
    await expect.poll(() => data(page, '#prediction', 'digit')).not.toBe('');
    const probabilities = await page
      .locator('[data-probability]')
      .evaluateAll((els) => els.map((e) => Number((e as unknown as WithData).dataset.probability)));
    expect(probabilities).toHaveLength(10);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(await data(page, '#prediction', 'digit')).toBe('1');
    await page.screenshot({ path: join(artifacts, 'digits.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('(c) trains the moons MLP in a worker for 50 steps, and the loss falls', async () => {
    const { page, errors } = await open('moons.html');
    await page.click('#run');
    await expect
      .poll(async () => Number(await data(page, '#status', 'step')), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(50);
    await page.click('#run');
    const first = Number(await data(page, '#status', 'firstLoss'));
    const last = Number(await data(page, '#status', 'loss'));
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThan(first * 0.8);
    await page.screenshot({ path: join(artifacts, 'moons.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
