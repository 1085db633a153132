// axe-core in Chromium on every surface a person sees (issue #30): each sample issue's email as
// rendered (light and dark, 375 and 600 px), every public page (landing, subscribe, confirm,
// unsubscribe, preferences, archive list and issue) and every console page (login included),
// the pages in light and dark at 375 and 1280 px. No serious or critical violation is allowed;
// the failure message lists each rule with the nodes that break it. One browser and one
// listening app serve them all.
import { reachOnlyApp } from '../helpers/app-only.ts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/campaign/records/ledger.ts';
import { loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { launchBrowser, openEmail } from '../../src/preview/screenshot.ts';
import { publishWithSendUnderWay, SAMPLE_IDS, subscriberEmail } from '../helpers/sample-issues.ts';
import { createRenderer } from '../../src/render/index.ts';
import { createConfirmation, signListToken, signPreferencesToken } from '../../src/subscribers/tokens.ts';
import { type FoundViolation as Found, describeViolations, violationsInEachSchemeAndWidth } from '../helpers/axe.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { ADMIN_TOKEN, type HttpHarness, startListeningHarness } from '../integration/http-harness.ts';

const ASSETS = { url: 'https://news.example.test/assets', dir: 'emails/assets' };
const EMAIL_WIDTHS = [375, 600] as const;
const SEND_ISSUE = 'shipping-log-031';

let browser: Browser;
let h: HttpHarness;
let base: string;
const emails = new Map<string, string>();
let publicPage: Page;
let consolePage: Page;
/** Paths filled in once the subscribers and tokens exist. */
const publicPaths: Record<string, string> = {};
const consolePaths: Record<string, string> = {};
/** The login page's, found before logging in. */
let consoleLoginViolations: Found[] = [];

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  await renderAndPublishSamples();
  await makeSubscribersAndTokens();
  browser = await launchBrowser();
  publicPage = await appOnlyPage(await browser.newContext({ deviceScaleFactor: 1 }));
  consolePage = await appOnlyPage(await browser.newContext({ deviceScaleFactor: 1 }));
  await logIn(consolePage);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Each sample's email as a subscriber gets it, and published with a send under way, so the archive serves it. */
async function renderAndPublishSamples(): Promise<void> {
  for (const id of SAMPLE_IDS) {
    const { issue, newsletter, templates } = await loadIssueFile(`emails/issues/${id}.yaml`);
    const rendered = await createRenderer(templates, { assetsUrl: ASSETS.url, encodedSizes }).renderIssue(issue, newsletter);
    emails.set(issue.id, subscriberEmail(rendered, issue.id));
    const forArchive = await createRenderer(templates, { assetsUrl: h.config.assetsUrl, encodedSizes }).renderIssue(issue, newsletter);
    await publishWithSendUnderWay(h, forArchive, issue, newsletter);
  }
}

/** A reader (for the unsubscribe, preferences and console pages) and a pending one with a confirmation link. */
async function makeSubscribersAndTokens(): Promise<void> {
  const consent = { at: new Date().toISOString(), textVersion: 'v1', source: 'api' as const };
  const { subscriber: reader } = await h.store.create({
    email: 'ada@readers.example',
    name: 'Ada',
    locale: 'en',
    lists: [h.en.listId],
    status: 'active',
    consent,
  });
  const { subscriber: pending } = await h.store.create({
    email: 'grace@readers.example',
    name: 'Grace',
    locale: 'en',
    lists: [h.en.listId],
    status: 'pending',
    consent,
  });
  const confirmToken = await createConfirmation(h.redis, h.keys, { subscriberId: pending.id, listId: h.en.listId }, 48);
  Object.assign(publicPaths, {
    landing: '/',
    subscribe: `/subscribe?newsletter=${h.en.id}`,
    confirm: `/confirm/${confirmToken}`,
    unsubscribe: `/unsubscribe/${signListToken(h.config.secrets, reader.id, h.en.listId)}`,
    preferences: `/preferences/${signPreferencesToken(h.config.secrets, reader.id, h.en.listId)}`,
    'archive list': `/issues?newsletter=${h.en.id}`,
    ...Object.fromEntries(SAMPLE_IDS.map((id) => [`archive issue ${id}`, `/issues/${id}`])),
  });
  Object.assign(consolePaths, {
    home: '/admin',
    issue: `/admin/issues/${SEND_ISSUE}`,
    send: `/admin/sends/${SEND_ISSUE}`,
    'cancel send': `/admin/sends/${SEND_ISSUE}/cancel`,
    subscribers: '/admin/subscribers',
    subscriber: `/admin/subscribers/${reader.id}`,
    'delete subscriber': `/admin/subscribers/${reader.id}/delete`,
    'leave list': `/admin/subscribers/${reader.id}/leave?list=${h.en.listId}`,
    search: `/admin/subscribers?q=ada&list=${h.en.listId}`,
    'bulk unsubscribe': `/admin/subscribers/bulk?action=unsubscribe&q=ada&kind=auto&list=${h.en.listId}&status=`,
    // The studio (its issue page's "Edit" redirects to the editor's own URL) and its revisions.
    studio: `/admin/issues/${SEND_ISSUE}/edit`,
    revisions: `/admin/issues/${SEND_ISSUE}/revisions`,
  });
}

/** A page that reaches only the app; any other image is a placeholder of its size, anything else is blocked. */
async function appOnlyPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  // Only the archive's pages are read for image sizes; the rest (logins, redirects) pass as they are.
  await reachOnlyApp(page, base, (request) => request.resourceType() === 'document' && new URL(request.url()).pathname.startsWith('/issues'));
  return page;
}

