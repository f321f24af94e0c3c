/**
 * Headless Chromium for the browser tests: Debian's `chromium` (found with `which chromium`),
 * driven by playwright-core, which downloads no browser of its own. The flags keep Chromium off
 * the network: this machine has none, and background lookups make it hang.
 */
import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where `which chromium` finds the browser; throws saying how to install it if it is missing. */
export function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'no chromium on PATH: `apt-get install -y chromium` (.ci/run does this when it is missing)',
    );
  }
}

/** Starts headless Chromium with the flags above. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
}
