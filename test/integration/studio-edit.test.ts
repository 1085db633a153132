// The studio over Fastify inject, against real Redis and a copy of emails/: an editor opens an
// issue, changes fields, and saves; the file on disk changes only where they typed (comments and
// order kept) and still loads as an issue; a field the schema refuses is marked beside it and
// nothing is written; two editors on one issue never overwrite each other silently; a draft
// survives a closed tab; sections are added, moved and removed (with undo); earlier versions
// can be restored. Every POST answers 303 (post/redirect/get) and needs the CSRF token.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
let file: string;
let browser: ConsoleClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-studio-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  file = join(dir, 'emails/issues', `${ISSUE}.yaml`);
  h = await startHttpHarness({ env: { EMAILS_DIR: join(dir, 'emails') } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens a new editor of the issue; its page's URL. */
async function openEditor(issue = ISSUE): Promise<string> {
  const res = await browser.get(`/admin/issues/${issue}/edit`);
  expect(res.statusCode).toBe(303);
  const url = String(res.headers.location);
  expect(url).toMatch(new RegExp(`^/admin/issues/${issue}/edit/[A-Za-z0-9_-]{16}$`));
  return url;
}

/** The values of the form's inputs on a studio page, by name. */
function inputs(page: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"/g)) out[m[1]!] = unescapeHtml(m[2]!);
  for (const m of page.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) out[m[1]!] = unescapeHtml(m[2]!);
  return out;
}
const unescapeHtml = (s: string) =>
  s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

describe('the studio', () => {
  it('shows every field labelled, the previews beside them, and links from the issue page', async () => {
    const issuePage = await browser.get(`/admin/issues/${ISSUE}`);
    expect(issuePage.body).toContain(`href="/admin/issues/${ISSUE}/edit"`);
    const url = await openEditor();
    const page = await browser.get(url);
    expect(page.statusCode).toBe(200);
    const original = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const values = inputs(page.body);
    expect(values.subject).toBe(original.subject);
    expect(values.date).toBe(original.date);
    // Every input has a label naming it.
    for (const m of page.body.matchAll(/<(?:input type="text"|textarea) id="([^"]+)"/g)) expect(page.body).toContain(`<label for="${m[1]}"`);
    expect(page.body).toContain(`src="${url}/preview.html?mode=light&amp;v=`);
    expect(page.body).toContain(`src="${url}/preview.html?mode=dark&amp;v=`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'sha256-");
    const light = await browser.get(`${url}/preview.html?mode=light`);
    expect(light.statusCode).toBe(200);
    expect(light.headers['content-security-policy']).toContain('sandbox');
    expect(light.body).toContain('prefers-color-scheme');
    const dark = await browser.get(`${url}/preview.html?mode=dark`);
    expect(dark.body).not.toMatch(/prefers-color-scheme:\s*dark/);
    const htmx = await browser.get('/admin/assets/htmx.min.js');
    expect(htmx.statusCode).toBe(200);
    expect(htmx.headers['content-type']).toContain('javascript');
    expect((await browser.get('/admin/assets/..%2fpackage.json')).statusCode).toBe(404);
  });

  it('saves a changed subject: 303, only that line changes, the file still loads, the old version is kept', async () => {
    const before = await readFile(file, 'utf8');
    const url = await openEditor();
    const page = await browser.get(url);
    const values = inputs(page.body);
    const saved = await browser.submit(url, { ...values, subject: 'Field notes 12: a new subject', op: 'save' });
    expect(saved.posted.statusCode).toBe(303);
    expect(saved.body).toContain('Saved.');
    const after = await readFile(file, 'utf8');
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual(['subject: "Field notes 12: a new subject"']);
    await expect(loadIssueFile(file)).resolves.toBeTruthy();
    const revisions = await browser.get(`/admin/issues/${ISSUE}/revisions`);
    expect(revisions.body).toContain('Field notes 12: a new subject');
    expect(revisions.body).toContain('<del>');
  });

  it('refuses a field the schema refuses: marked beside it, nothing written, the draft kept', async () => {
    const before = await readFile(file, 'utf8');
    const url = await openEditor();
    const values = inputs((await browser.get(url)).body);
    const res = await browser.submit(url, { ...values, date: '2026-02-30', op: 'save' });
    expect(res.posted.statusCode).toBe(303);
    expect(res.body).toContain('Not saved: 1 field needs fixing first');
    expect(await readFile(file, 'utf8')).toBe(before);
    const beside = /<p class="field-finding" id="f-date-finding" data-finding-for="date">(.*?)<\/p>/s.exec(res.body)?.[1] ?? '';
    expect(beside).toContain('is not a date in the calendar');
    expect(res.body).toMatch(/id="f-date" name="date" value="2026-02-30"[^>]*aria-invalid="true"/);
  });

  it('autosaves while typing: the preview follows, and a new editor offers the draft left behind', async () => {
    const url = await openEditor();
    const page = await browser.get(url);
    const values = inputs(page.body);
    const version = (html: string) => /preview\.html\?mode=light&amp;v=([0-9a-f]+)/.exec(html)?.[1];
    const draft = await browser.post(`${url}/draft`, { ...values, preheader: 'Typed, never saved' });
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain('studio-findings-data');
    expect(version(draft.body)).toBeDefined();
    expect(version(draft.body)).not.toBe(version(page.body));
    const next = await browser.get(`/admin/issues/${ISSUE}/edit`);
    const landing = await browser.get(String(next.headers.location));
    expect(landing.body).toContain('An unsaved draft of this issue from');
    expect(landing.body).toContain(`href="${url}"`);
    expect(inputs((await browser.get(url)).body).preheader).toBe('Typed, never saved');
  });

  it('shows each Markdown field rendered beside it (allow-list, no raw HTML, no inline style), and redraws it live', async () => {
    const url = await openEditor();
    const page = await browser.get(url);
    const values = inputs(page.body);
    const field = Object.keys(values).find((k) => k.endsWith('.markdown'))!;
    const id = `f-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}-md`;
    expect(page.body).toContain(`<div class="md" id="${id}" aria-live="polite">`);
    const draft = await browser.post(`${url}/draft`, { ...values, [field]: '**Bold** and <script>alert(1)</script> [a link](javascript:alert(1))' });
    const oob = new RegExp(`<div class="md" id="${id}" aria-live="polite" hx-swap-oob="true">(.*?)</div>`, 's').exec(draft.body)?.[1] ?? '';
    expect(oob).toContain('<strong>Bold</strong>');
    expect(oob).toContain('&lt;script&gt;');
    expect(oob).not.toContain('<script');
    expect(oob).not.toContain('href="javascript');
    expect(oob).not.toContain('style=');
  });

  it('two editors: the second save is refused with the difference, then saved over only when asked', async () => {
    const a = await openEditor();
    const b = await openEditor();
    const va = inputs((await browser.get(a)).body);
    const vb = inputs((await browser.get(b)).body);
    expect((await browser.submit(a, { ...va, theme: 'Theme of A', op: 'save' })).body).toContain('Saved.');
    const refused = await browser.submit(b, { ...vb, theme: 'Theme of B', op: 'save' });
    expect(refused.posted.headers.location).toBe(`${b}/conflict`);
    expect(refused.body).toContain('The file changed on disk since you opened it');
    expect(refused.body).toMatch(/<del>[^<]*Theme of A/);
    expect(refused.body).toMatch(/<ins>[^<]*Theme of B/);
    expect(parse(await readFile(file, 'utf8')).theme).toBe('Theme of A');
    const over = await browser.submit(b, { op: 'overwrite' });
    expect(over.body).toContain('Saved.');
    expect(parse(await readFile(file, 'utf8')).theme).toBe('Theme of B');
  });

  it('adds, moves and removes sections by buttons, with undo, all as drafts until saved', async () => {
    const before = await readFile(file, 'utf8');
    const url = await openEditor();
    const kinds = (page: string) => [...page.matchAll(/<legend>Section \d+: ([^<·]+?)(?: · [^<]*)?<\/legend>/g)].map((m) => m[1]);
    const start = kinds((await browser.get(url)).body);
    const added = await browser.submit(url, { newKind: 'quote', op: 'add-section' });
    expect(added.posted.headers.location).toBe(`${url}#f-sections-${start.length}`);
    expect(kinds(added.body)).toEqual([...start, 'Quote']);
    const moved = await browser.submit(url, { op: `up:sections[${start.length}]` });
    expect(kinds(moved.body)).toEqual([...start.slice(0, -1), 'Quote', start.at(-1)]);
    const removed = await browser.submit(url, { op: `remove:sections[${start.length - 1}]` });
    expect(kinds(removed.body)).toEqual(start);
    expect(removed.body).toContain('name="op" value="undo"');
    const undone = await browser.submit(url, { op: 'undo' });
    expect(kinds(undone.body)).toEqual([...start.slice(0, -1), 'Quote', start.at(-1)]);
    expect(await readFile(file, 'utf8')).toBe(before);
    const reordered = await browser.submit(url, { op: 'reorder:sections', order: '0,1' });
    expect(reordered.body).toContain('does not name each of its');
  });

  it('restores an earlier version as a draft', async () => {
    const revisions = await browser.get(`/admin/issues/${ISSUE}/revisions`);
    const action = /<form method="post" action="(\/admin\/issues\/[^"]+\/revisions\/\d+)"/.exec(revisions.body)?.[1];
    expect(action).toBeDefined();
    const restored = await browser.submit(action!, {});
    expect(restored.posted.statusCode).toBe(303);
    expect(restored.body).toContain('is open as a draft');
  });

  it("takes the model issue's whole form (about 90 KB, far over the site's 16 KB form limit)", async () => {
    const url = await openEditor('pretrain-weekly-064');
    const text = await readFile(join(dir, 'emails/issues/pretrain-weekly-064.yaml'), 'utf8');
    const values = formValuesOf(IssueDocument.parse(text).data());
    expect(new URLSearchParams(values).toString().length).toBeGreaterThan(16 * 1024);
    const draft = await browser.post(`${url}/draft`, { ...values, subject: `${values.subject} (edited)` });
    expect(draft.statusCode).toBe(200);
    const saved = await browser.submit(url, { ...values, op: 'save' });
    expect(saved.body).toContain('Nothing to save');
  });

  it('refuses a post without the CSRF token, and ids that are not ids', async () => {
    const url = await openEditor();
    expect((await browser.post(url, { op: 'save', _csrf: null })).statusCode).toBe(403);
    expect((await browser.post(`${url}/draft`, { subject: 'x', _csrf: null })).statusCode).toBe(403);
    expect((await browser.post(`/admin/issues/${ISSUE}/revisions/0`, { _csrf: null })).statusCode).toBe(403);
    expect((await browser.get(`/admin/issues/${ISSUE}/edit/..%2f..%2fpackage`)).statusCode).toBe(400);
    expect((await browser.get(`/admin/issues/${ISSUE}/edit/AAAAAAAAAAAAAAAA`)).statusCode).toBe(404);
    expect((await browser.get('/admin/issues/..%2f..%2fpackage/edit')).statusCode).toBe(404);
    expect((await browser.get('/admin/issues/no-such-issue/edit')).statusCode).toBe(404);
  });
});
