// Issue #32, item 2: a bounced or complained address comes back only through its own new double
// opt-in, whichever way someone tries (an old confirmation link, the preferences page, the admin
// API, the console, the public form, an import), and consent is a history that is appended to,
// never written over. Real app, real Redis, the real transactional worker and an SMTP sink.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSubscribers } from '../../src/subscribers/csv-import.ts';
import { signListToken, signPreferencesToken } from '../../src/subscribers/tokens.ts';
import type { Subscriber } from '../../src/subscribers/types.ts';
import { ConsoleClient } from '../helpers/console-client.ts';
import {
  ADMIN_TOKEN,
  confirmByClick,
  confirmPathFrom,
  formBody,
  nextIp,
  startHttpHarness,
  waitForMail,
  waitForTransactionalIdle,
  type HttpHarness,
} from './http-harness.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
let h: HttpHarness;
let browser: ConsoleClient;

beforeAll(async () => {
  h = await startHttpHarness({ rateLimitPerMinute: 100 });
  browser = new ConsoleClient(h.app);
  await browser.login(ADMIN_TOKEN);
});
afterAll(async () => h?.close());

function subscribe(email: string, newsletter: string, ip = nextIp()) {
  return h.app.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { ...FORM, 'user-agent': `Browser/${ip}` },
    payload: formBody({ email, newsletter }),
    remoteAddress: ip,
  });
}

/** A link to the preferences page that lets its holder change things (a fresh one, as mailed). */
function preferencesLink(s: Subscriber, listId: string): string {
  return `/preferences/${signPreferencesToken(h.config.secrets, s.id, listId)}`;
}

async function record(email: string): Promise<Subscriber> {
  return (await h.store.findByEmail(email))!;
}

/** Subscribed on the form and confirmed by the mail's link, with a second, unclicked link for the other newsletter. */
async function confirmedWithSpareLink(email: string): Promise<{ subscriber: Subscriber; spareLink: string }> {
  await subscribe(email, h.en.id, '192.0.2.1');
  const [first] = await waitForMail(h, email);
  await subscribe(email, h.zh.id, '192.0.2.2');
  const [, second] = await waitForMail(h, email, 2);
  await confirmByClick(h.app, confirmPathFrom(first!, h.config.publicUrl));
  await waitForTransactionalIdle(h);
  const subscriber = await record(email);
  expect(subscriber).toMatchObject({ status: 'active', lists: [h.en.listId], requested: [h.zh.listId] });
  return { subscriber, spareLink: confirmPathFrom(second!, h.config.publicUrl) };
}

