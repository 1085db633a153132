// The studio in Chromium, by keyboard: an editor opens an issue, types a new subject (the live
// preview follows, by htmx, with no CSP error), types a date the schema refuses and sees the
// finding appear beside that field, fixes it, adds a quote section and moves it up with the
// buttons, and saves with Enter; the file on disk then holds what was typed and still loads. The
// page is readable at 375 px (no sideways scrolling) and every control is labelled. Real app on
// a port, real Redis, a copy of emails/. CONSOLE_SHOTS_DIR=docs/console writes the README's shot.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadIssueFile } from '../../src/content/index.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { type StudioBrowser, startStudioBrowser } from '../helpers/studio-browser.ts';

const ISSUE = 'field-notes-012';
let s: StudioBrowser;
let base: string;
let file: string;
let page: Page;
let problems: string[];

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  s = await startStudioBrowser();
  ({ base, problems } = s);
  file = join(s.emailsDir, 'issues', `${ISSUE}.yaml`);
  page = await s.context.newPage();
});

afterAll(async () => {
  await s?.close();
});

/** Types into the field labelled `label` (its text replaced) and waits for the autosave's preview. */
async function typeInto(label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  const saved = page.waitForResponse((r) => r.url().endsWith('/draft') && r.request().method() === 'POST');
  await page.keyboard.type(text);
  expect((await saved).status()).toBe(200);
  // htmx swaps the panel after the response: wait for its settle event.
  await page.waitForFunction(() => !document.querySelector('#studio-preview.htmx-swapping, #studio-preview.htmx-settling'));
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('the studio in Chromium'), () => {
  it('opens the editor from the issue page, every control labelled, the previews drawn', async () => {
    await page.goto(`${base}/admin/issues/${ISSUE}`);
    await page.getByRole('link', { name: 'Edit', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/admin/issues/${ISSUE}/edit/[A-Za-z0-9_-]{16}$`));
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), textarea, select, button')]
        .filter((el) =>
          el instanceof HTMLButtonElement
            ? !(el.textContent ?? '').trim() && !el.getAttribute('aria-label')
            : ((el as HTMLInputElement).labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'),
        )
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unlabelled).toEqual([]);
    const phone = page.frameLocator('iframe[title*="375"]').first();
    await phone.locator('body').waitFor();
    expect(await phone.locator('body').textContent()).toContain('Field Notes');
    expect(await page.locator('iframe').count()).toBe(3);
  });

  it('follows typing with the preview, and puts a finding beside the field it names', async () => {
    const before = await page.locator('iframe').first().getAttribute('src');
    await typeInto('Subject', 'Field notes 12, written in the studio');
    await expect.poll(() => page.locator('iframe').first().getAttribute('src')).not.toBe(before);
    await typeInto('Date (YYYY-MM-DD)', '2026-02-30');
    await expect.poll(() => page.locator('#f-date-finding').textContent()).toContain('is not a date in the calendar');
    expect(await page.getByLabel('Date (YYYY-MM-DD)', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await typeInto('Date (YYYY-MM-DD)', '2026-03-02');
    await expect.poll(() => page.locator('#f-date-finding').textContent()).toBe('');
  });

  it('adds a quote section and moves it up with the keyboard, then saves with Enter', async () => {
    const sections = () => page.locator('ol[data-sortable="sections"] > li > fieldset > legend').allTextContents();
    const start = await sections();
    await page.getByLabel('New section').focus();
    await page.keyboard.press('q'); // "Quote"
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#f-sections-\d+$/);
    expect(await sections()).toHaveLength(start.length + 1);
    expect((await sections()).at(-1)).toContain('Quote');
    await page.getByRole('button', { name: `Move up: Section ${start.length + 1}: Quote` }).focus();
    await page.keyboard.press('Enter');
    await page.waitForLoadState();
    await expect.poll(async () => (await sections()).at(-2)).toContain('Quote');
    await typeInto('Text', 'A line worth quoting.');
    await page.getByLabel('Subject', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Saved. The file on disk is the version shown here.').waitFor();
    const saved = parse(await readFile(file, 'utf8')) as { subject: string; sections: Array<{ kind: string; text?: string }> };
    expect(saved.subject).toBe('Field notes 12, written in the studio');
    expect(saved.sections.at(-2)).toEqual({ kind: 'quote', text: 'A line worth quoting.' });
    await expect(loadIssueFile(file)).resolves.toBeTruthy();
  });

  it('reorders sections by dragging one by its heading (the same reorder as the buttons)', async () => {
    const legends = () => page.locator('ol[data-sortable="sections"] > li > fieldset > legend').allTextContents();
    const name = (legend: string) => legend.replace(/^Section \d+: /, '');
    const before = await legends();
    // Both sections in view: a pointer outside the viewport lands on nothing.
    await page.setViewportSize({ width: 1280, height: 4000 });
    const from = (await page.locator('ol[data-sortable="sections"] > li > fieldset > legend').nth(0).boundingBox())!;
    const to = (await page.locator('ol[data-sortable="sections"] > li').nth(1).boundingBox())!;
    await page.mouse.move(from.x + 20, from.y + from.height / 2);
    await page.mouse.down();
    const reloaded = page.waitForEvent('load');
    await page.mouse.move(to.x + 40, to.y + to.height / 2, { steps: 15 });
    await page.mouse.move(to.x + 40, to.y + to.height - 4, { steps: 10 });
    await page.mouse.up();
    await reloaded;
    await page.setViewportSize({ width: 1280, height: 900 });
    const after = await legends();
    expect(after.map(name)).toEqual([name(before[1]!), name(before[0]!), ...before.slice(2).map(name)]);
  });

  it('is readable at 375 px, and logs no CSP or script error', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });
    if (process.env.CONSOLE_SHOTS_DIR) {
      const shots = resolve(process.env.CONSOLE_SHOTS_DIR);
      await mkdir(shots, { recursive: true });
      await page.reload();
      await page.screenshot({ path: join(shots, 'studio.png') });
    }
    expect(problems).toEqual([]);
  });
});
