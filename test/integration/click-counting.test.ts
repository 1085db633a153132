// Click counting against real Redis and the redirect route through Fastify inject: unique
// people within 2 % of the truth without a record of who, scanners and HEADs apart, damaged
// tokens still redirected, no open redirect, and no id or token in any stored key.
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys as makeKeys } from '../../src/redis/keys.ts';
import { ClickStore } from '../../src/reports/click-store.ts';
import { signClickToken, verifyClickToken } from '../../src/reports/click-token.ts';
import { clickRoutes } from '../../src/http/routes/click-redirect.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';
import { waitUntil } from '../helpers/wait.ts';

const SECRETS = [{ version: 1, key: 'click-test-secret-'.padEnd(40, 'z') }];
const LINKS = ['https://arxiv.org/abs/2211.00001', 'https://arxiv.org/pdf/2211.00001', 'https://hub.baai.ac.cn/view/21463'];
const PERSON = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const SENT = Date.UTC(2026, 11, 7, 8, 0, 0);
const HOUR = 3_600_000;

let t: TestRedis;
let store: ClickStore;
let app: FastifyInstance;
let clock = SENT + HOUR;

beforeAll(async () => {
  t = await testRedis();
  store = new ClickStore(t.redis, makeKeys(t.prefix));
  await store.saveLinks('weekly-064', LINKS);
  app = Fastify();
  await app.register(clickRoutes({ clicks: store, secrets: SECRETS, now: () => clock }));
});
afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

const token = (campaign: string, subscriber: string) => signClickToken(SECRETS, campaign, subscriber, SENT);
const readerOf = (campaign: string, subscriber: string) => verifyClickToken(SECRETS, campaign, token(campaign, subscriber))!.reader;

describe('counting', () => {
  it('counts 10,000 readers within 2 % by HyperLogLog, every click in the totals, per link and per issue', async () => {
    await store.saveLinks('uniques', LINKS);
    const n = 10_000;
    for (let start = 0; start < n; start += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, async (_, j) => {
          const i = start + j;
          const reader = readerOf('uniques', String(i + 1));
          // Everyone opens the abstract; every fifth reader also the PDF, a minute apart (no burst).
          await store.record('uniques', 1, reader, 'candidate', SENT + HOUR + i);
          if (i % 5 === 0) await store.record('uniques', 2, reader, 'candidate', SENT + HOUR + 60_000 + i);
          // Every tenth comes back to the abstract the next day: a second click, not a second reader.
          if (i % 10 === 0) await store.record('uniques', 1, reader, 'candidate', SENT + 25 * HOUR + i);
        }),
      );
    }
    const counts = await store.counts('uniques', SENT + 30 * HOUR);
    expect(counts.human).toBe(n + n / 5 + n / 10);
    expect(counts.machine).toBe(0);
    expect(Math.abs(counts.humanUnique - n) / n).toBeLessThanOrEqual(0.02);
    const [first, second, third] = counts.links;
    expect(first).toMatchObject({ link: 1, url: LINKS[0], human: n + n / 10, machine: 0 });
    expect(Math.abs(first!.humanUnique - n) / n).toBeLessThanOrEqual(0.02);
    expect(second).toMatchObject({ link: 2, url: LINKS[1], human: n / 5 });
    expect(Math.abs(second!.humanUnique - n / 5) / (n / 5)).toBeLessThanOrEqual(0.02);
    expect(third).toMatchObject({ link: 3, human: 0, humanUnique: 0 });
  });

  it("counts a reader's last held click without another click or a report: serve commits every so often", async () => {
    await store.saveLinks('quiet', LINKS);
    // Held long enough ago that it is due at once: no waiting for time here.
    await store.record('quiet', 1, readerOf('quiet', '1'), 'candidate', Date.now() - 5_000);
    const stop = store.commitEvery(50, (error) => {
      throw error;
    });
    try {
      // Read the counter itself: counts() would commit by itself.
      await waitUntil('the held click to be counted', async () => (await t.redis.hget(makeKeys(t.prefix).clickCounts('quiet'), 'h')) === '1');
    } finally {
      stop();
    }
    expect(await store.counts('quiet')).toMatchObject({ human: 1, humanUnique: 1, machine: 0 });
  });

  it('counts three or more links of one reader within two seconds as a scanner, all of them; two as a person', async () => {
    await store.saveLinks('bursts', LINKS);
    const scanner = readerOf('bursts', '1');
    const person = readerOf('bursts', '2');
    for (const [i, link] of [1, 2, 3].entries()) await store.record('bursts', link, scanner, 'candidate', SENT + HOUR + i * 300);
    for (const [i, link] of [1, 2].entries()) await store.record('bursts', link, person, 'candidate', SENT + HOUR + i * 1500);
    // Held, not counted, while their two seconds run.
    expect(await store.counts('bursts', SENT + HOUR + 1600)).toMatchObject({ human: 0, machine: 0 });
    expect(await store.counts('bursts', SENT + HOUR + 10_000)).toMatchObject({ human: 2, humanUnique: 1, machine: 3 });
  });

  it('counts one link clicked three times in a second (a slow page) as a person, three clicks of one reader', async () => {
    await store.saveLinks('impatient', LINKS);
    const reader = readerOf('impatient', '1');
    for (const i of [0, 1, 2]) await store.record('impatient', 1, reader, 'candidate', SENT + HOUR + i * 300);
    expect(await store.counts('impatient', SENT + HOUR + 10_000)).toMatchObject({ human: 3, humanUnique: 1, machine: 0 });
  });

  it('counts a scanner that passes twice over the same links (before either pass is counted) as a machine both times', async () => {
    await store.saveLinks('two-passes', LINKS);
    const scanner = readerOf('two-passes', '1');
    for (const start of [100, 5_100])
      for (const [i, link] of [1, 2, 3].entries()) await store.record('two-passes', link, scanner, 'candidate', SENT + HOUR + start + i * 100);
    expect(await store.counts('two-passes', SENT + HOUR + 20_000)).toMatchObject({ human: 0, machine: 6 });
  });
});

