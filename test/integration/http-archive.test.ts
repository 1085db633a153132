// The web archive over HTTP, fed by the real publish step: issues rendered through MJML,
// published to Redis, served with personal tokens removed and previous/next links.
import { encodedSizes } from '../../src/mail/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml2js } from 'xml-js';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { publishIssue, toPublishedIssue } from '../../src/campaign/records/publish.ts';
import { loadIssueFile } from '../../src/content/index.ts';
import type { Issue } from '../../src/content/schema.ts';
import { createRenderer } from '../../src/render/index.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;

async function publish(issue: Issue, state: 'sending' | 'scheduled' | null, mode: 'list' | 'test' = 'list') {
  const { newsletter, templates } = await loadIssueFile(
    `emails/issues/${issue.newsletter === 'pretrain-weekly' ? 'pretrain-weekly-064' : 'field-notes-012'}.yaml`,
  );
  const rendered = await createRenderer(templates, { assetsUrl: h.config.assetsUrl, encodedSizes }).renderIssue(issue, newsletter);
  const { published } = await publishIssue(h.redis, h.keys, toPublishedIssue(rendered, issue, newsletter));
  if (state) {
    await startCampaign(h.redis, h.keys, {
      campaignId: issue.id,
      issueId: issue.id,
      mode,
      listId: newsletter.listId,
      contentHash: published.contentHash,
      state,
      expected: 0,
    });
  }
}

beforeAll(async () => {
  h = await startHttpHarness();
  const zh = (await loadIssueFile('emails/issues/pretrain-weekly-064.yaml')).issue;
  const en = (await loadIssueFile('emails/issues/field-notes-012.yaml')).issue;
  await publish(zh, 'sending');
  await publish({ ...zh, id: 'pretrain-weekly-065', number: 65, date: '2022-11-14', subject: '《预训练周刊》第65期:测试' }, 'sending');
  await publish({ ...zh, id: 'pretrain-weekly-066', number: 66, date: '2022-11-21', subject: '《预训练周刊》第66期:尚未发出' }, 'scheduled');
  await publish({ ...zh, id: 'pretrain-weekly-067', number: 67, date: '2022-11-28', subject: '《预训练周刊》第67期:只发了测试' }, null);
  await publish(en, 'sending');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('GET /issues', () => {
  it('lists the issues that went out, newest first, and hides scheduled and unsent ones', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/issues', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    const ids = res.json().issues.map((i: { issueId: string }) => i.issueId);
    // Newest first by issue date: field-notes-012 is 2024-03-14, the weekly's are from 2022.
    expect(ids).toEqual(['field-notes-012', 'pretrain-weekly-065', 'pretrain-weekly-064']);
  });

  it('filters by newsletter and renders an HTML list with number, date and link', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/issues?newsletter=${h.zh.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('href="/issues/pretrain-weekly-065"');
    expect(res.body).toContain('第 65 期');
    expect(res.body).toContain('2022-11-14');
    expect(res.body).not.toContain('field-notes-012');
    expect(res.body).not.toContain('pretrain-weekly-066');
    expect(res.body.indexOf('pretrain-weekly-065')).toBeLessThan(res.body.indexOf('pretrain-weekly-064'));
    expect((await h.app.inject({ method: 'GET', url: '/issues?newsletter=nope' })).statusCode).toBe(404);
  });
});

describe('GET /issues/:id', () => {
  it('serves the issue with no personal token, a subscribe link and previous/next links', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/issues/pretrain-weekly-064' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).not.toContain('%%NL_');
    expect(res.body).not.toContain('/unsubscribe/');
    expect(res.body).not.toContain('/preferences/');
    expect(res.body).not.toContain('管理订阅');
    expect(res.body).toContain(`${h.config.publicUrl}/subscribe?newsletter=${h.zh.id}`);
    expect(res.body).toMatch(/<body[^>]*>\s*<nav aria-label=/);
    expect(res.body).toContain('rel="next" href="/issues/pretrain-weekly-065"');
    expect(res.body).not.toContain('rel="prev"');
    expect(res.body).not.toContain('<script');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');

    const newer = await h.app.inject({ method: 'GET', url: '/issues/pretrain-weekly-065' });
    expect(newer.body).toContain('rel="prev" href="/issues/pretrain-weekly-064"');
    // The scheduled issue is not public, so 065 has no "next" yet.
    expect(newer.body).not.toContain('rel="next"');
  });

  it('answers 404 pages for unknown, scheduled, unsent and malformed ids', async () => {
    for (const id of ['pretrain-weekly-999', 'pretrain-weekly-066', 'pretrain-weekly-067', 'NOT..valid', '%3Cscript%3E']) {
      const res = await h.app.inject({ method: 'GET', url: `/issues/${id}` });
      expect(res.statusCode, id).toBe(404);
      expect(res.body).toContain('<html');
      expect(res.body).not.toContain('<script>');
    }
  });
});