/** The login page is checked first, logged out. (The send pages exist: every sample has a send under way, for the archive.) */
async function logIn(page: Page): Promise<void> {
  await page.goto(`${base}/admin/login`);
  consoleLoginViolations = await violationsInEachSchemeAndWidth(page, 'login');
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${base}/admin`);
}

/** Opens `path` on the app and checks it in each scheme and width. */
async function pageViolations(page: Page, label: string, path: string): Promise<Found[]> {
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  expect(response?.status(), `${label}: ${path}`).toBe(200);
  return violationsInEachSchemeAndWidth(page, label);
}

function expectNoViolations(found: readonly Found[]): void {
  expect(found, `serious or critical axe violations:\n${describeViolations(found)}`).toEqual([]);
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('axe: no serious or critical violations'), () => {
  it('covers at least the three samples', () => {
    expect([...emails.keys()]).toEqual(expect.arrayContaining(['field-notes-012', 'pretrain-weekly-064', 'shipping-log-031']));
  });

  for (const id of SAMPLE_IDS) {
    it(`${id}: the email, light and dark, 375 and 600 px`, async () => {
      const page = await openEmail(browser, emails.get(id) ?? '', EMAIL_WIDTHS[0], new Map(), ASSETS);
      const found = await violationsInEachSchemeAndWidth(page, `${id} email`, EMAIL_WIDTHS);
      await page.close();
      expectNoViolations(found);
    }, 60_000);
  }

  it('every public page, light and dark, 375 and 1280 px', async () => {
    const found: Found[] = [];
    for (const [label, path] of Object.entries(publicPaths)) found.push(...(await pageViolations(publicPage, label, path)));
    expectNoViolations(found);
  }, 120_000);

  it('every console page, login included, light and dark, 375 and 1280 px', async () => {
    const found = [...consoleLoginViolations];
    for (const [label, path] of Object.entries(consolePaths)) found.push(...(await pageViolations(consolePage, label, path)));
    expectNoViolations(found);
  }, 120_000);

  it('the import pages (preview, progress) and a send page with its report, light and dark, 375 and 1280 px', async () => {
    const found: Found[] = [];
    await consolePage.goto(`${base}/admin/subscribers`);
    await consolePage
      .locator('#import-file')
      .setInputFiles({ name: 'readers.csv', mimeType: 'text/csv', buffer: Buffer.from('email,name\nlin@readers.example,Lin\n') });
    await consolePage.getByRole('button', { name: 'Preview…' }).click();
    await consolePage.waitForURL(/\/admin\/subscribers\/import\/[^/]+$/);
    found.push(...(await violationsInEachSchemeAndWidth(consolePage, 'import preview')));
    await consolePage.getByRole('button', { name: 'Import', exact: true }).click();
    await consolePage.waitForURL(/\/admin\/subscribers\/import\/jobs\//);
    // The page reloads itself while the import runs; it is checked once done.
    await consolePage.locator('[data-import-job="done"]').waitFor();
    found.push(...(await violationsInEachSchemeAndWidth(consolePage, 'import progress')));
    // One message of a send counted sent, as a worker would: its page now shows the report.
    await new Ledger(h.redis, h.keys).finish(SEND_ISSUE, 'a11y-reader', 'sent');
    await consolePage.goto(`${base}/admin/sends/${SEND_ISSUE}`);
    expect(await consolePage.locator('#report').count()).toBe(1);
    expect(await consolePage.locator('[data-chart="chart-sent"] svg').count()).toBe(1);
    found.push(...(await violationsInEachSchemeAndWidth(consolePage, 'send with its report')));
    expectNoViolations(found);
  }, 120_000);
});
