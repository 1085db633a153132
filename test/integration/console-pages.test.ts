// The console's issue and send pages through Fastify inject on real Redis (no worker runs, so
// a send stays where the forms put it): preview, text part, lint and size; the two-step send;
// pause, resume and cancel; "what happened to my message" from the ledger; every POST refused
// without its CSRF token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignQueues } from '../../src/campaign/queue/queues.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let browser: ConsoleClient;
const ISSUE = 'field-notes-012';

beforeAll(async () => {
  h = await startHttpHarness({ publicUrl: 'http://127.0.0.1:3000' });
  for (let i = 1; i <= 12; i++)
    await h.store.create({
      email: `reader-${i}@pages.example`,
      name: `Reader ${i}`,
      lists: [h.en.listId],
      status: 'active',
      consent: { at: new Date().toISOString(), textVersion: 't', source: 'import' },
    });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => {
  await h?.close();
});

describe('home', () => {
  it('lists every issue file with its subject and "not sent"', async () => {
    const res = await browser.get('/admin');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /<a href="\/admin\/issues\/field-notes-012">field-notes-012<\/a><\/td><td>[^<]+<\/td><td data-lint="field-notes-012">.*?<\/td><td><span class="state none" data-state="none">not sent<\/span>/,
    );
    expect(res.body).toContain('<a href="/admin/issues/pretrain-weekly-064">');
  });
});

