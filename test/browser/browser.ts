/**
 * Debian's Chromium driven by playwright-core (no browser download), headless and isolated:
 * Playwright gives each launch a fresh temporary profile (--user-data-dir) and removes it after.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../toolchain/chromium.js';
import { repoRoot } from '../../toolchain/paths.js';

export const SCREENSHOTS = path.join(repoRoot, 'test-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium();
  // Playwright adds --headless itself and refuses --user-data-dir in args (it makes a fresh one).
  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS.filter((a) => a !== '--headless'),
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
