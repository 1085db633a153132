// Every console page at a phone's width (375 px) and a laptop's (1280 px), in Chromium: nothing
// wider than the window (tables scroll inside their own box), in light and dark mode.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { ADMIN_TOKEN, startListeningHarness, type HttpHarness } from '../integration/http-harness.ts';

let h: HttpHarness;
let base: string;
let browser: Browser;
let page: Page;
let subscriberId: string;
const ISSUE = 'shipping-log-031';

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  const made = await h.store.createMany(
    Array.from({ length: 30 }, (_, i) => ({
      email: `a-rather-long-address-for-a-phone-${i}@subscribers.console.example`,
      name: `Reader with a long name ${i}`,
      lists: [h.en.listId, h.zh.listId],
      status: 'active' as const,
      consent: {
        at: new Date().toISOString(),
        textVersion: 'console-v1',
        source: 'api' as const,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      },
    })),
  );
  subscriberId = made[0]!.id;
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${base}/admin/login`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/admin`);
  // A scheduled send, so that a send page exists (no worker runs here).
  await page.goto(`${base}/admin/issues/${ISSUE}/send?at=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`);
  await page.getByRole('button', { name: 'Yes, send it' }).click();
  await page.waitForURL(`${base}/admin/sends/${ISSUE}`);
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.skipIf(CHROMIUM_MISSING)(browserSuite('console pages fit the window'), () => {
  const pages = () => [
    '/admin',
    `/admin/issues/${ISSUE}`,
    `/admin/sends/${ISSUE}`,
    `/admin/sends/${ISSUE}/cancel`,
    '/admin/subscribers',
    `/admin/subscribers/${subscriberId}`,
    `/admin/subscribers/${subscriberId}/delete`,
    `/admin/subscribers/${subscriberId}/leave?list=${h.en.listId}`,
    `/admin/subscribers?q=a-rather&list=${h.en.listId}`,
    `/admin/subscribers/bulk?action=unsubscribe&q=a-rather&kind=auto&list=${h.en.listId}&status=`,
  ];

  for (const width of [375, 1280]) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`no page is wider than ${width} px (${scheme})`, async () => {
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: scheme });
        const wide: string[] = [];
        for (const path of pages()) {
          await page.goto(`${base}${path}`);
          const measured = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          if (measured.scroll > measured.inner) wide.push(`${path}: ${measured.scroll} px`);
        }
        expect(wide).toEqual([]);
      });
    }
  }

  it('by keyboard at 375 px: search, open a subscriber, and a bulk unsubscribe that shows the count and asks first', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${base}/admin/subscribers`);
    await page.getByLabel('Address or name starts with').focus();
    await page.keyboard.type('A-RATHER-LONG-ADDRESS-FOR-A-PHONE-2');
    await page.getByLabel('List', { exact: true }).first().selectOption(h.en.listId);
    await page.getByRole('button', { name: 'Search' }).focus();
    await page.keyboard.press('Enter');
    // -2, -20 … -29: eleven of the thirty.
    await page.getByText('11 subscribers match.').waitFor();
    await page.getByRole('link', { name: /Open a-rather-long-address-for-a-phone-2@/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Consent record' }).waitFor();
    await page.goBack();
    await page.getByRole('link', { name: `Unsubscribe all these from ${h.en.listId}…` }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Unsubscribe 11 subscribers from ${h.en.listId}?` }).waitFor();
    expect((await h.store.countByStatus(h.en.listId)).active).toBe(30);
    await page.getByRole('button', { name: 'Yes, all 11' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Unsubscribed 11 subscribers.').waitFor();
    expect((await h.store.countByStatus(h.en.listId)).active).toBe(19);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});
