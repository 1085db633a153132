// "Add links from a feed" in the studio, and the fetch under it, against a local HTTP server:
// the feed's newest items fill a links section (what an earlier or this issue carries left out)
// and land in the draft; the fetch refuses every address that is not public (loopback, private,
// link-local, the metadata address), after each redirect too and whatever the resolver answers,
// unless FEED_ALLOW_HOSTS names the host; too big, too slow, 404 and non-http URLs each get one
// sentence.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadIssueFile } from '../../src/content/index.ts';
import { fetchPublic, PublicFetchError } from '../../src/studio/public-fetch.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, type HttpHarness, startHttpHarness } from './http-harness.ts';

const ISSUE = 'shipping-log-031';
let server: Server;
let base: string;
let hits: string[] = [];
let h: HttpHarness;
let dir: string;
let browser: ConsoleClient;

beforeAll(async () => {
  const rss = await readFile(new URL('../fixtures/feeds/engineering.rss', import.meta.url), 'utf8');
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/feed.rss') return res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      return res.end('x'.repeat(3 * 1024 * 1024));
    }
    if (req.url === '/slow') return; // never answers
    if (req.url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (req.url === '/to-localhost') return res.writeHead(301, { location: `http://localhost:${(server.address() as AddressInfo).port}/feed.rss` }).end();
    if (req.url === '/to-feed') return res.writeHead(302, { location: '/feed.rss' }).end();
    res.writeHead(404).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'nl-studio-feed-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  h = await startHttpHarness({ env: { EMAILS_DIR: join(dir, 'emails'), FEED_ALLOW_HOSTS: '127.0.0.1' } });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const opts = { timeoutMs: 2_000, maxBytes: 2 * 1024 * 1024, allowHosts: ['127.0.0.1'] };

async function refused(url: string, options: Parameters<typeof fetchPublic>[1] = opts): Promise<string> {
  const error = await fetchPublic(url, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublicFetchError);
  return (error as Error).message;
}

describe('fetching a feed URL an editor typed', () => {
  it('fetches an allowed host, following a redirect on it', async () => {
    const fetched = await fetchPublic(`${base}/to-feed`, opts);
    expect(fetched.url.pathname).toBe('/feed.rss');
    expect(fetched.body).toContain('<rss');
  });

  it('refuses loopback, private, link-local and metadata addresses, named', async () => {
    expect(await refused(`${base}/feed.rss`, { ...opts, allowHosts: [] })).toBe(
      `refusing 127.0.0.1: it resolves to 127.0.0.1, a loopback address, which the server does not fetch`,
    );
    const resolveTo = (...addresses: string[]) => ({
      ...opts,
      resolve: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    });
    expect(await refused('http://feed.example.test/x', resolveTo('10.0.0.5'))).toContain('10.0.0.5, a private address');
    expect(await refused('http://feed.example.test/x', resolveTo('93.184.216.34', '127.0.0.1'))).toContain('127.0.0.1, a loopback address');
    expect(await refused('http://feed.example.test/x', resolveTo('::ffff:169.254.169.254'))).toContain('a linkLocal address');
    expect(await refused('http://[::1]/x')).toContain('::1, a loopback address');
    expect(await refused('http://169.254.169.254/latest/meta-data/')).toContain('linkLocal');
  });

  it('checks each redirect the same way', async () => {
    hits = [];
    expect(await refused(`${base}/to-metadata`)).toContain('refusing 169.254.169.254');
    expect(await refused(`${base}/to-localhost`)).toContain('refusing localhost');
    expect(hits).toEqual(['/to-metadata', '/to-localhost']);
  });

  it('answers too big, too slow, missing and non-web URLs with one sentence each', async () => {
    const host = new URL(base).host;
    expect(await refused(`${base}/big`)).toBe(`${host}'s answer is larger than 2 MB; give a smaller feed`);
    expect(await refused(`${base}/slow`, { ...opts, timeoutMs: 300 })).toMatch(/did not answer within/);
    expect(await refused(`${base}/missing`)).toBe(`${host} answered HTTP 404 for /missing; check the URL`);
    expect(await refused('file:///etc/passwd')).toBe('file: URLs are not fetched; give an http(s) URL');
    expect(await refused('gopher://example.org/')).toContain('not fetched');
    expect(await refused(`http://user:secret@127.0.0.1/feed.rss`)).toContain('user name or password');
    expect(await refused('not a url')).toContain('is not a URL');
  });
});

describe('the studio fills a links section from a feed', () => {
  it('adds the newest items not sent before, as a draft until saved', async () => {
    const file = join(dir, 'emails/issues', `${ISSUE}.yaml`);
    const before = parse(await readFile(file, 'utf8')) as { sections: Array<{ kind: string; items?: Array<{ url: string }> }> };
    const index = before.sections.findIndex((s) => s.kind === 'links');
    const editor = String((await browser.get(`/admin/issues/${ISSUE}/edit`)).headers.location);
    await browser.get(editor);
    const res = await browser.submit(editor, { [`_feed.sections[${index}]`]: `${base}/feed.rss`, op: `feed:sections[${index}]` });
    expect(res.posted.statusCode).toBe(303);
    expect(res.body).toContain('2 links added from the feed; 1 item was left out (already in this or an earlier issue).');
    const saved = await browser.submit(editor, { op: 'save' });
    expect(saved.body).toContain('Saved.');
    const after = parse(await readFile(file, 'utf8')) as typeof before;
    const urls = after.sections[index]!.items!.map((i) => i.url);
    expect(urls.slice(0, before.sections[index]!.items!.length)).toEqual(before.sections[index]!.items!.map((i) => i.url));
    expect(urls.slice(-2)).toEqual(['https://eng.example.org/posts/dead-letters', 'https://eng.example.org/posts/idempotency-keys']);
    await expect(loadIssueFile(file)).resolves.toBeTruthy();
  });

  it('says why when the feed cannot be used, and changes nothing', async () => {
    const editor = String((await browser.get(`/admin/issues/${ISSUE}/edit`)).headers.location);
    const page = await browser.get(editor);
    const index = /name="_feed\.sections\[(\d+)\]"/.exec(page.body)![1];
    const res = await browser.submit(editor, { [`_feed.sections[${index}]`]: 'http://169.254.169.254/latest/', op: `feed:sections[${index}]` });
    expect(res.body).toContain('refusing 169.254.169.254');
  });
});