describe('GET /r/:campaign/:link/:token', () => {
  const get = (url: string, agent = PERSON, method: 'GET' | 'HEAD' = 'GET') => app.inject({ method, url, headers: { 'user-agent': agent } });

  it('redirects to the link stored at publish and counts a person after the window; a HEAD and a scanner apart', async () => {
    clock = SENT + HOUR;
    const res = await get(`/r/weekly-064/2/${token('weekly-064', '5')}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(LINKS[1]);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await get(`/r/weekly-064/1/${token('weekly-064', '6')}`, PERSON, 'HEAD')).statusCode).toBe(302);
    expect((await get(`/r/weekly-064/1/${token('weekly-064', '7')}`, 'Mozilla/5.0 (compatible; BingPreview/1.0b)')).statusCode).toBe(302);
    clock = SENT + 30_000; // within a minute of sending: a gateway's scan
    expect((await get(`/r/weekly-064/3/${token('weekly-064', '8')}`)).statusCode).toBe(302);
    clock = SENT + 2 * HOUR;
    const counts = await store.counts('weekly-064', clock);
    expect(counts).toMatchObject({ human: 1, humanUnique: 1, machine: 2 });
    expect(counts.links[0]).toMatchObject({ link: 2, human: 1, machine: 0 });
  });

  it('takes a reader with a damaged or forwarded-and-cut token to the page, without counting it', async () => {
    clock = SENT + HOUR;
    const before = await store.counts('weekly-064', clock);
    const good = token('weekly-064', '9');
    for (const bad of [good.slice(0, -1), `${good.slice(0, -1)}A`, 'x', token('weekly-065', '9')]) {
      const res = await get(`/r/weekly-064/1/${encodeURIComponent(bad)}`);
      expect(res.statusCode, bad).toBe(302);
      expect(res.headers.location).toBe(LINKS[0]);
    }
    expect(await store.counts('weekly-064', clock + 10_000)).toEqual(before);
  });

  it('answers 404 for an unknown issue or link number, and never redirects anywhere but a stored link', async () => {
    expect((await get(`/r/weekly-064/4/${token('weekly-064', '1')}`)).statusCode).toBe(404);
    expect((await get(`/r/no-such-issue/1/${token('no-such-issue', '1')}`)).statusCode).toBe(404);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 12 }), fc.string({ maxLength: 60 }), async (campaign, link, tok) => {
        const res = await get(`/r/${encodeURIComponent(campaign)}/${encodeURIComponent(link)}/${encodeURIComponent(tok)}?url=https://evil.example/`);
        expect(res.statusCode).toBeLessThan(500);
        if (res.headers.location !== undefined) expect(LINKS).toContain(res.headers.location);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a link’s URL once read (numbers never change), and asks Redis again for a number it did not know', async () => {
    const own = new ClickStore(t.redis, makeKeys(t.prefix));
    await own.saveLinks('weekly-cache', ['https://a.example/1']);
    expect(await own.linkUrl('weekly-cache', 1)).toBe('https://a.example/1');
    expect(await own.linkUrl('weekly-cache', 2)).toBeNull();
    // A forced re-publish keeps link 1 and adds link 2; this store reads 1 from memory, 2 from Redis.
    await t.redis.hset(makeKeys(t.prefix).clickLinks('weekly-cache'), '1', 'https://changed.example/');
    await own.saveLinks('weekly-cache', ['https://a.example/1', 'https://a.example/2']);
    await t.redis.hset(makeKeys(t.prefix).clickLinks('weekly-cache'), '1', 'https://not-read.example/');
    expect(await own.linkUrl('weekly-cache', 1)).toBe('https://a.example/1');
    expect(await own.linkUrl('weekly-cache', 2)).toBe('https://a.example/2');
  });

  it('stores no subscriber id and no token in any key or value, only counters, registers and the links', async () => {
    const stored = await t.redis.keys(`${t.prefix}*`);
    const token9 = token('weekly-064', '9');
    for (const key of stored) {
      expect(key).not.toContain(token9.slice(2));
      const type = await t.redis.type(key);
      if (type === 'hash') for (const value of Object.values(await t.redis.hgetall(key))) expect(value).not.toContain(token9.slice(2));
    }
    // Nothing held once the two seconds are over; the burst state expires within a minute.
    expect(await t.redis.zcard(makeKeys(t.prefix).clickPending())).toBe(0);
    for (const key of stored.filter((k) => k.includes(':clicks:recent:'))) expect(await t.redis.pttl(key)).toBeLessThanOrEqual(60_000);
  });
});
