// The capture inbox's pages as a person sees them in Chromium: on a 375 px phone nothing scrolls
// sideways (long subjects and addresses wrap), subjects and senders read decoded (not as
// `=?UTF-8?B?…?=`), the newest message comes first, each message is a heading reached by Tab,
// and the page follows the system's dark mode.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaptureInbox, type CaptureInbox } from '../../src/dev/capture-inbox.ts';
import { startInboxWeb, type RunningInboxWeb } from '../../src/dev/run-inbox.ts';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';

// Sent in this order; the page must list them the other way round.
const SUBJECTS = [
  'First issue',
  '《预训练周刊》第64期：大模型的预训练、对齐与推理，以及一个足够长、在手机上必须折行的标题',
  'Zoë’s weekly — a subject with an accent and a very-long-unbreakable-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
];
const FROM = '"预训练周刊 编辑部" <weekly@example.com>';
const TO = 'a-very-long-local-part-that-does-not-fit-on-a-phone-screen@subdomain.example.com';

let dir: string;
let inbox: CaptureInbox;
let web: RunningInboxWeb;
let browser: Browser;

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  dir = await mkdtemp(join(tmpdir(), 'inbox-browser-'));
  inbox = await startCaptureInbox({ dir });
  web = await startInboxWeb(inbox, { port: 0, host: '127.0.0.1' });
  const transport = nodemailer.createTransport({ url: inbox.smtpUrl });
  // One after the other: each is stored before the next is sent.
  for (const subject of SUBJECTS) {
    await transport.sendMail({ from: FROM, to: TO, subject, text: `Text of ${subject}`, html: `<p>HTML of ${subject}</p>` });
  }
  transport.close();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await inbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(path: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1, colorScheme });
  const res = await page.goto(`${web.url}${path}`);
  expect(res?.status()).toBe(200);
  return page;
}

/** What overflows a 375 px viewport, if anything (the usual culprits named). */
function widths(page: Page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    overflowing: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName.toLowerCase()}: ${(el.textContent ?? '').slice(0, 40)}`)
      .slice(0, 5),
  }));
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('capture inbox in Chromium at 375 px'), () => {
  it('lists the messages newest first, decoded, without horizontal overflow, in light and dark mode', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open('/inbox', scheme);
      const { scrollWidth, overflowing } = await widths(page);
      expect(overflowing, scheme).toEqual([]);
      expect(scrollWidth, scheme).toBeLessThanOrEqual(375);

      // One heading per message, newest first, each a link to the message.
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Capture inbox');
      const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
      expect(headings).toEqual([...SUBJECTS].reverse());
      const longest = page.getByRole('link', { name: SUBJECTS[1] });
      expect(await longest.isVisible()).toBe(true);

      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), not the DOM property: the test reads the page as rendered (line breaks, no hidden text), as a person sees it.
      const text = await page.locator('body').innerText();
      expect(text).not.toContain('=?');
      expect(text).toContain('预训练周刊 编辑部 <weekly@example.com>');
      expect(text).toContain(TO);

      // Labelled fields (a description list), in the list named for what it holds.
      const list = page.getByRole('list', { name: 'Captured messages, newest first' });
      expect(await list.getByRole('listitem').count()).toBe(SUBJECTS.length);
      expect(await page.locator('li').first().locator('dt').allTextContents()).toEqual(['From', 'To', 'Date', 'File']);

      // The system's colour scheme: a dark page in dark mode, a light one otherwise.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r = 0, g = 0, b = 0] = (background.match(/\d+/g) ?? []).map(Number);
      if (scheme === 'dark') expect(r + g + b, background).toBeLessThan(150);
      else expect(r + g + b, background).toBeGreaterThan(600);
      await page.close();
    }
  });

  it('reaches the newest message first from the keyboard, with a visible focus ring', async () => {
    const page = await open('/inbox');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { text: el.textContent, tag: el.tagName, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused).toEqual({ text: SUBJECTS[2], tag: 'A', outline: 'solid' });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inbox\/\d{13}-\d+$/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(SUBJECTS[2]);
    await page.close();
  });

  it('shows one message with decoded headers and its parts, without horizontal overflow', async () => {
    const [, middle] = await inbox.list();
    const page = await open(`/inbox/${middle!.file.replace(/\.eml$/, '')}`);
    const { scrollWidth, overflowing } = await widths(page);
    expect(overflowing).toEqual([]);
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(SUBJECTS[1]);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(): the page as rendered, as a person reads it.
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('=?');
    // The header table, decoded: Subject and From as a person reads them.
    const table = page.getByRole('table', { name: 'Headers' });
    expect(await table.getByRole('row', { name: /^Subject / }).textContent()).toBe(`Subject${SUBJECTS[1]}`);
    expect(await table.getByRole('row', { name: /^From / }).textContent()).toBe('From预训练周刊 编辑部 <weekly@example.com>');
    expect(await page.frameLocator('iframe[title="HTML part of the message"]').locator('p').textContent()).toBe(`HTML of ${SUBJECTS[1]}`);
    expect(text).toContain(`Text of ${SUBJECTS[1]}`);
    await page.close();
  });
});
