// Issue #32, item 3: the token in every footer and List-Unsubscribe header never expires and
// travels with every forwarded mail, so the preferences page it opens shows and changes nothing
// personal; it offers "email me a link", which mails a fresh link (a signed token that works for
// PREFERENCES_LINK_DAYS) to the subscriber's own address through the transactional worker, the
// same answer whatever happens. One-click unsubscribe keeps working on the footer's token.
// Real app, real Redis, the real worker, a real smtp-server sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREFERENCES_LINK_DAYS, signListToken, signPreferencesToken, verifyPreferencesToken } from '../../src/subscribers/tokens.ts';
import type { Subscriber } from '../../src/subscribers/types.ts';
import { formBody, nextIp, startHttpHarness, waitForMail, waitForTransactionalIdle, type HttpHarness } from './http-harness.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let h: HttpHarness;

beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => h?.close());

async function reader(email: string, name = 'Rosalind Secretname'): Promise<Subscriber> {
  return (
    await h.store.create({
      email,
      name,
      locale: 'en',
      lists: [h.en.listId],
      status: 'active',
      consent: { at: new Date().toISOString(), textVersion: 'v1', source: 'api' },
    })
  ).subscriber;
}

const footerToken = (s: Subscriber) => signListToken(h.config.secrets, s.id, h.en.listId);
const post = (url: string, fields: Record<string, string> | string = {}) =>
  h.app.inject({ method: 'POST', url, headers: FORM, payload: typeof fields === 'string' ? fields : formBody(fields), remoteAddress: nextIp() });

/** Nothing that says whose subscription this is. */
function expectNothingPersonal(body: string, s: Subscriber): void {
  expect(body).not.toContain('Rosalind');
  expect(body).not.toContain('Secretname');
  expect(body).not.toContain(s.email);
  expect(body).not.toContain(s.email.split('@')[1]);
  expect(body).not.toContain('type="checkbox"');
  expect(body).not.toContain('name="name"');
}

