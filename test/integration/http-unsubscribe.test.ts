// Unsubscribe by the page (GET + button POST) and by RFC 8058 one-click POST in both encodings,
// against real Redis: 200, no redirect, no cookie, the status changes, replays are harmless,
// and forged or tampered tokens are answered with a 4xx page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

async function activeSubscriber(email: string, lists: string[]) {
  const { subscriber } = await h.store.create({ email, lists, status: 'active' });
  return subscriber;
}

function tokenFor(subscriberId: string, listId: string) {
  return signListToken(h.config.secrets, subscriberId, listId);
}

function multipart(fields: Record<string, string>) {
  const boundary = '----nl-test-boundary-7d93';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const body = `${parts.join('')}--${boundary}--\r\n`;
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body };
}

function expectOneClickAnswer(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  expect(res.statusCode).toBe(200);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.body.length).toBeLessThan(100);
}

describe('unsubscribe page', () => {
  it('shows one button, the list name and a masked address, then says goodbye', async () => {
    const sub = await activeSubscriber('reader.one@example.org', [h.zh.listId]);
    const url = `/unsubscribe/${tokenFor(sub.id, h.zh.listId)}`;
    const page = await h.app.inject({ method: 'GET', url });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body).toContain(h.zh.name.replace(/[<>&"]/g, ''));
    expect(page.body).toContain('r***@example.org');
    expect(page.body).not.toContain('reader.one@example.org');
    expect(page.body).toContain(`<form method="post" action="${url}">`);
    expect(page.body.match(/<button/g)).toHaveLength(1);
    expect(page.headers['cache-control']).toBe('no-store');
    // GET changes nothing (mail scanners fetch links).
    expect(await h.store.isActiveIn(sub.id, h.zh.listId)).toBe(true);

    const done = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'confirm=yes' });
    expect(done.statusCode).toBe(200);
    expect(done.headers.location).toBeUndefined();
    expect(done.body).toContain('已退订');
    expect(done.body).toContain(`href="/subscribe?newsletter=${h.zh.id}"`);
    expect(await h.store.isActiveIn(sub.id, h.zh.listId)).toBe(false);
    expect((await h.store.get(sub.id))?.status).toBe('unsubscribed');

    // Opening the link again shows they are already out, not an error.
    const later = await h.app.inject({ method: 'GET', url });
    expect(later.statusCode).toBe(200);
    expect(later.body).not.toContain('<button');
  });
});

describe('RFC 8058 one-click', () => {
  it('accepts form-urlencoded: 200, no Location, no Set-Cookie, status changed; replays harmless', async () => {
    const sub = await activeSubscriber('oneclick.form@example.org', [h.en.listId]);
    const url = `/unsubscribe/${tokenFor(sub.id, h.en.listId)}`;
    const res = await h.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expectOneClickAnswer(res);
    expect(await h.store.isActiveIn(sub.id, h.en.listId)).toBe(false);
    expect((await h.store.get(sub.id))?.status).toBe('unsubscribed');
    const replay = await h.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expectOneClickAnswer(replay);
    expect((await h.store.get(sub.id))?.status).toBe('unsubscribed');
  });

  it('accepts multipart/form-data', async () => {
    const sub = await activeSubscriber('oneclick.multipart@example.org', [h.en.listId]);
    const url = `/unsubscribe/${tokenFor(sub.id, h.en.listId)}`;
    const res = await h.app.inject({ method: 'POST', url, ...multipart({ 'List-Unsubscribe': 'One-Click' }) });
    expectOneClickAnswer(res);
    expect(await h.store.isActiveIn(sub.id, h.en.listId)).toBe(false);
    expect((await h.store.get(sub.id))?.status).toBe('unsubscribed');
  });

  it('takes the person off that one list only', async () => {
    const sub = await activeSubscriber('two.lists@example.org', [h.en.listId, h.zh.listId]);
    const res = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe/${tokenFor(sub.id, h.en.listId)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expectOneClickAnswer(res);
    expect(await h.store.isActiveIn(sub.id, h.en.listId)).toBe(false);
    expect(await h.store.isActiveIn(sub.id, h.zh.listId)).toBe(true);
    expect((await h.store.get(sub.id))?.status).toBe('active');
  });

  it('is harmless for a subscriber who no longer exists', async () => {
    const sub = await activeSubscriber('deleted@example.org', [h.en.listId]);
    const token = tokenFor(sub.id, h.en.listId);
    await h.store.remove(sub.id);
    const res = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expectOneClickAnswer(res);
  });
});

describe('bad tokens', () => {
  it('rejects tampered, forged and garbage tokens with a 4xx and changes nothing', async () => {
    const sub = await activeSubscriber('target@example.org', [h.en.listId]);
    const good = tokenFor(sub.id, h.en.listId);
    const lastChar = good.slice(-1);
    const tampered = good.slice(0, -1) + (lastChar === 'A' ? 'B' : 'A');
    const otherSubscriber = good.replace(`.${sub.id}.`, `.${Number(sub.id) + 1}.`);
    const forged = signListToken([{ version: 1, key: 'a-completely-different-secret-of-some-length' }], sub.id, h.en.listId);
    for (const token of [tampered, otherSubscriber, forged, 'garbage', 'x'.repeat(150)]) {
      const page = await h.app.inject({ method: 'GET', url: `/unsubscribe/${token}` });
      expect(page.statusCode, token).toBe(400);
      expect(page.body).toContain('<html');
      const click = await h.app.inject({
        method: 'POST',
        url: `/unsubscribe/${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expect(click.statusCode, token).toBe(400);
      const multi = await h.app.inject({ method: 'POST', url: `/unsubscribe/${token}`, ...multipart({ 'List-Unsubscribe': 'One-Click' }) });
      expect(multi.statusCode, token).toBe(400);
    }
    expect(await h.store.isActiveIn(sub.id, h.en.listId)).toBe(true);
  });

  it('refuses file uploads in a one-click body without a 5xx', async () => {
    const sub = await activeSubscriber('upload@example.org', [h.en.listId]);
    const boundary = 'b0undary';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const res = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe/${tokenFor(sub.id, h.en.listId)}`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });
});

describe('counting unsubscribes', () => {
  const metrics = async () => (await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${h.config.metricsToken}` } })).body;
  const counted = (body: string, newsletter: string) =>
    Number(new RegExp(`newsletter_unsubscribes_total\\{newsletter="${newsletter}",how="one-click"\\} (\\d+)`).exec(body)?.[1] ?? 0);
  const listGauge = (body: string, list: string, status: string) =>
    Number(new RegExp(`newsletter_list_subscribers\\{list="${list}",status="${status}"\\} (\\d+)`).exec(body)?.[1] ?? 0);

  it('three one-click POSTs of one token count one unsubscribe, and the list counts the person as unsubscribed', async () => {
    const s = await activeSubscriber('counted-once@example.org', [h.en.listId]);
    const before = await metrics();
    for (let i = 0; i < 3; i++) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/unsubscribe/${tokenFor(s.id, h.en.listId)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      expectOneClickAnswer(res);
    }
    const after = await metrics();
    expect(counted(after, h.en.id) - counted(before, h.en.id)).toBe(1);
    expect(listGauge(after, h.en.listId, 'unsubscribed') - listGauge(before, h.en.listId, 'unsubscribed')).toBe(1);
    expect(listGauge(after, h.en.listId, 'active') - listGauge(before, h.en.listId, 'active')).toBe(-1);
  });
});
