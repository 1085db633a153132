// Images in the studio (issue 28 item 6), through the multipart form a browser sends: a PNG
// wider than 1,200 px is scaled down and stored under emails/assets/<newsletter>/ by its content
// hash, its size written into the field; what the bytes say decides the type (an SVG named .png
// is refused, a JPEG named .png accepted as JPEG); more than 5 MB, no alternative text, or a
// damaged file is refused with one sentence and the rest of the form is kept in the draft.
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadIssueFile } from '../../src/content/index.ts';
import { formValuesOf } from '../../src/studio/form-values.ts';
import { IssueDocument } from '../../src/studio/issue-document.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, type HttpHarness, startHttpHarness } from './http-harness.ts';

const ISSUE = 'field-notes-012';
let h: HttpHarness;
let dir: string;
let browser: ConsoleClient;
let editor: string;
let values: Record<string, string>;
let imagePath: string;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 110 } } })
    .png()
    .toBuffer();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-studio-image-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  h = await startHttpHarness({ env: { EMAILS_DIR: join(dir, 'emails') } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
  editor = String((await browser.get(`/admin/issues/${ISSUE}/edit`)).headers.location);
  await browser.submit(editor, { newKind: 'image', op: 'add-section' });
  const text = await readFile(join(dir, 'emails/issues', `${ISSUE}.yaml`), 'utf8');
  const sections = (IssueDocument.parse(text).data().sections as unknown[]).length;
  imagePath = `sections[${sections}].image`;
  const page = await browser.get(editor);
  expect(page.body).toContain(`name="_upload.${imagePath}"`);
  expect(page.body).toContain('enctype="multipart/form-data"');
  expect(page.body).toMatch(/hx-params="not [^"]*_upload\.sections\[\d+\]\.image/);
  values = formValuesOf(IssueDocument.parse(text).data());
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

async function upload(file: { fileName: string; type: string; data: Buffer }, alt: string, extra: Record<string, string> = {}) {
  const posted = await browser.postMultipart(editor, { ...values, ...extra, [`${imagePath}.alt`]: alt, op: `upload:${imagePath}` }, [
    { name: `_upload.${imagePath}`, ...file },
  ]);
  expect(posted.statusCode).toBe(303);
  return browser.get(String(posted.headers.location));
}

const assets = () => readdir(join(dir, 'emails/assets/field-notes')).catch(() => [] as string[]);

describe('uploading an image in the studio', () => {
  it('scales a wide PNG to 1,200 px, stores it by its hash, and fills src, width and height', async () => {
    const page = await upload({ fileName: 'chart.png', type: 'image/png', data: await png(1600, 800) }, 'A chart of memory per step');
    expect(page.body).toMatch(/Image stored as field-notes\/[0-9a-f]{32}\.png \(1200 × 600 px, scaled down to 1,200 px wide\)/);
    const src = /Image stored as (field-notes\/[0-9a-f]{32}\.png)/.exec(page.body)![1]!;
    const stored = await sharp(join(dir, 'emails/assets', src)).metadata();
    expect([stored.width, stored.height, stored.format]).toEqual([1200, 600, 'png']);
    expect(page.body).toContain(`value="${src}"`);
    const saved = await browser.submit(editor, { op: 'save' });
    expect(saved.body).toContain('Saved.');
    const issue = parse(await readFile(join(dir, 'emails/issues', `${ISSUE}.yaml`), 'utf8')) as { sections: Array<{ kind: string; image?: unknown }> };
    expect(issue.sections.at(-1)).toEqual({ kind: 'image', image: { src, alt: 'A chart of memory per step', width: 1200, height: 600 } });
    await expect(loadIssueFile(join(dir, 'emails/issues', `${ISSUE}.yaml`))).resolves.toBeTruthy();
  });

  it('stores the same bytes once', async () => {
    const before = await assets();
    await upload({ fileName: 'again.png', type: 'image/png', data: await png(1600, 800) }, 'The same chart');
    expect(await assets()).toEqual(before);
  });

  it('goes by the bytes: an SVG named .png is refused, a JPEG named .png is a JPEG', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    const refused = await upload({ fileName: 'logo.png', type: 'image/png', data: svg }, 'A logo');
    expect(refused.body).toContain('SVG images are refused');
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const page = await upload({ fileName: 'photo.png', type: 'image/png', data: jpeg }, 'A photo');
    expect(page.body).toMatch(/Image stored as field-notes\/[0-9a-f]{32}\.jpeg \(300 × 200 px\)/);
  });

  it('refuses no alternative text, more than 5 MB, and a damaged file, keeping what was typed', async () => {
    const noAlt = await upload({ fileName: 'chart.png', type: 'image/png', data: await png(100, 100) }, '  ', { theme: 'Typed before the upload' });
    expect(noAlt.body).toContain('write its alternative text first');
    expect(noAlt.body).toContain('value="Typed before the upload"');
    const big = Buffer.concat([await png(10, 10), Buffer.alloc(5 * 1024 * 1024 + 10)]);
    expect((await upload({ fileName: 'big.png', type: 'image/png', data: big }, 'Big')).body).toContain('larger than 5 MB');
    const damaged = Buffer.concat([(await png(10, 10)).subarray(0, 40)]);
    expect((await upload({ fileName: 'cut.png', type: 'image/png', data: damaged }, 'Cut')).body).toContain('damaged');
    const none = await browser.postMultipart(editor, { ...values, op: `upload:${imagePath}` });
    expect((await browser.get(String(none.headers.location))).body).toContain('No image was chosen');
  });
});
