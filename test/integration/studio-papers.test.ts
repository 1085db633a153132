// "Add papers by id" in the studio (issue 28 item 4), against a local server that answers like
// arXiv's API with the recorded answers for the model issue's papers: the editor starts issue 65
// from issue 64, pastes three ids and links into its papers section, and each becomes a paper in
// the group its category maps to, flagged when issue 64 carried it; the draft holds them until
// Save writes the file, which then loads. A paste with an id arXiv does not have adds nothing.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadIssueFile } from '../../src/content/index.ts';
import { startArxivServer, type ArxivServer } from '../helpers/arxiv-server.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, type HttpHarness, startHttpHarness } from './http-harness.ts';

let h: HttpHarness;
let dir: string;
let arxiv: ArxivServer;
let browser: ConsoleClient;
let editor: string;
let papersPath: string;

type Issue = { sections: Array<{ kind: string; groups?: Array<{ field: string; papers: Array<{ title: string; url: string; summaryDraft?: string }> }> }> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nl-studio-papers-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  arxiv = await startArxivServer();
  h = await startHttpHarness({ env: { EMAILS_DIR: join(dir, 'emails'), ARXIV_API_URL: arxiv.url, ARXIV_MIN_INTERVAL_MS: '0' } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
  await browser.get('/admin');
  const started = await browser.submit('/admin/issues/new', { newsletter: 'pretrain-weekly', start: 'latest' });
  expect(started.posted.headers.location).toBe('/admin/issues/pretrain-weekly-065');
  editor = String((await browser.get('/admin/issues/pretrain-weekly-065/edit')).headers.location);
  const page = await browser.get(editor);
  papersPath = /name="_arxiv\.(sections\[\d+\])"/.exec(page.body)?.[1] ?? '';
  expect(papersPath).not.toBe('');
});
afterAll(async () => {
  await h?.close();
  await arxiv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('adding papers by arXiv id in the studio', () => {
  it('adds each pasted paper to its group, flags what issue 64 carried, and keeps it a draft until saved', async () => {
    const file = join(dir, 'emails/issues/pretrain-weekly-065.yaml');
    const before = await readFile(file, 'utf8');
    const res = await browser.submit(editor, {
      [`_arxiv.${papersPath}`]: '2210.13463\nhttps://arxiv.org/abs/2210.14803 https://arxiv.org/pdf/2210.12607',
      op: `papers:${papersPath}`,
    });
    expect(res.posted.statusCode).toBe(303);
    expect(res.body.match(/<strong>added<\/strong>/g)).toHaveLength(3);
    expect(res.body).toContain('already in an earlier issue');
    expect(arxiv.requests).toHaveLength(1);
    expect(await readFile(file, 'utf8')).toBe(before);
    const saved = await browser.submit(editor, { op: 'save' });
    expect(saved.body).toContain('Saved.');
    const issue = parse(await readFile(file, 'utf8')) as Issue;
    const papers = issue.sections.flatMap((s) => s.groups ?? []).flatMap((g) => g.papers.map((p) => ({ group: g.field, url: p.url, draft: p.summaryDraft })));
    expect(papers.map((p) => p.url).sort()).toEqual(
      ['https://arxiv.org/pdf/2210.12607', 'https://arxiv.org/pdf/2210.13463', 'https://arxiv.org/pdf/2210.14803'].sort(),
    );
    expect(new Set(papers.map((p) => p.draft))).toEqual(new Set(['arxiv-abstract']));
    await expect(loadIssueFile(file)).resolves.toBeTruthy();
  });

  it('adds nothing when one item fails, and says which', async () => {
    const draftBefore = await browser.get(editor);
    const res = await browser.submit(editor, { [`_arxiv.${papersPath}`]: '2210.08590 not-an-id', op: `papers:${papersPath}` });
    expect(res.body).toContain('Nothing was added');
    expect(res.body).toContain('<strong>failed</strong> not-an-id');
    const count = (page: string) => (page.match(/<legend>Papers \d+<\/legend>/g) ?? []).length;
    expect(count(res.body)).toBe(count(draftBefore.body));
  });

  it('answers arXiv being down with one sentence, nothing added', async () => {
    await arxiv.close();
    const res = await browser.submit(editor, { [`_arxiv.${papersPath}`]: '2210.08590', op: `papers:${papersPath}` });
    expect(res.posted.statusCode).toBe(303);
    expect(res.body).toContain('<strong>failed</strong> 2210.08590');
    expect(res.body).toContain('arXiv');
  });
});
