// A team in Chromium (issue 31), each member in a browser of their own: the setup with the admin
// token invites the first admin, who invites a writer by mail; the writer joins from the mailed
// link, edits the issue in the studio and test-sends it to themself, but cannot send it to the
// list; an editor sends it; the admin removes the writer, whose open page goes to the login on
// its next request; the audit log shows each step with who and when; an API token with
// subscribers:read cannot write. Real app on a port, real Redis, a worker, an SMTP sink.
import { reachOnlyApp } from '../helpers/app-only.ts';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { runWorker, type RunningWorker } from '../../src/worker/run-worker.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { PASSWORD } from '../helpers/team.ts';
import { waitUntil } from '../helpers/wait.ts';
import { ADMIN_TOKEN, startListeningHarness, waitForMail, type HttpHarness } from '../integration/http-harness.ts';

const ISSUE = 'field-notes-012';
let h: HttpHarness;
let base: string;
let dir: string;
let worker: RunningWorker;
let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Page;
let writer: Page;
let editor: Page;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB' });
  contexts.push(context);
  await reachOnlyApp(context, base);
  return context.newPage();
}

/** Fills a field found by its label and presses Enter (the form's submit), waiting for the next page. */
async function enter(page: Page, label: string, text: string, exact = true): Promise<void> {
  const field = page.getByLabel(label, { exact });
  await field.focus();
  await field.fill(text);
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

async function press(page: Page, button: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).focus();
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

/** The member's part: opens the invitation link, chooses the password, lands in the console. */
async function joinTeam(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('New password').fill(PASSWORD);
  await enter(page, 'The same password again', PASSWORD);
  expect(new URL(page.url()).pathname).toBe('/admin');
}

/** The admin invites a member with a role; returns the link from the invitation mail. */
async function invite(email: string, role: 'Writer' | 'Editor' | 'Admin'): Promise<string> {
  await admin.goto(`${base}/admin/team`);
  await admin.getByLabel('Email address').fill(email);
  await admin.getByLabel(role, { exact: true }).check();
  await press(admin, 'Invite');
  await admin.getByText(`Invited ${email}`).waitFor();
  const [mail] = await waitForMail(h, email);
  return /(https?:\/\/\S+\/admin\/invite\/\S+)/.exec(mail!.text ?? '')![1]!;
}

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  dir = await mkdtemp(join(tmpdir(), 'nl-team-flow-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  ({ h, base } = await startListeningHarness({ env: { EMAILS_DIR: join(dir, 'emails') } }));
  await h.store.createMany(Array.from({ length: 5 }, (_, i) => ({ email: `reader-${i + 1}@team.example`, lists: [h.en.listId], status: 'active' as const })));
  worker = await runWorker(h.config, { concurrency: 4, transactional: false, log: pino({ level: 'silent' }) });
  browser = await launchBrowser();
  admin = await newPage();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await worker?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(CHROMIUM_MISSING)(browserSuite('a team in Chromium'), () => {
  it('sets up the first admin with the admin token, then the token opens nothing', async () => {
    await admin.goto(`${base}/admin/login`);
    await enter(admin, 'Admin token', ADMIN_TOKEN);
    const link = await invite('ada@team.example', 'Admin');
    await joinTeam(admin, link);
    await admin.goto(`${base}/admin/account`);
    expect(await admin.getByText('You are logged in as ada@team.example (Admin).').count()).toBe(1);
    const stranger = await newPage();
    await stranger.goto(`${base}/admin/login`);
    expect(await stranger.getByLabel('Admin token').count()).toBe(0);
    expect(await stranger.getByLabel('Email address').count()).toBe(1);
    const refused = await stranger.request.post(`${base}/admin/login`, { form: { token: ADMIN_TOKEN } });
    expect(refused.status()).not.toBe(303);
  });

  it('invites a writer, who edits and test-sends to themself but cannot send to the list', async () => {
    const link = await invite('wen@team.example', 'Writer');
    writer = await newPage();
    await joinTeam(writer, link);
    await writer.goto(`${base}/admin/issues/${ISSUE}/edit`);
    await enter(writer, 'Subject', 'Field notes 12, as Wen wrote it');
    await writer.getByText('Saved. The file on disk is the version shown here.').waitFor();

    await writer.goto(`${base}/admin/issues/${ISSUE}`);
    expect(await writer.getByLabel('Send a [TEST] copy to').inputValue()).toBe('wen@team.example');
    // No send button to lead to a refusal: the page says who sends instead.
    expect(await writer.getByRole('button', { name: 'Send…' }).count()).toBe(0);
    expect(await writer.getByText('takes an editor or an admin of its newsletter').count()).toBe(1);
    await press(writer, 'Send test');
    await writer.getByText('Test copy queued to 1 address.').waitFor();
    await waitUntil('the test copy to wen', () => h.sink.messages.some((m) => m.to.includes('wen@team.example') && m.raw.toString().includes('TEST')));

    const refused = await writer.goto(`${base}/admin/issues/${ISSUE}/send`);
    expect(refused?.status()).toBe(403);
    expect(await writer.getByRole('alert').textContent()).toContain('wen@team.example (Writer) cannot do this: it needs the permission “campaigns:send”.');
  });

  it('lets an editor send the issue to the list', async () => {
    const link = await invite('eve@team.example', 'Editor');
    editor = await newPage();
    await joinTeam(editor, link);
    await editor.goto(`${base}/admin/issues/${ISSUE}`);
    await press(editor, 'Send…');
    await press(editor, 'Yes, send it');
    expect(new URL(editor.url()).pathname).toBe(`/admin/sends/${ISSUE}`);
    await waitUntil('the issue to the five readers', () => h.sink.messages.filter((m) => m.to.some((to) => to.startsWith('reader-'))).length === 5);
  });

  it("ends the writer's open session at once when the admin removes them", async () => {
    await admin.goto(`${base}/admin/team`);
    const row = admin.getByRole('row').filter({ hasText: 'wen@team.example' });
    await row.getByRole('link', { name: 'Remove' }).focus();
    await Promise.all([admin.waitForEvent('load'), admin.keyboard.press('Enter')]);
    await press(admin, 'Remove');
    await admin.getByText('Removed wen@team.example; 1 session ended.').waitFor();
    await writer.reload();
    expect(new URL(writer.url()).pathname).toBe('/admin/login');
  });

  it('shows each step in the audit log with who and when', async () => {
    await admin.goto(`${base}/admin/audit`);
    const rows = await admin
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs
          .map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''))
          .map(([when, who, action, target]) => ({ when, who, action, target })),
      );
    const steps = rows.reverse().map((r) => `${r.who} ${r.action} ${r.target}`);
    for (const step of [
      'ADMIN_TOKEN login setup',
      'ADMIN_TOKEN member-invite ada@team.example',
      'ada@team.example password-set ada@team.example',
      'ada@team.example member-invite wen@team.example',
      'wen@team.example password-set wen@team.example',
      `wen@team.example issue-save ${ISSUE}`,
      `wen@team.example test-send ${ISSUE}`,
      'eve@team.example password-set eve@team.example',
      `eve@team.example send ${ISSUE}`,
      'ada@team.example member-remove wen@team.example',
    ])
      expect(steps, step).toContain(step);
    // In the order they happened, each with its time.
    expect(steps.indexOf(`wen@team.example test-send ${ISSUE}`)).toBeLessThan(steps.indexOf(`eve@team.example send ${ISSUE}`));
    expect(rows.every((r) => /\d/.test(r.when ?? ''))).toBe(true);
  });

  it('makes an API token with subscribers:read that cannot write', async () => {
    await admin.goto(`${base}/admin/account`);
    await admin.getByLabel('Name (what it is for)').fill('crm read');
    await admin.getByLabel('subscribers:read').check();
    await press(admin, 'Create the token');
    const token = (await admin.locator('[data-new-token]').textContent())!;
    const read = await fetch(`${base}/api/subscribers`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    const write = await fetch(`${base}/api/subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'api@team.example', list: h.en.listId, confirmed: true }),
    });
    expect(write.status).toBe(403);
    expect(await h.store.findByEmail('api@team.example')).toBeNull();
    await admin.reload();
    expect(await admin.locator('[data-new-token]').count()).toBe(0);
  });
});