describe('GET / (the landing page)', () => {
  it('lists every newsletter, the default (Chinese weekly) first, each with its latest issues, archive and own form', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('<h1>我们的刊物</h1>');
    const zhAt = res.body.indexOf(`<h2 id="nl-${h.zh.id}">`);
    const enAt = res.body.indexOf(`<h2 id="nl-${h.en.id}">`);
    expect(zhAt).toBeGreaterThan(0);
    expect(enAt).toBeGreaterThan(zhAt);
    // Latest issues that went out (not the scheduled or test-only ones), newest first.
    const zhPart = res.body.slice(zhAt, enAt);
    expect(zhPart.indexOf('/issues/pretrain-weekly-065')).toBeLessThan(zhPart.indexOf('/issues/pretrain-weekly-064'));
    expect(zhPart.indexOf('/issues/pretrain-weekly-064')).toBeGreaterThan(0);
    expect(res.body).not.toContain('/issues/pretrain-weekly-066');
    expect(res.body).not.toContain('/issues/pretrain-weekly-067');
    expect(res.body).toContain(`href="/issues?newsletter=${h.zh.id}"`);
    // One form per newsletter, in its own language, with ids that do not collide.
    expect(res.body.match(/<form method="post" action="\/subscribe"/g)).toHaveLength(h.newsletters.length); // one per file in emails/newsletters
    expect(res.body).toContain(`<input type="hidden" name="newsletter" value="${h.zh.id}">`);
    expect(res.body).toContain(`<input type="hidden" name="newsletter" value="${h.en.id}">`);
    expect(res.body).toContain(`id="${h.zh.id}-email"`);
    expect(res.body).toContain(`id="${h.en.id}-email"`);
    expect(res.body).not.toContain('<script');
  });

  it("/issues with several newsletters is titled as everyone's archive, ?newsletter= as that one's", async () => {
    const all = await h.app.inject({ method: 'GET', url: '/issues' });
    expect(all.body).toContain('<h1>全部刊物往期</h1>');
    const en = await h.app.inject({ method: 'GET', url: `/issues?newsletter=${h.en.id}` });
    expect(en.body).toContain('<h1>Field Notes: all issues</h1>');
  });
});

describe('GET /assets/* (images kept under emails/assets)', () => {
  it("serves the sample issue's images with their type, and each image the archive page shows is there", async () => {
    const page = await h.app.inject({ method: 'GET', url: '/issues/pretrain-weekly-064' });
    const prefix = `${h.config.assetsUrl}/`;
    const srcs = [...page.body.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThanOrEqual(15);
    for (const src of srcs) {
      expect(src.startsWith(prefix), src).toBe(true);
      const res = await h.app.inject({ method: 'GET', url: `/assets/${src.slice(prefix.length)}` });
      expect(res.statusCode, src).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/(png|jpeg)$/);
      expect(res.rawPayload.length).toBeGreaterThan(1000);
    }
  });

  it('answers 4xx for paths outside the folder, dotfiles and missing files', async () => {
    for (const url of [
      '/assets/../package.json',
      '/assets/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/.hidden',
      '/assets/pretrain-weekly/none.png',
      '/assets/',
    ]) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('"name": "newsletter"');
    }
  });
});

describe('GET /feeds/:newsletter.xml', () => {
  it('is an Atom 1.0 feed of the issues that went out, newest first, each linking its web version', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/feeds/${h.zh.id}.xml` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const doc = xml2js(res.body, { compact: true }) as {
      feed: {
        _attributes: { xmlns: string };
        title: { _text: string };
        entry: Array<{ title: { _text?: string; _cdata?: string }; link: { _attributes: { href: string } }; updated: { _text: string } }>;
      };
    };
    expect(doc.feed._attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(doc.feed.title._text ?? (doc.feed.title as { _cdata?: string })._cdata).toBe(h.zh.name);
    const links = doc.feed.entry.map((e) => e.link._attributes.href);
    expect(links).toEqual([`${h.config.publicUrl}/issues/pretrain-weekly-065`, `${h.config.publicUrl}/issues/pretrain-weekly-064`]);
    expect(doc.feed.entry[0]!.updated._text).toBe('2022-11-14T00:00:00.000Z');
    // Each entry sums the issue up: its preheader (and its lead, when it has a text section).
    const summaries = (doc.feed.entry as unknown as Array<{ summary?: { _text?: string; _cdata?: string } }>).map(
      (e) => e.summary?._text ?? e.summary?._cdata ?? '',
    );
    expect(summaries[1]).toContain('本期精选 8 篇论文');
  });

  it('a newsletter with no issue yet says when it began serving it, not 1970', async () => {
    const empty = h.newsletters.find((n) => n.id !== h.zh.id && n.id !== h.en.id) ?? h.en;
    const res = await h.app.inject({ method: 'GET', url: `/feeds/${empty.id}.xml` });
    expect(res.statusCode).toBe(200);
    const updated = /<feed[\s\S]*?<updated>([^<]+)<\/updated>/.exec(res.body)?.[1] ?? '';
    expect(updated).not.toMatch(/^1970/);
    expect(Date.parse(updated)).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('is announced by the archive list and the issue page, and answers 404 for an unknown newsletter', async () => {
    const link = `<link rel="alternate" type="application/atom+xml" title="${h.zh.name}" href="/feeds/${h.zh.id}.xml">`;
    expect((await h.app.inject({ method: 'GET', url: `/issues?newsletter=${h.zh.id}` })).body).toContain(link);
    expect((await h.app.inject({ method: 'GET', url: '/issues/pretrain-weekly-064' })).body).toContain(link);
    for (const url of ['/feeds/nope.xml', `/feeds/${h.zh.id}`, '/feeds/..%2Fetc.xml'])
      expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(404);
  });
});