describe('issue page', () => {
  it('shows the recipients, lint, size against the clip, both preview widths and the text part', async () => {
    const res = await browser.get(`/admin/issues/${ISSUE}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('12 active subscribers on the list');
    expect(res.body).toMatch(/HTML part \d+\.\d KB on the wire, of a 92\.8 KB budget \(Gmail clips a message at about 102 KB\)\./);
    expect(res.body).toContain(`<iframe title="Preview: Desktop (600 px)" src="/admin/issues/${ISSUE}/preview.html" sandbox`);
    expect(res.body).toContain('<iframe title="Preview: Phone (375 px)"');
    expect(res.body).toMatch(/<pre class="text" tabindex="0">[^<]*Field Notes/);
    expect(res.headers['content-security-policy']).toContain("frame-src 'self'");
    // Every input has a label pointing at it.
    for (const [, id] of res.body.matchAll(/<input type="(?:text|search|email)" id="([^"]+)"/g)) expect(res.body).toContain(`<label for="${id}">`);
  });

  it('serves the preview for the issue page only, scripts off', async () => {
    const res = await browser.get(`/admin/issues/${ISSUE}/preview.html`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/i);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'; sandbox$/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('answers 404 in the console frame for an unknown issue and for a hostile id', async () => {
    for (const id of ['no-such-issue', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(150)]) {
      const res = await browser.get(`/admin/issues/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Back to the console');
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('refuses a test send to a non-address with the reason, on the issue page', async () => {
    await browser.get(`/admin/issues/${ISSUE}`);
    const res = await browser.submit(`/admin/issues/${ISSUE}/test-send`, { to: 'not-an-address' });
    expect(res.posted.headers.location).toBe(`/admin/issues/${ISSUE}`);
    expect(res.body).toContain('not an email address: &quot;not-an-address&quot;');
    // Shown once: a reload shows the page without it.
    expect((await browser.get(`/admin/issues/${ISSUE}`)).body).not.toContain('not an email address');
  });
});

describe('send, confirm, control, look up', () => {
  it('asks first (nothing written), then sends; pause, resume and cancel work from the send page', async () => {
    await browser.get(`/admin/issues/${ISSUE}`);
    const ask = await browser.get(`/admin/issues/${ISSUE}/send?at=`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('It goes to 12 active subscribers of “Field Notes”, now.');
    expect(await h.redis.exists(h.keys.campaign(ISSUE))).toBe(0);
    // A POST without the question's confirm=yes is sent to the question, and sends nothing.
    const unasked = await browser.post(`/admin/issues/${ISSUE}/send`, { at: '' });
    expect(unasked.statusCode).toBe(303);
    expect(unasked.headers.location).toBe(`/admin/issues/${ISSUE}/send?at=`);
    expect(await h.redis.exists(h.keys.campaign(ISSUE))).toBe(0);

    const noToken = await browser.post(`/admin/issues/${ISSUE}/send`, { confirm: 'yes', _csrf: null });
    expect(noToken.statusCode).toBe(403);
    expect(await h.redis.exists(h.keys.campaign(ISSUE))).toBe(0);

    const sent = await browser.post(`/admin/issues/${ISSUE}/send`, { at: '', confirm: 'yes' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe(`/admin/sends/${ISSUE}`);

    const page = await browser.get(`/admin/sends/${ISSUE}`);
    expect(page.statusCode).toBe(200);
    // No worker runs here: the page says so, as `newsletter send` does, instead of "sending" forever.
    expect(page.body).toContain('No worker is running: this send stays queued');
    // No worker runs here: the fan-out has not started, so the send is still "scheduled".
    expect(page.body).toMatch(/data-state="(scheduled|sending)"/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-[^']+'/);
    const status = await browser.get(`/admin/sends/${ISSUE}/status.json`);
    expect(status.json()).toMatchObject({ issueId: ISSUE, total: 12 });
    const before = status.json().state;

    expect((await browser.post(`/admin/sends/${ISSUE}/pause`, { _csrf: null })).statusCode).toBe(403);
    expect((await browser.get(`/admin/sends/${ISSUE}/status.json`)).json().state).toBe(before);
    expect((await browser.post(`/admin/sends/${ISSUE}/pause`)).statusCode).toBe(303);
    expect((await browser.get(`/admin/sends/${ISSUE}/status.json`)).json().state).toBe('paused');
    const paused = await browser.get(`/admin/sends/${ISSUE}`);
    expect(paused.body).toContain('>Resume</button>');
    expect((await browser.post(`/admin/sends/${ISSUE}/resume`)).statusCode).toBe(303);
    expect((await browser.get(`/admin/sends/${ISSUE}/status.json`)).json().state).toMatch(/^(scheduled|sending)$/);

    const found = await browser.get(`/admin/sends/${ISSUE}?email=reader-3@Pages.Example`);
    expect(found.body).toMatch(/data-lookup>reader-3@pages\.example: (queued, not sent yet|being sent now)</);
    const stranger = await browser.get(`/admin/sends/${ISSUE}?email=nobody@pages.example`);
    expect(stranger.body).toContain('nobody@pages.example is not a subscriber.');

    // Cancel asks first: the send page links to a question that changes nothing.
    const sendPage = await browser.get(`/admin/sends/${ISSUE}`);
    expect(sendPage.body).toContain(`href="/admin/sends/${ISSUE}/cancel">Cancel the send…</a>`);
    const question = await browser.get(`/admin/sends/${ISSUE}/cancel`);
    expect(question.body).toContain(`Cancel the send of ${ISSUE}?`);
    expect((await browser.get(`/admin/sends/${ISSUE}/status.json`)).json().state).not.toBe('cancelled');
    expect((await browser.post(`/admin/sends/${ISSUE}/cancel`)).statusCode).toBe(303);
    const cancelled = (await browser.get(`/admin/sends/${ISSUE}/status.json`)).json();
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.total).toBe(12);
    expect(cancelled.skipped + cancelled.sent).toBe(12);
    const again = await browser.submit(`/admin/sends/${ISSUE}/pause`);
    expect(again.body).toContain('it is cancelled');
  });
});

describe('schedule', () => {
  it('schedules in the newsletter’s time zone, shows the time, moves it, then sends now', async () => {
    const id = 'pretrain-weekly-064';
    // 08:00 in Shanghai, three days on: the newsletter's zone (Asia/Shanghai) reads a time without an offset.
    const day = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const at = `${day}T08:00`;
    const utc = `${day}T00:00:00.000Z`;
    await browser.get(`/admin/issues/${id}`);
    const ask = await browser.get(`/admin/issues/${id}/send?at=${encodeURIComponent(at)}`);
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('(Asia/Shanghai)');
    expect(ask.body).toMatch(/08:00 GMT\+8 \(Asia\/Shanghai\)/);
    const sent = await browser.submit(`/admin/issues/${id}/send`, { at, confirm: 'yes' });
    expect(sent.posted.headers.location).toBe(`/admin/sends/${id}`);
    // The send page says when, in the newsletter's zone and UTC, with a place for the editor's own.
    expect(sent.body).toContain(`data-starts-at="${utc}"`);
    expect(sent.body).toMatch(/08:00 GMT\+8 \(Asia\/Shanghai\)/);
    expect(sent.body).toContain(`<time datetime="${utc}" data-local>`);
    const status = (await browser.get(`/admin/sends/${id}/status.json`)).json();
    expect(status).toMatchObject({ state: 'scheduled', scheduledAt: utc });
    const home = await browser.get('/admin');
    expect(home.body).toContain('<span class="state scheduled" data-state="scheduled">scheduled</span>');

    // A bad time gets the editor's wording, not the CLI's, and changes nothing.
    const bad = await browser.submit(`/admin/sends/${id}/reschedule`, { at: 'next tuesday' });
    expect(bad.body).toContain('Start time: “next tuesday” is not a date and time.');
    expect(bad.body).not.toContain('--at');
    expect((await browser.get(`/admin/sends/${id}/status.json`)).json().scheduledAt).toBe(utc);
    // Moved an hour later: the record and the waiting fan-out both.
    const moved = await browser.submit(`/admin/sends/${id}/reschedule`, { at: `${day}T09:00` });
    expect(moved.body).toContain('The send now starts');
    expect((await browser.get(`/admin/sends/${id}/status.json`)).json().scheduledAt).toBe(`${day}T01:00:00.000Z`);
    const queues = createCampaignQueues(h.redis, h.keys.prefix);
    const waiting = (await queues.fanout.getJobs(['delayed'])).filter((j) => j.data.campaignId === id);
    expect(waiting).toHaveLength(1);
    // BullMQ orders its delayed set by the time a job is due (score = ms × 4096 + a counter).
    const due = Math.floor(Number(await h.redis.zscore(queues.fanout.keys.delayed!, waiting[0]!.id!)) / 4096);
    expect(Math.abs(due - Date.parse(`${day}T01:00:00.000Z`))).toBeLessThan(5_000);
    await queues.close();
    // Send now: no longer scheduled (no worker here, so it waits as "sending" for one).
    await browser.submit(`/admin/sends/${id}/reschedule`, { now: 'yes' });
    await browser.get(`/admin/sends/${id}`);
    expect((await browser.post(`/admin/sends/${id}/cancel`)).statusCode).toBe(303);
  });

  it('refuses an "at" that is not a date, in the editor’s words', async () => {
    await browser.get('/admin/issues/pretrain-weekly-064');
    const res = await browser.get('/admin/issues/pretrain-weekly-064/send?at=next+tuesday', {});
    expect(res.statusCode).toBe(303);
    const back = await browser.get(String(res.headers.location));
    expect(back.body).toMatch(/notice error/);
    expect(back.body).toContain('Start time: “next tuesday” is not a date and time.');
  });
});
