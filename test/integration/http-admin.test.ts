// The admin API under /api: bearer ADMIN_TOKEN (401 + WWW-Authenticate without or with a wrong
// one), list/add/remove/count subscribers against real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHttpHarness, waitForMail, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate: Bearer without a token or with a wrong one', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
    ]) {
      const res = await h.app.inject({ method: 'GET', url: '/api/subscribers/counts', headers });
      expect(res.statusCode).toBe(401);
      expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer/);
      expect(res.json()).toMatchObject({ statusCode: 401 });
    }
    const del = await h.app.inject({ method: 'DELETE', url: '/api/subscribers/1' });
    expect(del.statusCode).toBe(401);
  });

  it('guards the campaign routes with the same token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/campaigns/pretrain-weekly-064' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/api/campaigns/pretrain-weekly-064/pause' })).statusCode).toBe(401);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/campaigns/pretrain-weekly-064', headers: auth });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('subscribers', () => {
  it('adds confirmed subscribers, lists, filters, counts and removes them', async () => {
    const first = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: auth,
      payload: { email: 'Admin.Added@Example.ORG', name: 'Ann', list: h.en.listId, confirmed: true },
    });
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created.created).toBe(true);
    expect(created.subscriber).toMatchObject({ email: 'Admin.Added@example.org', status: 'active', lists: [h.en.listId] });
    expect(created.subscriber.consent).toMatchObject({ source: 'api' });
    expect(await h.store.isActiveIn(created.subscriber.id, h.en.listId)).toBe(true);

    const again = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: auth,
      payload: { email: 'Admin.Added@EXAMPLE.org', list: h.zh.listId, confirmed: true },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().subscriber.lists.sort()).toEqual([h.en.listId, h.zh.listId].sort());

    await h.store.create({ email: 'waiting@example.org', lists: [h.en.listId], status: 'pending' });
    const all = await h.app.inject({ method: 'GET', url: `/api/subscribers?list=${h.en.listId}`, headers: auth });
    expect(all.statusCode).toBe(200);
    expect(all.json().subscribers.map((s: { email: string }) => s.email)).toEqual(['Admin.Added@example.org', 'waiting@example.org']);
    const pending = await h.app.inject({ method: 'GET', url: `/api/subscribers?list=${h.en.listId}&status=pending`, headers: auth });
    expect(pending.json().subscribers.map((s: { email: string }) => s.email)).toEqual(['waiting@example.org']);
    const paged = await h.app.inject({ method: 'GET', url: `/api/subscribers?list=${h.en.listId}&limit=1`, headers: auth });
    expect(paged.json().subscribers).toHaveLength(1);
    const next = paged.json().next;
    expect(next).toBe(created.subscriber.id);
    const page2 = await h.app.inject({ method: 'GET', url: `/api/subscribers?list=${h.en.listId}&limit=1&cursor=${next}`, headers: auth });
    expect(page2.json().subscribers[0].email).toBe('waiting@example.org');

    const counts = await h.app.inject({ method: 'GET', url: `/api/subscribers/counts?list=${h.en.listId}`, headers: auth });
    expect(counts.json()).toMatchObject({ list: h.en.listId, counts: { active: 1, pending: 1 } });

    const del = await h.app.inject({ method: 'DELETE', url: `/api/subscribers/${created.subscriber.id}`, headers: auth });
    expect(del.statusCode).toBe(204);
    expect(await h.store.get(created.subscriber.id)).toBeNull();
    const delAgain = await h.app.inject({ method: 'DELETE', url: `/api/subscribers/${created.subscriber.id}`, headers: auth });
    expect(delAgain.statusCode).toBe(404);
  });

  it('adds an unconfirmed subscriber by double opt-in (a confirmation email is sent)', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/subscribers', headers: auth, payload: { email: 'optin@example.org', list: h.zh.listId } });
    expect(res.statusCode).toBe(202);
    expect((await h.store.findByEmail('optin@example.org'))?.status).toBe('pending');
    const [mail] = await waitForMail(h, 'optin@example.org');
    expect(mail!.text).toContain('/confirm/');
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: Array<[string, unknown]> = [
      ['email', { list: h.en.listId }],
      ['email', { email: 'nope', list: h.en.listId }],
      ['list', { email: 'x@example.org', list: 'no-such-list' }],
      ['confirmed', { email: 'x@example.org', list: h.en.listId, confirmed: 'yes' }],
    ];
    for (const [field, payload] of cases) {
      const res = await h.app.inject({ method: 'POST', url: '/api/subscribers', headers: auth, payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toContain(field);
    }
    const badJson = await h.app.inject({ method: 'POST', url: '/api/subscribers', headers: { ...auth, 'content-type': 'application/json' }, payload: '{oops' });
    expect(badJson.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers?status=nope', headers: auth })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers?limit=0', headers: auth })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers?cursor=abc', headers: auth })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers/abc', headers: auth })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers/999999', headers: auth })).statusCode).toBe(404);
  });
});

