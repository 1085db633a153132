// "Start the next issue" on the console's issues page: the draft of the chosen newsletter's next
// issue is written to a copy of emails/, the browser lands on its page (303, post/redirect/get)
// where lint names what to fill, and a draft already there is never replaced.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, type HttpHarness, startHttpHarness } from './http-harness.ts';

let h: HttpHarness;
let dir: string;
let browser: ConsoleClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-console-new-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  h = await startHttpHarness({ env: { EMAILS_DIR: join(dir, 'emails') } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('start the next issue', () => {
  it('offers every newsletter on the issues page, labelled, behind CSRF', async () => {
    const page = await browser.get('/admin');
    expect(page.body).toContain('<h2 id="new-issue">Start the next issue</h2>');
    expect(page.body).toContain('<label for="new-issue-newsletter">Newsletter</label>');
    for (const id of ['pretrain-weekly', 'field-notes', 'shipping-log']) expect(page.body).toContain(`<option value="${id}">`);
    expect((await browser.post('/admin/issues/new', { newsletter: 'pretrain-weekly', start: 'latest', _csrf: null })).statusCode).toBe(403);
  });

  it("writes issue 65 from issue 64's sections and lands on its page, where lint names the empty groups", async () => {
    const done = await browser.submit('/admin/issues/new', { newsletter: 'pretrain-weekly', start: 'latest' });
    expect(done.posted.statusCode).toBe(303);
    expect(done.posted.headers.location).toBe('/admin/issues/pretrain-weekly-065');
    expect(done.body).toMatch(/Issue 65 started as emails\/issues\/pretrain-weekly-065\.yaml, dated \d{4}-\d{2}-\d{2}, from the sections of issue 64\./);
    expect(done.body).toContain('group &quot;【CV研究】&quot; has no papers');
    const draft = parse(await readFile(join(dir, 'emails/issues/pretrain-weekly-065.yaml'), 'utf8')) as { number: number; sections: Array<{ kind: string }> };
    expect(draft.number).toBe(65);
    expect(draft.sections.at(-1)).toMatchObject({ kind: 'navigation', previous: { url: 'https://pretrain-weekly.example/issues/pretrain-weekly-064' } });
    // Reloading the page it landed on sends nothing again: it is a GET.
    expect((await browser.get('/admin/issues/pretrain-weekly-065')).statusCode).toBe(200);
  });

  it('starts an empty one on request, and says so when the next file exists already', async () => {
    const empty = await browser.submit('/admin/issues/new', { newsletter: 'field-notes', start: 'empty' });
    expect(empty.posted.headers.location).toBe('/admin/issues/field-notes-013');
    expect(parse(await readFile(join(dir, 'emails/issues/field-notes-013.yaml'), 'utf8'))).toMatchObject({
      number: 13,
      sections: [{ kind: 'text', markdown: '' }, { kind: 'navigation' }],
    });
    // The next one is 14: a file of that name (a copy of issue 12, say) is kept, and the page says why.
    await cp('emails/issues/field-notes-012.yaml', join(dir, 'emails/issues/field-notes-014.yaml'));
    const again = await browser.submit('/admin/issues/new', { newsletter: 'field-notes', start: 'latest' });
    expect(again.posted.headers.location).toBe('/admin');
    expect(again.body).toContain('field-notes-014.yaml exists already; edit it, or remove it to start again');
    expect(await readFile(join(dir, 'emails/issues/field-notes-014.yaml'), 'utf8')).toBe(await readFile('emails/issues/field-notes-012.yaml', 'utf8'));
  });

  it('refuses an unknown newsletter with a 400, never a 5xx', async () => {
    const res = await browser.post('/admin/issues/new', { newsletter: 'no-such-letter', start: 'latest' });
    expect(res.statusCode).toBe(400);
  });
});
