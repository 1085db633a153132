// Issue 28's "done when", in Chromium, by keyboard: an editor starts the model newsletter's next
// issue from an empty skeleton, opens it in the studio, adds a papers section and three papers by
// arXiv id (a local server answers like arXiv with the recorded answers), writes a text section
// with a table, adds an image section and uploads an image (the file is handed to the focused
// file input: a native file dialog cannot be driven), moves the image up, sees the lint error
// beside the alt-text field when it is cleared and fixes it, saves with Enter, and test-sends the
// issue, which arrives. The file on disk passes `newsletter lint`, and the HTML it builds is the
// HTML the studio previewed.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIssueFile } from '../../src/use-cases/render-issue-file.ts';
import { runWorker, type RunningWorker } from '../../src/worker/run-worker.ts';
import { startArxivServer, type ArxivServer } from '../helpers/arxiv-server.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { type StudioBrowser, startStudioBrowser } from '../helpers/studio-browser.ts';

const run = promisify(execFile);
const ISSUE = 'pretrain-weekly-065';
let s: StudioBrowser;
let h: StudioBrowser['h'];
let base: string;
let dir: string;
let arxiv: ArxivServer;
let worker: RunningWorker;
let page: Page;
let editorUrl: string;
let problems: string[];

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  arxiv = await startArxivServer();
  s = await startStudioBrowser({ ARXIV_API_URL: arxiv.url, ARXIV_MIN_INTERVAL_MS: '0' });
  ({ h, base, problems } = s);
  dir = s.emailsDir;
  worker = await runWorker(h.config, { concurrency: 2, transactional: false, log: pino({ level: 'silent' }) });
  page = await s.context.newPage();
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await s?.close();
  await arxiv?.close();
});

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enterAndLoad(): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

/** Focuses the control, presses Enter, waits for the next page. */
async function press(locator: ReturnType<Page['getByRole']>): Promise<void> {
  await locator.focus();
  await enterAndLoad();
}

/** Types into a focused field (its text replaced) and waits for the live preview that follows. */
async function typeInto(locator: ReturnType<Page['getByLabel']>, text: string): Promise<void> {
  await locator.focus();
  await page.keyboard.press('ControlOrMeta+A');
  const saved = page.waitForResponse((r) => r.url().endsWith('/draft') && r.request().method() === 'POST');
  await page.keyboard.type(text);
  expect((await saved).status()).toBe(200);
  await page.waitForFunction(() => !document.querySelector('#studio-preview.htmx-swapping, #studio-preview.htmx-settling, #studio-preview.htmx-request'));
}

