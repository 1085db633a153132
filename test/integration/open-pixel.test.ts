// Opens (issue 29), real Redis, worker and SMTP sink: a list send of a newsletter with
// tracking.opens carries one pixel per message with that message's token; Apple's privacy proxy
// soon after delivery counts as a machine, Gmail's image proxy as a person; a HEAD or a damaged
// token is served the image and counts nothing; the report shows people and machines apart.
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickStore } from '../../src/reports/click-store.ts';
import { verifyClickToken } from '../../src/reports/click-token.ts';
import { issueReport } from '../../src/use-cases/issue-report.ts';
import { sendIssue } from '../../src/use-cases/send-issue.ts';
import { capturedLogger } from '../helpers/log-capture.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const ISSUE = 'pretrain-weekly-077';
const PIXEL = /<img src="https:\/\/news\.example\.test\/o\/([a-z0-9-]+)\/([A-Za-z0-9_.-]+)\.gif" width="1" height="1" alt=""/g;
const PERSON = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const GMAIL = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';

let h: CampaignHarness;
let app: FastifyInstance;
let clicks: ClickStore;
let clock = 0;
let logLines: string[] = [];
const pixels: Array<{ campaign: string; token: string; sentAt: number }> = [];

beforeAll(async () => {
  h = await startCampaignHarness();
  clicks = new ClickStore(h.redis, h.keys);
  const { logger, lines } = capturedLogger();
  logLines = lines;
  app = await h.openApp({ logger, clicks: { now: () => clock } });
  await h.seed(3, 'opener');
  await h.startWorker({}, 4);
  const published = { ...(await h.unpublished(ISSUE)), trackOpens: true };
  expect((await sendIssue({ ...h.sends, store: h.store, publicUrl: h.config.publicUrl }, { published })).kind).toBe('started');
  await h.waitForState(ISSUE, ['done']);
  for (const m of h.sink.messages) {
    const found = [...((await simpleParser(m.raw)).html || '').matchAll(PIXEL)];
    expect(found).toHaveLength(1);
    const [, campaign, token] = found[0]!;
    pixels.push({ campaign: campaign!, token: token!, sentAt: verifyClickToken(h.config.secrets, ISSUE, token!)!.sentAt });
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const fetchPixel = (path: string, userAgent: string, method: 'GET' | 'HEAD' = 'GET') => app.inject({ method, url: path, headers: { 'user-agent': userAgent } });

describe('the open pixel', () => {
  it('is in every message once, with that message’s own valid token', () => {
    expect(pixels).toHaveLength(3);
    expect(new Set(pixels.map((p) => p.token)).size).toBe(3);
    for (const p of pixels) expect(p.campaign).toBe(ISSUE);
  });

  it('counts Apple’s proxy as a machine, Gmail’s proxy and a reader later as people, and a HEAD or damaged token not at all', async () => {
    const [a, b, c] = pixels as [(typeof pixels)[0], (typeof pixels)[0], (typeof pixels)[0]];
    clock = a.sentAt + 3 * 60_000;
    const apple = await fetchPixel(`/o/${ISSUE}/${a.token}.gif`, 'Mozilla/5.0');
    expect(apple.statusCode).toBe(200);
    expect(apple.headers['content-type']).toBe('image/gif');
    expect(apple.headers['cache-control']).toBe('no-store, private');
    expect(apple.rawPayload.subarray(0, 6).toString()).toBe('GIF89a');

    clock = b.sentAt + 3 * 60_000;
    expect((await fetchPixel(`/o/${ISSUE}/${b.token}.gif`, GMAIL)).statusCode).toBe(200);
    clock = c.sentAt + 2 * 3_600_000;
    expect((await fetchPixel(`/o/${ISSUE}/${c.token}.gif`, PERSON)).statusCode).toBe(200);
    expect((await fetchPixel(`/o/${ISSUE}/${c.token}.gif`, PERSON)).statusCode).toBe(200);
    expect((await fetchPixel(`/o/${ISSUE}/${c.token}.gif`, PERSON, 'HEAD')).statusCode).toBe(200);
    const damaged = `${c.token.slice(0, -2)}${c.token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetchPixel(`/o/${ISSUE}/${damaged}.gif`, PERSON)).statusCode).toBe(200);
    expect((await fetchPixel(`/o/${ISSUE}/nonsense`, PERSON)).statusCode).toBe(404);

    expect(await clicks.opens(ISSUE)).toEqual({ human: 3, humanUnique: 2, machine: 1 });
  });

  it('shows opens in the report, and logs no token', async () => {
    const report = await issueReport({ sends: h.sends, clicks }, ISSUE);
    expect(report.opens).toEqual({ human: 3, humanUnique: 2, machine: 1 });
    const log = logLines.join('');
    expect(log).toContain(`/o/${ISSUE}/[token]`);
    for (const p of pixels) expect(log).not.toContain(p.token);
  });

  it('is absent from a newsletter that does not count opens, whose report says null', async () => {
    const other = await issueReport({ sends: h.sends, clicks }, ISSUE);
    expect(other.opens).not.toBeNull();
    const plain = 'pretrain-weekly-078';
    await sendIssue({ ...h.sends, store: h.store, publicUrl: h.config.publicUrl }, { published: await h.unpublished(plain) });
    await h.waitForState(plain, ['done']);
    const mails = await Promise.all(h.sink.messages.filter((m) => m.raw.includes(`Message-ID: <${plain}.`)).map((m) => simpleParser(m.raw)));
    expect(mails).toHaveLength(3);
    for (const mail of mails) expect(mail.html || '').not.toContain('/o/');
    expect((await issueReport({ sends: h.sends, clicks }, plain)).opens).toBeNull();
  });
});
