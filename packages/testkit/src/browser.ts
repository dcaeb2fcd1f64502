import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: playwright-core drives it, no browser download. */
export const CHROMIUM = process.env.TOMCAT_PD_TEST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Starts a headless Chromium for the page tests, or throws saying how to install it: a test that
 * needs a real browser never passes without one. `--no-sandbox`: the tests run as root in CI
 * containers, where Chromium's sandbox cannot start.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM} for the browser tests: install Debian's with ` +
        '"apt-get update && apt-get install -y chromium", or point TOMCAT_PD_TEST_CHROMIUM at one.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
