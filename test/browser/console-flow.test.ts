// An editor in Chromium, keyboard only: logs in, opens the sample issue (previews, text, lint),
// test-sends it and sees it arrive, sends it to 200 subscribers through the confirmation step,
// pauses and resumes on the way, watches the page reach "done", opens the queues, logs out and
// is refused. Real app on a port, real Redis, a real worker, a real SMTP sink. Each page is
// screenshotted (CONSOLE_SHOTS_DIR=docs/console writes the ones README shows).
import { reachOnlyApp } from '../helpers/app-only.ts';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { runWorker, type RunningWorker } from '../../src/worker/run-worker.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { ADMIN_TOKEN, METRICS_TOKEN, startListeningHarness, type HttpHarness } from '../integration/http-harness.ts';

const ISSUE = 'pretrain-weekly-064';
const LIST_SIZE = 200;
let h: HttpHarness;
let worker: RunningWorker;
let base: string;
let browser: Browser;
let page: Page;
let shots: string;

/** The whole page: the viewport is stretched to it first, since full-page captures leave sandboxed iframes blank. */
async function shot(name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 600), 4000) });
  await page.screenshot({ path: join(shots, `${name}.png`) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Every visible form control has a label (or aria-label), every button a name. */
async function unlabelledControls(): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button')]
      .filter((el) => {
        if (el instanceof HTMLButtonElement) return !(el.textContent ?? '').trim() && !el.getAttribute('aria-label');
        const control = el as HTMLInputElement;
        return (control.labels?.length ?? 0) === 0 && !control.getAttribute('aria-label');
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  for (let i = 0; i < LIST_SIZE; i += 100) {
    await h.store.createMany(
      Array.from({ length: 100 }, (_, j) => ({ email: `reader-${i + j + 1}@console.example`, lists: [h.zh.listId], status: 'active' as const })),
    );
  }
  worker = await runWorker(h.config, { concurrency: 8, transactional: false, log: pino({ level: 'silent' }) });
  shots = process.env.CONSOLE_SHOTS_DIR ? resolve(process.env.CONSOLE_SHOTS_DIR) : await mkdtemp(join(tmpdir(), 'console-flow-'));
  await mkdir(shots, { recursive: true });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB' });
  page = await context.newPage();
  // Only our server is reachable; other images (none in the samples) get a placeholder.
  await reachOnlyApp(page, base);
  // eslint-disable-next-line no-console
  console.log(`screenshots: ${shots}`);
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await h?.close();
});

describe.skipIf(CHROMIUM_MISSING)(browserSuite('the editor console in Chromium'), () => {
  it('logs in with the keyboard', async () => {
    await page.goto(`${base}/admin`);
    expect(page.url()).toBe(`${base}/admin/login`);
    expect(await unlabelledControls()).toEqual([]);
    await shot('login');
    // The token field has the focus (autofocus): type and press Enter.
    await page.keyboard.type('wrong-token');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('That admin token is not right');
    await page.getByLabel('Admin token').focus();
    await page.keyboard.type(ADMIN_TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin`);
    expect(await page.locator('h1').textContent()).toBe('Issues');
    expect(await unlabelledControls()).toEqual([]);
    await shot('home');
  });

  it('opens the sample issue: previews at two widths, text part, lint and size', async () => {
    await page.getByRole('link', { name: ISSUE }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin/issues/${ISSUE}`);
    const frames = page.locator('iframe');
    expect(await frames.count()).toBe(2);
    const phone = await frames.nth(1).boundingBox();
    expect(Math.round(phone!.width)).toBe(375);
    // The preview renders inside the sandboxed frame.
    const inside = page.frameLocator('iframe[title*="Phone"]');
    await inside.locator('body').waitFor();
    expect(await inside.locator('body').textContent()).toContain('预训练周刊');
    expect(await page.locator('pre.text').textContent()).toContain('预训练周刊');
    expect(await page.getByText(/HTML part .* KB on the wire/).count()).toBe(1);
    expect(await page.getByText(`${LIST_SIZE} active subscribers`).count()).toBe(1);
    await page.frameLocator('iframe[title*="Desktop"]').locator('body').waitFor();
    expect(await unlabelledControls()).toEqual([]);
    await shot('issue');
  });

  it('test-sends to an address and the message arrives', async () => {
    await page.getByLabel('Send a [TEST] copy to').focus();
    await page.keyboard.type('editor@console.example');
    await page.keyboard.press('Enter');
    await page.getByText('Test copy queued to 1 address.').waitFor();
    await h.sink.waitFor(1);
    const test = h.sink.messages.find((m) => m.to.includes('editor@console.example'));
    expect(test).toBeDefined();
    expect(test!.raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    // Post/redirect/get: the page is a GET, so reloading it sends nothing again and says nothing again.
    expect(page.url()).toBe(`${base}/admin/issues/${ISSUE}`);
    const methods: string[] = [];
    const record = (request: { method(): string; isNavigationRequest(): boolean }) => request.isNavigationRequest() && methods.push(request.method());
    page.on('request', record);
    await page.reload();
    page.off('request', record);
    await page.getByRole('heading', { name: 'Test send' }).waitFor();
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.filter((m) => m !== 'GET')).toEqual([]);
    expect(await page.getByText('Test copy queued to 1 address.').count()).toBe(0);
  });

  it('sends to the list through a confirmation, pauses and resumes on the way, reaches done', async () => {
    // Half the list is held at RCPT TO, so the send is surely under way when pause is pressed.
    const held = h.sink.hold((to) => /^reader-(1\d\d|200)@/.test(to));
    await page.getByRole('button', { name: 'Send…' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Send this issue?' }).waitFor();
    expect(await page.getByText(`It goes to ${LIST_SIZE} active subscribers`).count()).toBe(1);
    await shot('send-confirm');
    await page.getByRole('button', { name: 'Yes, send it' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin/sends/${ISSUE}`);
    // A worker runs here: no "no worker" warning.
    expect(await page.locator('[data-no-worker]').count()).toBe(0);
    await held.waitForHeld(1);
    await page.getByRole('button', { name: 'Pause' }).focus();
    const pausing = page.keyboard.press('Enter');
    // Pause answers once the transactions under way are over: let the held ones go (they are withdrawn).
    held.release();
    await pausing;
    await page.locator('[data-live-status][data-state="paused"]').waitFor();
    const paused = JSON.parse(await (await page.request.get(`${base}/admin/sends/${ISSUE}/status.json`)).text());
    expect(paused.state).toBe('paused');
    expect(paused.sent).toBeLessThan(LIST_SIZE);
    await shot('send-paused');
    await page.getByRole('button', { name: 'Resume' }).focus();
    await page.keyboard.press('Enter');
    // The live script reloads the page when the state changes; wait for "done".
    await page.locator('[data-live-status][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-field=sent]').textContent()).toBe(String(LIST_SIZE));
    const perAddress = new Map<string, number>();
    for (const m of h.sink.messages) for (const to of m.to) if (to.startsWith('reader-')) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    expect(perAddress.size).toBe(LIST_SIZE);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    await page.getByLabel("Subscriber's address").focus();
    await page.keyboard.type('reader-7@console.example');
    await page.keyboard.press('Enter');
    await page.getByText('reader-7@console.example: sent (the server accepted it)').waitFor();
    expect(await unlabelledControls()).toEqual([]);
    await shot('send-done');
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain(`newsletter_messages_sent_total{newsletter="${h.zh.id}"} ${LIST_SIZE}`);
  });

  it('adds a subscriber from the subscribers page', async () => {
    await page.goto(`${base}/admin/subscribers`);
    expect(await unlabelledControls()).toEqual([]);
    await page.getByLabel('Address', { exact: true }).focus();
    await page.keyboard.type('new-reader@console.example');
    await page.getByLabel('They already agreed (add as active, no confirmation mail)').first().focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Add', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('new-reader@console.example is an active subscriber.').waitFor();
    await shot('subscribers');
  });

  it('shows the queues (Bull Board) behind the same session', async () => {
    await page.goto(`${base}/admin/queues`);
    await page.getByText('transactional', { exact: false }).first().waitFor();
    await page.getByText('Loading...').waitFor({ state: 'hidden' });
    await shot('queues');
  });

  it('logs out and is refused afterwards', async () => {
    await page.goto(`${base}/admin`);
    await page.getByRole('button', { name: 'Log out' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin/login?done=logout`);
    expect(await page.getByRole('status').textContent()).toContain('You are logged out.');
    await page.goto(`${base}/admin/issues/${ISSUE}`);
    expect(page.url()).toBe(`${base}/admin/login`);
    const refused = await page.request.post(`${base}/admin/issues/${ISSUE}/send`, { form: { confirm: 'yes' } });
    expect(refused.status()).toBe(401);
  });
});
