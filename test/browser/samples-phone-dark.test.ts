// Every sample issue on a 375 px phone, in light and in dark mode: no block passes the screen's
// right edge, and dark mode really switches the page's colours. Plus `preview --screenshot
// --dark` as an editor runs it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueImages, knownImageSizes, loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { launchBrowser, openEmail } from '../../src/preview/screenshot.ts';
import { createRenderer, personalise } from '../../src/render/index.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';

const ASSETS = { url: 'https://news.example.test/assets', dir: 'emails/assets' };
let browser: Browser;
let dir: string;
const samples: Array<{ file: string; html: string; sizes: Map<string, { width: number; height: number }> }> = [];

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  for (const name of (await readdir('emails/issues')).filter((f) => f.endsWith('.yaml')).sort()) {
    const file = `emails/issues/${name}`;
    const { issue, newsletter, templates } = await loadIssueFile(file);
    const rendered = await createRenderer(templates, { assetsUrl: ASSETS.url, encodedSizes }).renderIssue(issue, newsletter);
    const { html } = personalise(rendered, {
      unsubscribeUrl: 'https://news.example.test/unsubscribe/T',
      viewOnlineUrl: `https://news.example.test/issues/${issue.id}`,
      name: 'Ada Lovelace-Byron',
    });
    samples.push({ file, html, sizes: knownImageSizes(issueImages(issue, newsletter)) });
  }
  browser = await launchBrowser();
  dir = await mkdtemp(join(tmpdir(), 'nl-dark-'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(CHROMIUM_MISSING)(browserSuite('sample issues on a phone, light and dark'), () => {
  it('has at least the two samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(2);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`no block overflows 375 px in ${scheme} mode`, async () => {
      for (const sample of samples) {
        const page = await openEmail(browser, sample.html, 375, sample.sizes, ASSETS, scheme);
        const seen = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          // What scrolls inside its own box (a code block, a wide table) is meant to: not counted.
          overflowing: [...document.querySelectorAll('body *')]
            .filter((el) => !el.parentElement?.closest('.nl-md-scroll'))
            .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
            .slice(0, 5),
          background: getComputedStyle(document.body).backgroundColor,
          cardText: getComputedStyle(document.querySelector('.nl-card p') ?? document.body).color,
        }));
        await page.close();
        expect(seen.scrollWidth, sample.file).toBeLessThanOrEqual(375);
        expect(seen.overflowing, sample.file).toEqual([]);
        if (scheme === 'dark') {
          // The templates' prefers-color-scheme styles: a near-black page and light text.
          expect(seen.background, sample.file).toBe('rgb(17, 18, 20)');
          expect(seen.cardText, sample.file).toBe('rgb(230, 230, 232)');
        } else {
          expect(seen.background, sample.file).not.toBe('rgb(17, 18, 20)');
        }
      }
    }, 60_000);
  }

  it('a long code line and a wide table scroll in their own box on a phone instead of widening the message', async () => {
    const { issue, newsletter, templates } = await loadIssueFile('emails/issues/field-notes-012.yaml');
    const wide = [
      '```',
      `curl -sS -X POST https://news.example.com/api/campaigns -H "Authorization: Bearer $ADMIN_TOKEN" -d '{"issueId":"field-notes-012","at":"2024-03-14T08:00:00Z"}'`,
      '```',
      '',
      '| shard | masters | replicas | memory | CPU per message | messages per second | notes |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 1 | 1 | 1 | 1.2 GB | 0.10 ms | 9,900 | the default single Redis |',
    ].join('\n');
    const rendered = await createRenderer(templates, { assetsUrl: ASSETS.url, encodedSizes }).renderIssue(
      { ...issue, sections: [{ kind: 'text', title: 'Wide things', markdown: wide }] },
      newsletter,
    );
    const { html } = personalise(rendered, { unsubscribeUrl: 'https://news.example.test/unsubscribe/T', viewOnlineUrl: 'https://news.example.test/issues/x' });
    const page = await openEmail(browser, html, 375, new Map(), ASSETS);
    const seen = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      boxes: [...document.querySelectorAll('.nl-md-scroll')].map((el) => ({
        what: el.firstElementChild?.tagName.toLowerCase(),
        left: el.getBoundingClientRect().left,
        right: el.getBoundingClientRect().right,
        scrolls: el.scrollWidth > el.clientWidth,
      })),
    }));
    await page.close();
    expect(seen.scrollWidth).toBeLessThanOrEqual(375);
    expect(seen.boxes).toHaveLength(2);
    for (const box of seen.boxes) {
      // Each box fills the column (24 px margins) and stays inside the screen.
      expect(box.left, box.what).toBeGreaterThanOrEqual(0);
      expect(box.right - box.left, box.what).toBeGreaterThan(300);
      expect(box.right, box.what).toBeLessThanOrEqual(375);
    }
    // The code line cannot wrap: it scrolls in its box. The table may wrap its cells instead.
    expect(seen.boxes.find((b) => b.what === 'pre')?.scrolls).toBe(true);
  }, 60_000);

  it('`preview --screenshot --dark` saves the 375 and 600 px dark-mode PNGs and says so', async () => {
    const target = join(dir, 'notes.png');
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        'node',
        ['--import', 'tsx', 'src/cli/main.ts', 'preview', 'emails/issues/field-notes-012.yaml', '--screenshot', target, '--dark'],
        { env: { ...process.env, LOG_LEVEL: 'silent' } },
        (error, out) => (error ? reject(error) : resolve({ stdout: out })),
      );
    });
    expect(stdout).toBe(`${join(dir, 'notes-375-dark.png')} (375 px, dark mode)\n${join(dir, 'notes-600-dark.png')} (600 px, dark mode)\n`);
    for (const width of [375, 600]) {
      const png = await readFile(join(dir, `notes-${width}-dark.png`));
      expect(png.readUInt32BE(16)).toBe(width);
    }
  }, 90_000);
});