describe('the footer’s token (never expires)', () => {
  it('opens a page that shows nothing personal and offers a fresh link by mail, and keeps one-click unsubscribe', async () => {
    const s = await reader('footer.reader@example.org');
    const token = footerToken(s);
    const page = await h.app.inject({ method: 'GET', url: `/preferences/${token}` });
    expect(page.statusCode).toBe(200);
    expectNothingPersonal(page.body, s);
    expect(page.body).toContain('For your privacy, this link shows and changes nothing');
    expect(page.body).toContain(`<form method="post" action="/preferences/${token}/link">`);
    expect(page.body).toContain('Email me a link to manage my subscription');
    expect(page.body).toContain(`<a href="/unsubscribe/${token}">`);
    expect(page.headers['cache-control']).toBe('no-store');

    // Saving with it changes nothing at all.
    const saved = await post(`/preferences/${token}`, `lists=${h.zh.listId}&name=Hijacked&locale=de&action=save`);
    expect(saved.statusCode).toBe(403);
    expectNothingPersonal(saved.body, s);
    const leave = await post(`/preferences/${token}`, { action: 'leave-all' });
    expect(leave.statusCode).toBe(403);
    expect(await h.store.get(s.id)).toMatchObject({ name: 'Rosalind Secretname', locale: 'en', status: 'active', lists: [h.en.listId] });
    expect(await h.store.consentHistory(s.id)).toHaveLength(1);
    await waitForTransactionalIdle(h);
    expect(await h.mailTo(s.email)).toHaveLength(0);

    // One-click unsubscribe (RFC 8058) and the unsubscribe page still work on the same token.
    const oneClick = await post(`/unsubscribe/${token}`, 'List-Unsubscribe=One-Click');
    expect(oneClick.statusCode).toBe(200);
    expect(await h.store.isActiveIn(s.id, h.en.listId)).toBe(false);
    const other = await reader('footer.page@example.org');
    expect((await h.app.inject({ method: 'GET', url: `/unsubscribe/${footerToken(other)}` })).statusCode).toBe(200);
    expect((await post(`/unsubscribe/${footerToken(other)}`)).statusCode).toBe(200);
    expect(await h.store.isActiveIn(other.id, h.en.listId)).toBe(false);
  });

  it('"email me a link" mails a fresh link to the subscriber’s own address, which opens and changes the settings; asked again, it answers the same and mails nothing more', async () => {
    const s = await reader('asks.link@example.org');
    const token = footerToken(s);
    const asked = await post(`/preferences/${token}/link`);
    expect(asked.statusCode).toBe(200);
    expectNothingPersonal(asked.body, s);
    expect(asked.body).toContain(`a link to manage the subscription is on its way to their address. It works for ${PREFERENCES_LINK_DAYS} days.`);

    const [mail] = await waitForMail(h, s.email);
    expect(mail!.subject).toBe(`Your link to manage your subscription to ${h.en.name}`);
    expect(mail!.text).toContain('Hi Rosalind Secretname,');
    const url = new RegExp(`${h.config.publicUrl.replace(/[.]/g, '\\.')}/preferences/(p\\.[^"\\s\\]]+)`).exec(String(mail!.html))![1]!;
    expect(verifyPreferencesToken(h.config.secrets, url)).toMatchObject({ subscriberId: s.id, listId: h.en.listId, expired: false });
    // The job that carried it held no token.
    expect(JSON.stringify(await h.transactionalQueue.getJobs(['completed', 'failed', 'waiting', 'delayed']))).not.toContain(url);

    const page = await h.app.inject({ method: 'GET', url: `/preferences/${url}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="Rosalind Secretname"');
    expect(page.body).toContain('a***@example.org');
    expect(page.body).toContain(`<input type="checkbox" id="list-${h.en.listId}" name="lists" value="${h.en.listId}" checked>`);
    const saved = await post(`/preferences/${url}`, `lists=${h.en.listId}&name=Ros&locale=de&action=save`);
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved.');
    expect(await h.store.get(s.id)).toMatchObject({ name: 'Ros', locale: 'de', status: 'active' });

    // Asked again within the window: the same page, no second mail.
    const again = await post(`/preferences/${token}/link`);
    expect(again.body).toBe(asked.body);
    await waitForTransactionalIdle(h);
    expect(await h.mailTo(s.email)).toHaveLength(1);
  });

  it('answers the same, and mails nobody, for a subscriber who is gone or whose mailbox bounced', async () => {
    // The answer, with the token it was asked with taken out.
    const askFor = async (s: Subscriber) => {
      const res = await post(`/preferences/${footerToken(s)}/link`);
      return { statusCode: res.statusCode, body: res.body.replaceAll(footerToken(s), 'T') };
    };
    const kept = await reader('kept@example.org');
    const keptAnswer = await askFor(kept);
    const gone = await reader('gone@example.org');
    await h.store.remove(gone.id);
    const goneAnswer = await askFor(gone);
    const bounced = await reader('bounced.box@example.org');
    await h.store.setStatus(bounced.id, 'bounced');
    const bouncedAnswer = await askFor(bounced);
    for (const answer of [goneAnswer, bouncedAnswer]) expect(answer).toEqual(keptAnswer);
    // The page of a gone subscriber's footer token is the same page as anyone's.
    const pageOf = async (s: Subscriber) => (await h.app.inject({ method: 'GET', url: `/preferences/${footerToken(s)}` })).body.replaceAll(footerToken(s), 'T');
    expect(await pageOf(gone)).toBe(await pageOf(kept));
    await waitForMail(h, kept.email);
    await waitForTransactionalIdle(h);
    expect(await h.mailTo(gone.email)).toHaveLength(0);
    expect(await h.mailTo(bounced.email)).toHaveLength(0);
  });
});

describe('preferences links that expire', () => {
  it(`work for ${PREFERENCES_LINK_DAYS} days; after that they show no name and change nothing, and offer a fresh one`, async () => {
    const s = await reader('old.link@example.org');
    const day = 24 * 3600 * 1000;
    const fresh = signPreferencesToken(h.config.secrets, s.id, h.en.listId, Date.now() - (PREFERENCES_LINK_DAYS * day - 60_000));
    expect((await h.app.inject({ method: 'GET', url: `/preferences/${fresh}` })).body).toContain('value="Rosalind Secretname"');

    const old = signPreferencesToken(h.config.secrets, s.id, h.en.listId, Date.now() - PREFERENCES_LINK_DAYS * day - 1);
    const page = await h.app.inject({ method: 'GET', url: `/preferences/${old}` });
    expect(page.statusCode).toBe(200);
    expectNothingPersonal(page.body, s);
    expect(page.body).toContain('This link has expired.');
    expect(page.body).toContain(`action="/preferences/${old}/link"`);
    expect(page.body).not.toContain('/unsubscribe/');
    const saved = await post(`/preferences/${old}`, `name=Changed&action=leave-all`);
    expect(saved.statusCode).toBe(403);
    expect(await h.store.get(s.id)).toMatchObject({ name: 'Rosalind Secretname', status: 'active' });

    // Its "email me a link" works as the footer's does.
    await post(`/preferences/${old}/link`);
    const [mail] = await waitForMail(h, s.email);
    const link = /\/preferences\/(p\.[^"\s\]]+)/.exec(String(mail!.html))?.[1];
    expect(verifyPreferencesToken(h.config.secrets, link ?? '')).toMatchObject({ subscriberId: s.id, expired: false });
  });

  it('a forged, altered or missing token opens nothing (400), and no link is mailed for it', async () => {
    const s = await reader('forged.link@example.org');
    const good = signPreferencesToken(h.config.secrets, s.id, h.en.listId);
    const other = signPreferencesToken([{ version: 1, key: 'another-secret-0123456789-abcdefghijklmnop' }], s.id, h.en.listId);
    const altered = good.replace(`.${s.id}.`, `.${Number(s.id) + 1}.`);
    for (const bad of [other, altered, good.slice(0, -1), 'p.1.1.x.1.AAAAAAAAAAAAAAAAAAAAAA']) {
      const page = await h.app.inject({ method: 'GET', url: `/preferences/${bad}` });
      expect(page.statusCode).toBe(400);
      expectNothingPersonal(page.body, s);
      expect((await post(`/preferences/${bad}`, { name: 'X' })).statusCode).toBe(400);
      expect((await post(`/preferences/${bad}/link`)).statusCode).toBe(400);
    }
    expect((await h.app.inject({ method: 'GET', url: '/preferences/' })).statusCode).toBe(400);
    await waitForTransactionalIdle(h);
    expect(await h.mailTo(s.email)).toHaveLength(0);
    expect((await h.store.get(s.id))?.name).toBe('Rosalind Secretname');
  });
});
