/**
 * Renders a .docx (docx-html.ts) with Debian's Chromium and saves a full-page PNG, so a developer
 * can look at a produced document as a picture:
 *
 *   npx tsx test/support/screenshot-docx.ts 简报.docx briefing.png
 */
import { readFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from '../../toolchain/chromium.js';
import { docxToHtml } from './docx-html.js';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('用法：npx tsx test/support/screenshot-docx.ts <输入.docx> <输出.png>');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: await ensureChromium(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  await page.setContent(await docxToHtml(await readFile(input)));
  await page.screenshot({ path: output, fullPage: true });
  console.log(`已写入 ${output}`);
} finally {
  await browser.close();
}
