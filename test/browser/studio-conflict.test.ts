// Two tabs and a closed one, in Chromium (issue 28): two editors open the same issue; the first
// saves, the second's save is refused with the difference shown and is written only when its
// editor chooses "Save mine over theirs". A tab closed after typing (never saved) leaves its
// draft: opening the issue again offers it, and it opens with what was typed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { type StudioBrowser, startStudioBrowser } from '../helpers/studio-browser.ts';

const ISSUE = 'field-notes-012';
let s: StudioBrowser;
let base: string;
let file: string;
let context: BrowserContext;

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  s = await startStudioBrowser();
  ({ base, context } = s);
  file = join(s.emailsDir, 'issues', `${ISSUE}.yaml`);
});

afterAll(async () => {
  await s?.close();
});

async function openEditor(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/admin/issues/${ISSUE}/edit`);
  await page.waitForURL(/\/edit\/[A-Za-z0-9_-]{16}$/);
  return page;
}

/** Types into the field labelled `label` and waits for the autosave's answer. */
async function type(page: Page, label: string, text: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).focus();
  await page.keyboard.press('ControlOrMeta+A');
  const saved = page.waitForResponse((r) => r.url().endsWith('/draft') && r.request().method() === 'POST');
  await page.keyboard.type(text);
  expect((await saved).status()).toBe(200);
}

async function saveWithEnter(page: Page, label: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).focus();
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('two tabs on one issue, and a closed one'), () => {
  it("refuses the second tab's save with the difference, and saves it over only when asked", async () => {
    const a = await openEditor();
    const b = await openEditor();
    await type(a, 'Theme', 'Theme typed in tab A');
    await saveWithEnter(a, 'Theme');
    await a.getByText('Saved. The file on disk is the version shown here.').waitFor();
    await type(b, 'Theme', 'Theme typed in tab B');
    await saveWithEnter(b, 'Theme');
    expect(b.url()).toMatch(/\/conflict$/);
    await b.getByText('The file changed on disk since you opened it').waitFor();
    expect(await b.locator('del').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Theme typed in tab A')]));
    expect(await b.locator('ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Theme typed in tab B')]));
    expect(parse(await readFile(file, 'utf8')).theme).toBe('Theme typed in tab A');
    await b.getByRole('button', { name: 'Save mine over theirs' }).focus();
    await Promise.all([b.waitForEvent('load'), b.keyboard.press('Enter')]);
    await b.getByText('Saved. The file on disk is the version shown here.').waitFor();
    expect(parse(await readFile(file, 'utf8')).theme).toBe('Theme typed in tab B');
    await a.close();
    await b.close();
  });

  it('keeps what a closed tab typed, and offers it when the issue is opened again', async () => {
    const c = await openEditor();
    const draftUrl = c.url();
    await type(c, 'Preheader (the line after the subject in the inbox)', 'Typed, then the tab was closed');
    await c.close();
    const d = await context.newPage();
    await d.goto(`${base}/admin/issues/${ISSUE}/edit`);
    await d.getByText(/An unsaved draft of this issue from/).waitFor();
    await d.getByRole('link', { name: 'Open the draft' }).focus();
    await Promise.all([d.waitForURL(draftUrl), d.keyboard.press('Enter')]);
    expect(await d.getByLabel('Preheader (the line after the subject in the inbox)', { exact: true }).inputValue()).toBe('Typed, then the tab was closed');
    await saveWithEnter(d, 'Subject');
    await d.getByText('Saved. The file on disk is the version shown here.').waitFor();
    expect(parse(await readFile(file, 'utf8')).preheader).toBe('Typed, then the tab was closed');
  });
});
