// Issue 64 as a reader sees it in a browser: no horizontal scrolling on a 375 px phone, and
// full-page screenshots at phone and desktop widths for a person to look at.
import { encodedSizes } from '../../src/mail/index.ts';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueImages, knownImageSizes, loadIssueFile } from '../../src/content/index.ts';
import { launchBrowser, openEmail, screenshotEmail } from '../../src/preview/screenshot.ts';
import { createRenderer, personalise } from '../../src/render/index.ts';

const ASSETS = { url: 'https://news.example.test/assets', dir: 'emails/assets' };
let browser: Browser;
let dir: string;
let html: string;
let sizes: Map<string, { width: number; height: number }>;

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  const { issue, newsletter, templates } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
  // Images under emails/assets load from their files (openEmail's local assets), as in `preview`.
  const rendered = await createRenderer(templates, { assetsUrl: ASSETS.url, encodedSizes }).renderIssue(issue, newsletter);
  html = personalise(rendered, {
    unsubscribeUrl: 'https://example.com/unsubscribe/SAMPLE',
    viewOnlineUrl: 'https://example.com/issues/pretrain-weekly-064',
    name: '读者',
  }).html;
  sizes = knownImageSizes(issueImages(issue, newsletter));
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'issue-mobile-'));
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('issue 64 in Chromium'), () => {
  it('fits a 375 px phone without horizontal overflow', async () => {
    const page = await openEmail(browser, html, 375, sizes, ASSETS);
    const metrics = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      bodyScrollWidth: document.body.scrollWidth,
      // Elements whose right edge passes the viewport (the usual culprits: fixed-width tables, images).
      overflowing: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
      images: [...document.images].map((img) => ({ done: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width })),
    }));
    await page.close();
    expect(metrics.scrollWidth).toBeLessThanOrEqual(375);
    expect(metrics.bodyScrollWidth).toBeLessThanOrEqual(375);
    expect(metrics.overflowing).toEqual([]);
    // Every image loaded (the real files under emails/assets) and none is wider than the screen.
    expect(metrics.images.length).toBeGreaterThanOrEqual(15);
    expect(metrics.images.every((img) => img.done && img.width <= 375)).toBe(true);
  });

  it('saves full-page screenshots at 375 and 600 px', async () => {
    const shots = [375, 600].map((width) => ({ width, path: join(dir, `issue-64-${width}.png`) }));
    await screenshotEmail(html, shots, sizes, ASSETS);
    for (const shot of shots) {
      const png = await readFile(shot.path);
      expect(png.length).toBeGreaterThan(20_000);
      const size = pngSize(png);
      expect(size.width).toBe(shot.width);
      expect(size.height).toBeGreaterThan(2_000); // a long issue, full page
    }
  });
});
