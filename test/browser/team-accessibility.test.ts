// axe-core in Chromium on the team's pages (issue 31), light and dark, 375 and 1280 px: the
// setup login, the member login, the one-time code step, the reset request, choosing a password
// from an invitation, the Team page (with a shown-once invitation link), a member's sessions,
// the removal question, your account (a two-step set-up under way, a token shown once), the
// audit log, and the 403 page a writer meets. No serious or critical violation is allowed.
import { reachOnlyApp } from '../helpers/app-only.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { totpCodeAt } from '../../src/team/totp.ts';
import { describeViolations, type FoundViolation, violationsInEachSchemeAndWidth } from '../helpers/axe.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { PASSWORD } from '../helpers/team.ts';
import { ADMIN_TOKEN, type HttpHarness, startListeningHarness } from '../integration/http-harness.ts';

let h: HttpHarness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ deviceScaleFactor: 1, locale: 'en-GB' });
  const page = await context.newPage();
  await reachOnlyApp(page, base);
  return page;
}

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button, exact: true }).click()]);
}

/** Invites on the Team page; the shown-once link. */
async function invite(admin: Page, email: string, role: string): Promise<string> {
  await admin.goto(`${base}/admin/team`);
  await admin.getByLabel('Email address').fill(email);
  await admin.getByLabel(role, { exact: true }).check();
  await submit(admin, 'Invite');
  return (await admin.locator('main code').filter({ hasText: '/admin/invite/' }).textContent())!;
}

async function choosePassword(page: Page, link: string, found?: FoundViolation[]): Promise<void> {
  await page.goto(link);
  if (found) found.push(...(await violationsInEachSchemeAndWidth(page, 'choose a password')));
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('The same password again').fill(PASSWORD);
  await submit(page, 'Save the password and log in');
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('axe on the team pages'), () => {
  it('finds no serious or critical violation on any of them', async () => {
    const found: FoundViolation[] = [];
    const setup = await newPage();
    await setup.goto(`${base}/admin/login`);
    found.push(...(await violationsInEachSchemeAndWidth(setup, 'setup login')));
    await setup.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await submit(setup, 'Log in');

    const admin = await newPage();
    await choosePassword(admin, await invite(setup, 'ada@a11y.example', 'Admin'), found);
    found.push(...(await violationsInEachSchemeAndWidth(admin, 'home as admin')));
    await invite(admin, 'wen@a11y.example', 'Writer');
    found.push(...(await violationsInEachSchemeAndWidth(admin, 'team, with a shown-once link')));
    const wenLink = (await admin.locator('main code').filter({ hasText: '/admin/invite/' }).textContent())!;
    const id = (await h.redis.hget(h.keys.userEmails(), 'wen@a11y.example'))!;
    for (const [label, path] of [
      ['member sessions', `/admin/team/${id}/sessions`],
      ['remove question', `/admin/team/${id}/remove`],
      ['audit log', '/admin/audit'],
    ] as const) {
      await admin.goto(`${base}${path}`);
      found.push(...(await violationsInEachSchemeAndWidth(admin, label)));
    }

    await admin.goto(`${base}/admin/account`);
    await submit(admin, 'Turn on');
    found.push(...(await violationsInEachSchemeAndWidth(admin, 'account, two-step being set up')));
    const key = (await admin.locator('[data-totp-key]').textContent())!.replace(/ /g, '');
    await admin.getByLabel('Code', { exact: true }).fill(totpCodeAt(key, Date.now()));
    await submit(admin, 'Confirm and turn on');
    await admin.getByLabel('Name (what it is for)').fill('sync');
    await admin.getByLabel('subscribers:read').check();
    await submit(admin, 'Create the token');
    expect(await admin.locator('[data-new-token]').count()).toBe(1);
    found.push(...(await violationsInEachSchemeAndWidth(admin, 'account, a token shown once')));
    // Revoking asks first: the question page, reached by keyboard from the token's row.
    await admin.getByRole('link', { name: 'Revoke…' }).focus();
    await Promise.all([admin.waitForEvent('load'), admin.keyboard.press('Enter')]);
    expect(await admin.getByText('Revoke the API token “sync”?').count()).toBe(1);
    found.push(...(await violationsInEachSchemeAndWidth(admin, 'revoke question')));

    const writer = await newPage();
    await choosePassword(writer, wenLink);
    const refused = await writer.goto(`${base}/admin/subscribers`);
    expect(refused?.status()).toBe(403);
    found.push(...(await violationsInEachSchemeAndWidth(writer, '403 page')));

    const stranger = await newPage();
    await stranger.goto(`${base}/admin/reset`);
    found.push(...(await violationsInEachSchemeAndWidth(stranger, 'reset request')));
    await stranger.goto(`${base}/admin/login`);
    found.push(...(await violationsInEachSchemeAndWidth(stranger, 'member login')));
    await stranger.getByLabel('Email address').fill('ada@a11y.example');
    await stranger.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await submit(stranger, 'Log in');
    expect(new URL(stranger.url()).pathname).toBe('/admin/login/code');
    found.push(...(await violationsInEachSchemeAndWidth(stranger, 'one-time code')));

    expect(found, `serious or critical axe violations:\n${describeViolations(found)}`).toEqual([]);
  }, 180_000);
});
