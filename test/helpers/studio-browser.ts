// What the studio's Chromium tests share: a copy of emails/ in a temporary folder (the studio
// writes files), the app on a port over it, Chromium with a context that reaches only that app
// (other images get a placeholder), every console or page error collected, and an editor logged
// in by keyboard.
import { reachOnlyApp } from './app-only.ts';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { ADMIN_TOKEN, startListeningHarness, type HttpHarness } from '../integration/http-harness.ts';

export interface StudioBrowser {
  h: HttpHarness;
  base: string;
  /** The copy of emails/ the app serves and the studio writes. */
  emailsDir: string;
  browser: Browser;
  /** Logged in as the console's editor. */
  context: BrowserContext;
  /** Console errors and uncaught page errors, of every page of the context. */
  problems: string[];
  close(): Promise<void>;
}

export async function startStudioBrowser(env: Record<string, string> = {}): Promise<StudioBrowser> {
  const dir = await mkdtemp(join(tmpdir(), 'nl-studio-browser-'));
  const emailsDir = join(dir, 'emails');
  await cp('emails', emailsDir, { recursive: true });
  const { h, base } = await startListeningHarness({ env: { EMAILS_DIR: emailsDir, ...env } });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: 'en-GB' });
  const problems: string[] = [];
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  await reachOnlyApp(context, base);
  const login = await context.newPage();
  await login.goto(`${base}/admin/login`);
  // The field has autofocus, but a loaded machine may type before it takes effect: focus it first.
  await login.getByLabel('Admin token').focus();
  await login.keyboard.type(ADMIN_TOKEN);
  await Promise.all([login.waitForURL(`${base}/admin`), login.keyboard.press('Enter')]);
  await login.close();
  return {
    h,
    base,
    emailsDir,
    browser,
    context,
    problems,
    async close() {
      await browser.close();
      await h.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