/** The "New section" select set to `label` with the keyboard. */
async function chooseSection(label: string): Promise<void> {
  const select = page.getByLabel('New section');
  await select.focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 12; i++) {
    const shown = await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');
    if (shown === label) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no section kind ${label}`);
}

const section = (n: number) => page.locator('ol[data-sortable="sections"] > li').nth(n);

describe.skipIf(CHROMIUM_MISSING)(browserSuite('a new issue written in the studio, by keyboard'), () => {
  it('starts the next issue from an empty skeleton and opens it in the studio', async () => {
    await page.goto(`${base}/admin`); // logged in by keyboard already (startStudioBrowser)
    // A select is set from the keyboard as a person would: focus, then the arrow keys.
    const newsletter = page.getByLabel('Newsletter', { exact: true });
    await newsletter.focus();
    for (let i = 0; i < 5 && (await newsletter.inputValue()) !== 'pretrain-weekly'; i++) await page.keyboard.press('ArrowDown');
    expect(await newsletter.inputValue()).toBe('pretrain-weekly');
    await page.getByLabel(/^Empty: one text section/).focus();
    await page.keyboard.press('Space');
    await press(page.getByRole('button', { name: 'Start the issue' }));
    expect(page.url()).toBe(`${base}/admin/issues/${ISSUE}`);
    await press(page.getByRole('link', { name: 'Edit', exact: true }));
    editorUrl = page.url();
    expect(editorUrl).toMatch(new RegExp(`/admin/issues/${ISSUE}/edit/[A-Za-z0-9_-]{16}$`));
  });

  it('writes a text section with a table', async () => {
    await typeInto(section(0).getByLabel('Text (Markdown)'), '| Model | Params |\n| --- | --- |\n| ViT-B | 86M |\n| BERT-base | 110M |');
    await page.frameLocator('iframe[title*="Desktop"]').locator('table').first().waitFor();
    expect(await page.frameLocator('iframe[title*="Desktop"]').locator('td').allTextContents()).toEqual(expect.arrayContaining(['ViT-B', '110M']));
  });

  it('adds a papers section and three papers by arXiv id', async () => {
    await chooseSection('Papers');
    await press(page.getByRole('button', { name: 'Add the section' }));
    const papers = page.locator('ol[data-sortable="sections"] > li').last();
    await typeInto(papers.getByLabel('Title', { exact: true }).first(), '本期论文');
    const paste = page.getByLabel('Add papers by arXiv id or link');
    await paste.focus();
    await page.keyboard.type('2210.13463 https://arxiv.org/abs/2210.14803 https://arxiv.org/pdf/2210.12607');
    await press(page.getByRole('button', { name: 'Add the papers' }));
    expect(await page.getByText(/^added$/).count()).toBe(3);
    expect(await page.locator('input[name$=".url"][value^="https://arxiv.org/pdf/"]').count()).toBe(3);
    if (process.env.CONSOLE_SHOTS_DIR) await page.screenshot({ path: join(resolve(process.env.CONSOLE_SHOTS_DIR), 'studio-papers.png') });
  });

  it('adds an image section, uploads an image, and moves it up', async () => {
    await chooseSection('Image');
    await press(page.getByRole('button', { name: 'Add the section' }));
    const image = page.locator('ol[data-sortable="sections"] > li').last();
    await image.getByLabel('Alternative text').focus();
    await page.keyboard.type('A bar chart of parameters per model');
    const file = await sharp({ create: { width: 1400, height: 700, channels: 3, background: '#0f766e' } })
      .png()
      .toBuffer();
    await image.getByLabel('Upload an image').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: file });
    await press(image.getByRole('button', { name: 'Upload', exact: true }));
    await page.getByText(/Image stored as pretrain-weekly\/[0-9a-f]{32}\.png \(1200 × 600 px, scaled down/).waitFor();
    const count = await page.locator('ol[data-sortable="sections"] > li').count();
    await press(page.getByRole('button', { name: new RegExp(`^Move up: Section ${count}: Image`) }));
    expect(
      await section(count - 2)
        .locator('legend')
        .first()
        .textContent(),
    ).toContain('Image');
  });

  it('shows the lint error beside the alt-text field when it is cleared, and not once it is fixed', async () => {
    const alt = page.getByLabel('Alternative text').last();
    const finding = page.locator(`#${await alt.getAttribute('id')}-finding`);
    await typeInto(alt, ' ');
    await expect.poll(() => finding.textContent()).toContain('image has no alt text');
    await typeInto(alt, 'A bar chart of parameters per model');
    await expect.poll(() => finding.textContent()).toBe('');
  });

  it('saves with Enter; the file passes lint and builds the HTML the studio previewed', async () => {
    await page.getByLabel('Subject', { exact: true }).focus();
    await enterAndLoad();
    await page.getByText('Saved. The file on disk is the version shown here.').waitFor();
    const file = join(dir, 'issues', `${ISSUE}.yaml`);
    const lint = await run(process.execPath, ['bin/newsletter.js', 'lint', file], { env: { ...process.env, EMAILS_DIR: dir } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(lint.code, `${lint.stdout}\n${lint.stderr}`).toBe(0);
    const preview = await page.request.get(`${editorUrl}/preview.html?mode=light`);
    const built = await renderIssueFile(file, { assetsUrl: h.config.assetsUrl });
    expect(await preview.text()).toBe(built.sample.html);
  });

  it('test-sends the issue from its page, and it arrives', async () => {
    await press(page.getByRole('link', { name: 'Back to the issue' }));
    await page.getByLabel('Send a [TEST] copy to').focus();
    await page.keyboard.type('editor@studio.example');
    await enterAndLoad();
    await page.getByText('Test copy queued to 1 address.').waitFor();
    await h.sink.waitFor(1);
    expect(h.sink.messages.some((m) => m.to.includes('editor@studio.example'))).toBe(true);
    expect(problems).toEqual([]);
  });
});