describe.each(['bounced', 'complained'] as const)('a %s subscriber', (status) => {
  it('is not brought back by any path but its own new confirmation, which joins that list alone', async () => {
    const email = `${status}.reader@example.org`;
    const { subscriber, spareLink } = await confirmedWithSpareLink(email);
    const consentBefore = subscriber.consent;
    await h.store.setStatus(subscriber.id, status);
    // Time passes: the resend throttle of the sign-up mails (a minute) is over.
    await h.redis.del(h.keys.confirmThrottle(subscriber.id, h.en.listId), h.keys.confirmThrottle(subscriber.id, h.zh.listId));
    const mailsBefore = (await h.mailTo(email)).length;

    // 1. The old confirmation link, made before the suppression: the page offers nothing, the click does nothing.
    const page = await h.app.inject({ method: 'GET', url: spareLink });
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain(`<form method="post" action="${spareLink}">`);
    expect((await h.app.inject({ method: 'POST', url: spareLink })).statusCode).toBe(404);
    expect(await record(email)).toMatchObject({ status, lists: [h.en.listId] });

    // 2. The preferences page: ticking both newsletters joins none; a confirmation mail goes out for each.
    const saved = await h.app.inject({
      method: 'POST',
      url: preferencesLink(subscriber, h.en.listId),
      headers: { ...FORM, 'user-agent': 'Prefs/1' },
      payload: `${formBody({ lists: h.en.listId, action: 'save' })}&lists=${h.zh.listId}`,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('open the confirmation link we have just emailed you');
    const afterPrefs = await record(email);
    expect(afterPrefs.status).toBe(status);
    expect(afterPrefs.consent).toEqual(consentBefore);
    expect(await h.store.isActiveIn(subscriber.id, h.en.listId)).toBe(false);
    expect(await h.store.isActiveIn(subscriber.id, h.zh.listId)).toBe(false);

    // 3. The admin API's confirmed add: 409 with what to do instead; nothing changes.
    const api = await h.app.inject({ method: 'POST', url: '/api/subscribers', headers: auth, payload: { email, list: h.en.listId, confirmed: true } });
    expect(api.statusCode).toBe(409);
    expect(api.json()).toMatchObject({ reason: 'suppressed', subscriberStatus: status });
    expect(api.json().message).toContain(`${email} is ${status}: a bounced or complained address comes back only through its own new double opt-in`);

    // 4. The console's confirmed add: the same refusal, as a 409 page.
    await browser.get('/admin/subscribers');
    const consoleAdd = await browser.post('/admin/subscribers/add', { email, list: h.zh.listId, confirmed: 'yes' });
    expect(consoleAdd.statusCode).toBe(409);
    expect(consoleAdd.body).toContain('a confirmed add cannot bring back a bounced or complained address');

    // 5. An import with --confirmed skips it.
    const imported = await importSubscribers(h.store, Readable.from([`email\n${email}\n`]), { listId: h.zh.listId, confirmed: true });
    expect(imported).toMatchObject({ imported: 0, updated: 0, skipped: 1 });
    expect(await record(email)).toMatchObject({ status, lists: [h.en.listId], consent: consentBefore });

    // 6. The public form: answered as for anyone, and only a fresh confirmation mail goes out.
    expect((await subscribe(email, h.en.id, '198.51.100.99')).statusCode).toBe(202);
    await waitForTransactionalIdle(h);
    expect(await record(email)).toMatchObject({ status, lists: [h.en.listId], consent: consentBefore });
    const mails = await h.mailTo(email);
    // The preferences page asked for both newsletters (two mails); the form's request for en a minute later is throttled.
    expect(mails.length).toBe(mailsBefore + 2);
    const fresh = mails.slice(mailsBefore);
    expect(fresh.map((m) => confirmPathFrom(m, h.config.publicUrl))).not.toContain(spareLink);

    // The old link still does nothing; the new one for en brings the address back to en alone.
    expect((await h.app.inject({ method: 'POST', url: spareLink })).statusCode).toBe(404);
    const enMail = fresh.find((m) => m.subject?.startsWith('Please confirm your subscription'))!;
    const confirmed = await confirmByClick(h.app, confirmPathFrom(enMail, h.config.publicUrl));
    expect(confirmed.statusCode).toBe(200);
    const back = await record(email);
    expect(back).toMatchObject({ status: 'active', lists: [h.en.listId], requested: [h.zh.listId] });
    expect(await h.store.isActiveIn(subscriber.id, h.en.listId)).toBe(true);
    expect(await h.store.isActiveIn(subscriber.id, h.zh.listId)).toBe(false);
    // The consent on record is the request that link was made for (the preferences page's).
    expect(back.consent).toMatchObject({ source: 'form', textVersion: 'preferences-v1', userAgent: 'Prefs/1' });
    expect(back.consent?.confirmedAt).toBeTruthy();
    const history = await h.store.consentHistory(subscriber.id);
    // Every grant and withdrawal kept: the first request and its confirmation are still there.
    expect(history[0]).toMatchObject({ type: 'requested', source: 'form', ip: '192.0.2.1', listId: h.en.listId });
    expect(history.map((e) => e.type)).toEqual([
      'requested',
      'requested',
      'confirmed',
      ...(status === 'complained' ? ['withdrawn'] : []),
      'requested',
      'requested',
      'requested',
      'confirmed',
    ]);
    expect(history.at(-2)).toMatchObject({ type: 'requested', source: 'form', ip: '198.51.100.99', listId: h.en.listId });
    expect(history.at(-1)).toMatchObject({ type: 'confirmed', textVersion: 'preferences-v1', userAgent: 'Prefs/1', listId: h.en.listId });
  });
});

describe('an unsubscribed subscriber', () => {
  it('may be added again by an operator, the grant appended to the consent history', async () => {
    const email = 'left.once@example.org';
    const { subscriber } = await confirmedWithSpareLink(email);
    const confirmedConsent = subscriber.consent!;
    const left = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe/${signListToken(h.config.secrets, subscriber.id, h.en.listId)}`,
      headers: { ...FORM, 'user-agent': 'Mail/1' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(left.statusCode).toBe(200);
    expect((await record(email)).status).toBe('unsubscribed');

    const api = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: { ...auth, 'user-agent': 'ops-script/2' },
      payload: { email, list: h.en.listId, confirmed: true },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json().subscriber).toMatchObject({
      status: 'active',
      lists: [h.en.listId],
      consent: { source: 'api', textVersion: 'api-v1', userAgent: 'ops-script/2' },
    });
    const history = await h.store.consentHistory(subscriber.id);
    expect(history.map((e) => [e.type, e.source, e.listId])).toEqual([
      ['requested', 'form', h.en.listId],
      ['requested', 'form', h.zh.listId],
      ['confirmed', 'form', h.en.listId],
      ['withdrawn', 'one-click', h.en.listId],
      ['granted', 'api', h.en.listId],
    ]);
    expect(history[2]).toMatchObject({ at: confirmedConsent.at, confirmedAt: confirmedConsent.confirmedAt, ip: confirmedConsent.ip });
    expect(history[3]).toMatchObject({ userAgent: 'Mail/1' });
  });
});

describe('consent history on the public form', () => {
  it('a second anonymous request for a pending address is appended; the first consent stays on record', async () => {
    const email = 'twice.asked@example.org';
    await subscribe(email, h.en.id, '192.0.2.70');
    await waitForMail(h, email);
    const first = (await record(email)).consent;
    await subscribe(email, h.zh.id, '203.0.113.70');
    await waitForMail(h, email, 2);
    const after = await record(email);
    expect(after.consent).toEqual(first);
    expect(after.consent?.ip).toBe('192.0.2.70');
    expect((await h.store.consentHistory(after.id)).map((e) => [e.type, e.ip, e.listId])).toEqual([
      ['requested', '192.0.2.70', h.en.listId],
      ['requested', '203.0.113.70', h.zh.listId],
    ]);
  });
});