describe('PATCH /api/subscribers/:id and ?email=', () => {
  it('finds one subscriber by address, changes name and locale, and unsubscribes from every list', async () => {
    const created = (
      await h.app.inject({
        method: 'POST',
        url: '/api/subscribers',
        headers: auth,
        payload: { email: 'Patch.Me@Example.org', name: 'Old', list: h.en.listId, confirmed: true },
      })
    ).json();
    const id = created.subscriber.id as string;
    const found = await h.app.inject({ method: 'GET', url: '/api/subscribers?email=Patch.Me@example.ORG', headers: auth });
    expect(found.json().subscribers.map((s: { id: string }) => s.id)).toEqual([id]);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers?email=nobody@example.org', headers: auth })).json().subscribers).toEqual([]);
    expect((await h.app.inject({ method: 'GET', url: '/api/subscribers?email=not-an-address', headers: auth })).statusCode).toBe(400);

    const renamed = await h.app.inject({ method: 'PATCH', url: `/api/subscribers/${id}`, headers: auth, payload: { name: 'New Name', locale: 'zh-CN' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id, name: 'New Name', locale: 'zh-CN', status: 'active' });
    const left = await h.app.inject({ method: 'PATCH', url: `/api/subscribers/${id}`, headers: auth, payload: { status: 'unsubscribed' } });
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ id, status: 'unsubscribed' });
    expect(await h.store.isActiveIn(id, h.en.listId)).toBe(false);

    const back = await h.app.inject({ method: 'PATCH', url: `/api/subscribers/${id}`, headers: auth, payload: { status: 'active' } });
    expect(back.statusCode).toBe(400);
    expect(back.json().message).toContain('POST /api/subscribers');
    expect((await h.app.inject({ method: 'PATCH', url: '/api/subscribers/999999', headers: auth, payload: { name: 'x' } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'PATCH', url: `/api/subscribers/${id}`, payload: { name: 'x' } })).statusCode).toBe(401);
  });
});

describe('GET /api/openapi.json', () => {
  it('describes every admin route, with request schemas from the routes’ own validation, behind the token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(401);
    const res = await h.app.inject({ method: 'GET', url: '/api/openapi.json', headers: auth });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/subscribers', '/subscribers/{id}', '/campaigns', '/campaigns/{issueId}/send', '/campaigns/{issueId}/pause']),
    );
    const add = doc.paths['/subscribers'].post.requestBody.content['application/json'].schema;
    expect(add.required).toEqual(expect.arrayContaining(['email', 'list']));
    expect(add.properties.email).toMatchObject({ type: 'string', maxLength: 320 });
    const send = doc.paths['/campaigns/{issueId}/send'].post.requestBody.content['application/json'].schema;
    expect(send.additionalProperties).toBe(false);
    // What the schema says is what the route does: a field it lists is accepted, one it does not is refused.
    expect(Object.keys(send.properties).sort()).toEqual(['at', 'force', 'onlyNew', 'retryFailed']);
    expect((await h.app.inject({ method: 'POST', url: '/api/campaigns/pretrain-weekly-064/send', headers: auth, payload: { nope: true } })).statusCode).toBe(
      400,
    );
    const patch = doc.paths['/subscribers/{id}'].patch;
    expect(patch.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });
});
