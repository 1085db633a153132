// Click tracking end to end (issue 29): a real list send of the model issue, whose newsletter
// counts clicks, through real workers into the SMTP sink; every message's links go through
// PUBLIC_URL/r/ with one valid token per message, in the HTML and the text; following one
// through the app redirects to the URL stored at publish and counts it (a person after the
// machine window, a machine within it); a damaged token still redirects and counts nothing;
// nothing but a stored URL is ever redirected to (fuzzed); the test send, the archive and the
// feed carry no tracked link; and no log line holds a token.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickStore } from '../../src/reports/click-store.ts';
import { clickTokenSigner, verifyClickToken } from '../../src/reports/click-token.ts';
import { sendIssue } from '../../src/use-cases/send-issue.ts';
import { testSendIssue } from '../../src/use-cases/test-send.ts';
import type { IssueReport } from '../../src/use-cases/issue-report.ts';
import { launchBrowser } from '../../src/preview/screenshot.ts';
import { CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { runCli } from '../helpers/cli.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { capturedLogger } from '../helpers/log-capture.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const ISSUE = 'pretrain-weekly-071';
const REPORT_ADMIN_TOKEN = 'report-admin-token-0123456789abcdef';
const REPORT_METRICS_TOKEN = 'report-metrics-token-0123456789abcd';
const PUBLIC_URL = 'https://news.example.test';
const PERSON = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const TRACKED = /https:\/\/news\.example\.test\/r\/([a-z0-9-]+)\/(\d+)\/([A-Za-z0-9_.-]+)/g;

interface Tracked {
  campaign: string;
  link: number;
  token: string;
}

let h: CampaignHarness;
let app: FastifyInstance;
let clicks: ClickStore;
let clock = 0;
let logLines: string[] = [];
/** Per reader address: the tracked links of their message's text and HTML parts. */
const messages = new Map<string, { text: Tracked[]; html: Tracked[]; hrefs: string[] }>();

function trackedIn(body: string): Tracked[] {
  return [...body.matchAll(TRACKED)].map((m) => ({ campaign: m[1]!, link: Number(m[2]), token: m[3]! }));
}

beforeAll(async () => {
  h = await startCampaignHarness();
  clicks = new ClickStore(h.redis, h.keys);
  const { logger, lines } = capturedLogger();
  logLines = lines;
  app = await h.openApp({ logger, clicks: { now: () => clock } });
  await h.seed(3, 'clicker');
  await h.startWorker({}, 4);
  const outcome = await sendIssue({ ...h.sends, store: h.store, publicUrl: h.config.publicUrl }, { published: await h.unpublished(ISSUE) });
  expect(outcome.kind).toBe('started');
  await h.waitForState(ISSUE, ['done']);
  for (const m of h.sink.messages) {
    const parsed = await simpleParser(m.raw);
    const html = parsed.html || '';
    messages.set(m.to[0]!, {
      text: trackedIn(parsed.text ?? ''),
      html: trackedIn(html),
      hrefs: [...html.matchAll(/<a\b[^>]*?href="([^"]*)"/g)].map((x) => x[1]!.replaceAll('&amp;', '&')),
    });
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

const follow = (url: string, method: 'GET' | 'HEAD' = 'GET', userAgent = PERSON) => app.inject({ method, url, headers: { 'user-agent': userAgent } });
const pathOf = (t: Tracked, token = t.token) => `/r/${t.campaign}/${t.link}/${token}`;

describe('a list send with clicks on', () => {
  it('stores the link table and puts /r/ links with one valid token per message in every HTML and text part', async () => {
    const table = await clicks.links(ISSUE);
    expect(table.length).toBeGreaterThan(15);
    expect(messages.size).toBe(3);
    const readers = new Set<string>();
    for (const [address, m] of messages) {
      expect(m.html.length, address).toBeGreaterThan(15);
      expect(m.text.length, address).toBeGreaterThan(15);
      const tokens = new Set([...m.html, ...m.text].map((t) => t.token));
      expect(tokens.size, address).toBe(1);
      const claims = verifyClickToken(h.config.secrets, ISSUE, [...tokens][0]!);
      expect(claims, address).not.toBeNull();
      readers.add(claims!.reader);
      for (const t of [...m.html, ...m.text]) {
        expect(t.campaign).toBe(ISSUE);
        expect(table[t.link - 1]).toBeDefined();
      }
      // Every link number of the table is in the HTML; the text links the same ones.
      expect(new Set(m.html.map((t) => t.link))).toEqual(new Set(table.map((_, i) => i + 1)));
      expect([...new Set(m.text.map((t) => t.link))].every((n) => n <= table.length)).toBe(true);
      // Only the personal links are left as they were: unsubscribe, preferences, view online.
      const untracked = m.hrefs.filter((href) => !href.startsWith(`${PUBLIC_URL}/r/`));
      for (const href of untracked) expect(href).toMatch(/^https:\/\/news\.example\.test\/(unsubscribe|preferences|issues)\//);
      expect(untracked.length).toBeGreaterThanOrEqual(3);
    }
    expect(readers.size).toBe(3);
  });

  it('redirects a followed link to the stored URL and counts a person after the window, a machine within it', async () => {
    const [first, second] = [...messages.values()];
    const link = first!.html[0]!;
    const sentAt = verifyClickToken(h.config.secrets, ISSUE, link.token)!.sentAt;
    const url = (await clicks.links(ISSUE))[link.link - 1];

    clock = sentAt + 3_600_000;
    const res = await follow(pathOf(link));
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(url);
    expect(await clicks.counts(ISSUE, clock + 3_000)).toMatchObject({ human: 1, humanUnique: 1, machine: 0 });

    // A scanner fetching the link seconds after delivery.
    const scanned = second!.html[1]!;
    clock = verifyClickToken(h.config.secrets, ISSUE, scanned.token)!.sentAt + 5_000;
    expect((await follow(pathOf(scanned))).statusCode).toBe(302);
    expect(await clicks.counts(ISSUE, clock + 3_000)).toMatchObject({ human: 1, machine: 1 });

    // A HEAD redirects too and is never counted.
    clock = sentAt + 7_200_000;
    expect((await follow(pathOf(link), 'HEAD')).statusCode).toBe(302);
    expect(await clicks.counts(ISSUE, clock + 3_000)).toMatchObject({ human: 1, machine: 1 });
  });

  it('takes the machine window from CLICK_MACHINE_WINDOW_SECONDS', async () => {
    const short = await h.openApp({ config: { ...h.config, clickMachineWindowMs: 10_000 }, clicks: { now: () => clock } });
    try {
      const link = [...messages.values()][2]!.html[3]!;
      clock = verifyClickToken(h.config.secrets, ISSUE, link.token)!.sentAt + 20_000;
      const before = await clicks.counts(ISSUE, clock + 3_000);
      // 20 s after sending: a person's with a 10 s window, where the default 60 s makes it a machine's.
      expect((await short.inject({ method: 'GET', url: pathOf(link), headers: { 'user-agent': PERSON } })).statusCode).toBe(302);
      expect(await clicks.counts(ISSUE, clock + 3_000)).toMatchObject({ human: before.human + 1, machine: before.machine });
    } finally {
      await short.close();
    }
  });

  it('still redirects a damaged or forwarded token but counts nothing', async () => {
    const link = [...messages.values()][2]!.text[0]!;
    const url = (await clicks.links(ISSUE))[link.link - 1];
    const before = await clicks.counts(ISSUE, clock + 3_000);
    const flipped = link.token.slice(0, -1) + (link.token.endsWith('A') ? 'B' : 'A');
    for (const token of [flipped, 'garbage', `${link.token}x`, '1.']) {
      const res = await follow(pathOf(link, token));
      expect(res.statusCode, token).toBe(302);
      expect(res.headers.location).toBe(url);
    }
    expect(await clicks.counts(ISSUE, clock + 3_000)).toMatchObject({ human: before.human, machine: before.machine });
  });

  it('answers an unknown issue or link number with a 404', async () => {
    const link = [...messages.values()][0]!.html[0]!;
    const table = await clicks.links(ISSUE);
    expect((await follow(`/r/${ISSUE}/${table.length + 1}/${link.token}`)).statusCode).toBe(404);
    expect((await follow(`/r/pretrain-weekly-999/1/${link.token}`)).statusCode).toBe(404);
    expect((await follow(`/r/${ISSUE}/0/${link.token}`)).statusCode).toBe(404);
  });

  it('never redirects anywhere but a stored URL, whatever the path (fuzzed)', async () => {
    const table = new Set(await clicks.links(ISSUE));
    // A valid token of nobody's message: a path made of random pieces is no link of a reader's.
    const token = clickTokenSigner(h.config.secrets, ISSUE)('999999', Date.now());
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.webUrl().map(encodeURIComponent),
      fc.constantFrom(ISSUE, '1', '2', token, '..', '%2F%2Fevil.example', '//evil.example', 'https:', '%00'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.string({ maxLength: 30 }), async (segments, query) => {
        const res = await follow(`/r/${segments.join('/')}${query ? `?${encodeURIComponent(query)}` : ''}`);
        // Whatever answers (a 404; a path like /r/.. is another page), a redirect goes to a stored URL only.
        if (res.statusCode >= 300 && res.statusCode < 400) expect(table.has(String(res.headers.location))).toBe(true);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });

  it('logs no click token: the request line keeps the issue and link number only', async () => {
    const tokens = new Set([...messages.values()].flatMap((m) => [...m.html, ...m.text].map((t) => t.token)));
    const lines = logLines.filter((line) => line.includes('"/r/'));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of logLines) for (const token of tokens) expect(line.includes(token), line).toBe(false);
    // The MAC part of a token alone is not in any line either.
    for (const line of logLines) for (const token of tokens) expect(line.includes(token.slice(2)), line).toBe(false);
    expect(lines.some((line) => line.includes(`"/r/${ISSUE}/1/[token]"`) || /"\/r\/pretrain-weekly-071\/\d+\/\[token\]"/.test(line))).toBe(true);
  });
});

describe('never tracked', () => {
  it('a test send of the tracked issue carries the issue’s own links', async () => {
    const published = await h.unpublished(ISSUE);
    const started = await testSendIssue({ ...h.sends, store: h.store }, published, ['proof@example.test']);
    await h.waitForState(started.campaignId, ['done']);
    const message = h.sink.messages.find((m) => m.to.includes('proof@example.test'));
    expect(message).toBeDefined();
    const parsed = await simpleParser(message!.raw);
    expect(parsed.subject).toMatch(/^\[TEST\]/);
    expect(parsed.html || '').not.toContain('/r/');
    expect(parsed.text ?? '').not.toContain('/r/');
    expect(parsed.html || '').toContain('href="https://arxiv.org/');
  });

  it('the archive page and the feed of the tracked issue carry no /r/ link', async () => {
    const page = await app.inject({ method: 'GET', url: `/issues/${ISSUE}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('https://arxiv.org/');
    expect(page.body).not.toContain('/r/');
    const feed = await app.inject({ method: 'GET', url: '/feeds/pretrain-weekly.xml' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain(ISSUE);
    expect(feed.body).not.toContain('/r/');
  });
});

describe('the report (issue 29): the send page, `newsletter report` and the API agree', () => {
  it('gives the same figures three ways, and the same per-link counts', async () => {
    const expected = await clicks.counts(ISSUE, clock + 3_000); // held clicks committed
    expect(expected.human).toBeGreaterThan(0);
    const admin = await h.openApp({ config: { ...h.config, adminToken: REPORT_ADMIN_TOKEN, metricsToken: REPORT_METRICS_TOKEN } });
    const api = await admin.inject({ method: 'GET', url: `/api/campaigns/${ISSUE}/report`, headers: { authorization: `Bearer ${REPORT_ADMIN_TOKEN}` } });
    expect(api.statusCode).toBe(200);
    const report = api.json() as IssueReport;
    expect(report.clicks).toMatchObject({ human: expected.human, humanUnique: expected.humanUnique, machine: expected.machine });
    expect(report.sent).toBe(3);
    const cli = await runCli(['report', ISSUE, '--json'], { env: { ...h.env, PUBLIC_URL } });
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(report);
    const csv = await runCli(['report', ISSUE, '--csv'], { env: { ...h.env, PUBLIC_URL } });
    expect(csv.stdout.split('\n')[1]).toBe(`"${ISSUE}",,,${expected.human},${expected.humanUnique},${expected.machine},3,${report.delivered},0,0,0,0`);
    const console = new ConsoleClient(admin);
    await console.login(REPORT_ADMIN_TOKEN);
    const page = await console.get(`/admin/sends/${ISSUE}`);
    expect(page.statusCode).toBe(200);
    const section = page.body.slice(page.body.indexOf('id="report"'));
    expect(section).toContain(`People clicked ${expected.human} time`);
    for (const link of report.clicks!.links.filter((l) => l.human > 0))
      expect(section).toContain(`<meter min="0" max="${report.clicks!.links[0]!.human}" value="${link.human}"`);
    expect(section).not.toContain('style=');
    // The timeline: every message in its minute, every click of the week in its hour.
    expect(report.timeline.sentPerMinute.reduce((a, row) => a + row.sent, 0)).toBe(3);
    const hours = report.timeline.clicksPerHour!;
    expect(hours).toHaveLength(7 * 24);
    expect(hours.reduce((a, row) => a + row.human, 0)).toBe(expected.human);
    expect(hours.reduce((a, row) => a + row.machine, 0)).toBe(expected.machine);
    expect(report.recent.at(-1)).toMatchObject({ issueId: ISSUE, sent: 3, rates: report.rates });
    expect(section).toMatch(/<figure class="chart" data-chart="chart-sent">\n<svg [^>]*role="img" aria-labelledby="chart-sent-title chart-sent-desc"/);
    expect(section).toContain(`<desc id="chart-clicks-desc">From `);
    expect(section).toContain(`: ${expected.human} by people and ${expected.machine} by machines`);
    // Prometheus: the same clicks, by newsletter and kind.
    const metrics = await admin.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${REPORT_METRICS_TOKEN}` } });
    expect(metrics.body).toContain(`newsletter_clicks_total{newsletter="pretrain-weekly",kind="person"} ${expected.human}`);
    expect(metrics.body).toContain(`newsletter_clicks_total{newsletter="pretrain-weekly",kind="machine"} ${expected.machine}`);
    await expectReportReadsInChromium(admin);
    const missing = await admin.inject({
      method: 'GET',
      url: '/api/campaigns/no-such-issue/report',
      headers: { authorization: `Bearer ${REPORT_ADMIN_TOKEN}` },
    });
    expect(missing.statusCode).toBe(404);
  });
});

/** The report page as a person sees it: at 375 px nothing wider than the phone, the charts named for a screen reader, and dark mode recolouring them. */
async function expectReportReadsInChromium(admin: FastifyInstance): Promise<void> {
  if (CHROMIUM_MISSING) return;
  const address = await admin.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${address}/admin/login`);
    await page.getByLabel('Admin token').focus();
    await page.getByLabel('Admin token').fill(REPORT_ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${address}/admin`);
    await page.goto(`${address}/admin/sends/${ISSUE}`);
    // Named by the chart's title and its one-sentence description (aria-labelledby).
    for (const name of [/^Clicks per hour, the week after the send From /, /^Messages sent per minute From /]) {
      await page.getByRole('img', { name }).waitFor();
      expect(await page.getByRole('img', { name }).isVisible()).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const fill = () =>
      page
        .locator('[data-chart="chart-clicks"] rect.chart-human')
        .first()
        .evaluate((rect) => getComputedStyle(rect).fill);
    expect(await fill()).toBe('rgb(29, 78, 216)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await fill()).toBe('rgb(96, 165, 250)');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  } finally {
    await browser.close();
  }
}
