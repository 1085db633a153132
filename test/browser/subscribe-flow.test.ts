// A person on a phone (375 px, JavaScript off): fills the subscribe form, follows the link from
// the captured confirmation email, later opens the unsubscribe page from a signed link and
// presses the button; then reads the archive. Every page is screenshotted for a person to look at.
import { reachOnlyApp } from '../helpers/app-only.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { publishIssue, toPublishedIssue } from '../../src/campaign/records/publish.ts';
import { loadIssueFile } from '../../src/content/index.ts';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { createRenderer } from '../../src/render/index.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { startListeningHarness, waitForMail, type HttpHarness } from '../integration/http-harness.ts';

let h: HttpHarness;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shots: string;

async function shot(name: string, fullPage = true): Promise<string> {
  const path = join(shots, name);
  await page.screenshot({ path, fullPage });
  return path;
}

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  shots = await mkdtemp(join(tmpdir(), 'subscribe-flow-'));
  browser = await launchBrowser();
  // No JavaScript: the pages must work as plain HTML forms.
  context = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 1, javaScriptEnabled: false, locale: 'zh-CN' });
  page = await context.newPage();
  // Only our server is reachable (it serves the issue's images); any other image gets a placeholder of its size.
  await reachOnlyApp(page, base, (request) => request.url().includes('/issues/'));
  // eslint-disable-next-line no-console
  console.log(`screenshots: ${shots}`);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.skipIf(CHROMIUM_MISSING)(browserSuite('a person on a phone'), () => {
  const email = 'mei.lin@example.org';
  let confirmLink = '';

  it('fills in the subscribe form (and is told about a typo first)', async () => {
    await page.goto(`${base}/subscribe?newsletter=${h.zh.id}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot('01-subscribe.png');

    await page.getByLabel('邮箱地址').fill('mei.lin@');
    await page.getByRole('button', { name: '订阅' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('有效的邮箱地址');
    await shot('02-subscribe-error.png');

    await page.getByLabel('邮箱地址').fill(email);
    await page.getByLabel(/称呼/).fill('林美');
    await page.getByRole('button', { name: '订阅' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('请查收确认邮件');
    await shot('03-check-inbox.png');
  });

  it('follows the link in the confirmation email', async () => {
    const [mail] = await waitForMail(h, email);
    expect(mail!.subject).toBeTruthy();
    const match = /href="([^"]*\/confirm\/[^"]+)"/.exec(String(mail!.html));
    expect(match).not.toBeNull();
    confirmLink = match![1]!.replace(/&amp;/g, '&');
    expect(confirmLink.startsWith(`${base}/confirm/`)).toBe(true);
    await page.goto(confirmLink);
    // Opening the link changes nothing (a link scanner does as much); the person's click confirms.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('确认订阅《预训练周刊》');
    expect((await h.store.findByEmail(email))?.status).toBe('pending');
    await shot('04-confirm-ask.png');
    await page.getByRole('button', { name: '确认订阅' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('订阅成功');
    expect(page.url()).toBe(confirmLink);
    await shot('04-confirmed.png');
    const sub = await h.store.findByEmail(email);
    expect(sub?.status).toBe('active');
    expect(sub?.name).toBe('林美');
  });

  it('reads the web archive', async () => {
    const { issue, newsletter, templates } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
    const renderer = createRenderer(templates, { assetsUrl: h.config.assetsUrl, encodedSizes });
    for (const i of [
      issue,
      { ...issue, id: 'pretrain-weekly-065', number: 65, date: '2022-11-14', subject: '《预训练周刊》第65期:长上下文预训练与数据配比' },
    ]) {
      const { published } = await publishIssue(h.redis, h.keys, toPublishedIssue(await renderer.renderIssue(i, newsletter), i, newsletter));
      await startCampaign(h.redis, h.keys, {
        campaignId: i.id,
        issueId: i.id,
        mode: 'list',
        listId: newsletter.listId,
        contentHash: published.contentHash,
        state: 'sending',
        expected: 1,
      });
    }
    await page.goto(`${base}/issues?newsletter=${h.zh.id}`);
    expect(await page.locator('.issues li').count()).toBe(2);
    await shot('05-archive.png');
    await page.locator('.issues a').last().click();
    expect(page.url()).toBe(`${base}/issues/pretrain-weekly-064`);
    expect(await page.locator('nav a[rel="next"]').getAttribute('href')).toBe('/issues/pretrain-weekly-065');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // The pictures are real: served by the server itself from emails/assets, every one loaded.
    // (The click's navigation waited for `load`, which waits for every image.)
    await page.waitForLoadState('load');
    const images = await page.evaluate(() => [...document.images].map((img) => ({ src: img.src, loaded: img.naturalWidth > 0 })));
    expect(images.length).toBeGreaterThanOrEqual(15);
    for (const img of images) {
      expect(img.src.startsWith(`${base}/assets/`), img.src).toBe(true);
      expect(img.loaded, img.src).toBe(true);
    }
    await shot('06-issue.png');
    // The top (navigation bar) and the bottom (footer: subscribe instead of unsubscribe) at phone size.
    await shot('06-issue-top.png', false);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await shot('06-issue-bottom.png', false);
    expect(await page.content()).not.toContain('/unsubscribe/');
  });

  it('later unsubscribes from a signed link with one button', async () => {
    const sub = (await h.store.findByEmail(email))!;
    await page.goto(`${base}/unsubscribe/${signListToken(h.config.secrets, sub.id, h.zh.listId)}`);
    expect(await page.content()).not.toContain(email);
    expect(await page.getByText('m***@example.org').count()).toBe(1);
    await shot('07-unsubscribe.png');
    await page.getByRole('button', { name: '确认退订' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('已退订');
    await shot('08-unsubscribed.png');
    expect((await h.store.get(sub.id))?.status).toBe('unsubscribed');
    // The old confirmation link does not bring the subscription back.
    await page.goto(confirmLink);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('确认链接无效');
    await shot('09-confirm-invalid.png');
  });

  it('shows an English newsletter in English', async () => {
    await page.goto(`${base}/subscribe?newsletter=${h.en.id}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Subscribe to ${h.en.name}`);
    expect(await page.getByLabel('Email address').count()).toBe(1);
    await shot('10-subscribe-en.png');
    // Dark mode: the same page with the dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${base}/subscribe?newsletter=${h.zh.id}`);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 18, 20)');
    await shot('11-subscribe-dark.png');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('saved a screenshot of every page', () => {
    for (const name of [
      '01-subscribe',
      '02-subscribe-error',
      '03-check-inbox',
      '04-confirmed',
      '05-archive',
      '06-issue',
      '06-issue-top',
      '06-issue-bottom',
      '07-unsubscribe',
      '08-unsubscribed',
      '09-confirm-invalid',
      '10-subscribe-en',
      '11-subscribe-dark',
    ]) {
      const path = join(shots, `${name}.png`);
      expect(existsSync(path), path).toBe(true);
      expect(statSync(path).size).toBeGreaterThan(1000);
    }
  });
});
