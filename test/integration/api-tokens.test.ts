// API tokens (issue 31) over Fastify inject on real Redis: a member makes one on the Account
// page with scopes their role allows; it is shown once and Redis keeps only its hash; it opens
// the admin API for its scopes only (403 naming the scope otherwise), never beyond the member's
// role now; it shows when it was last used; revoking it, or removing its member, closes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { inviteAndJoin, setupSession } from '../helpers/team.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let admin: ConsoleClient;
let lee: ConsoleClient;
beforeAll(async () => {
  h = await startHttpHarness();
  admin = await inviteAndJoin(h.app, await setupSession(h.app, ADMIN_TOKEN), 'ada@news.example.test', 'admin');
  lee = await inviteAndJoin(h.app, admin, 'lee@news.example.test', 'admin');
});
afterAll(async () => {
  await h?.close();
});

/** Creates a token on the Account page; returns it as shown. */
async function createToken(client: ConsoleClient, name: string, scopes: string[]): Promise<string> {
  await client.get('/admin/account');
  const body = new URLSearchParams({ _csrf: client.lastCsrf, name });
  for (const s of scopes) body.append('scopes', s);
  const res = await h.app.inject({
    method: 'POST',
    url: '/admin/account/tokens',
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  expect(res.statusCode).toBe(303);
  const page = await client.get('/admin/account');
  const token = /<code data-new-token>([^<]+)<\/code>/.exec(page.body)?.[1];
  if (!token) throw new Error(`no new token on the page: ${page.body.slice(0, 1500)}`);
  return token;
}

const api = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

/** Every string Redis holds under this harness's prefix. */
async function everythingStored(): Promise<string> {
  const keys = await h.redis.keys(`${h.config.keyPrefix}*`);
  const values = await Promise.all(
    keys.map(async (k) => {
      const type = await h.redis.type(k);
      if (type === 'string') return h.redis.get(k);
      if (type === 'hash') return JSON.stringify(await h.redis.hgetall(k));
      if (type === 'set') return JSON.stringify(await h.redis.smembers(k));
      if (type === 'stream') return JSON.stringify(await h.redis.xrange(k, '-', '+'));
      return '';
    }),
  );
  return values.join('\n');
}

describe('API tokens', () => {
  let reader: string;

  it('is shown once, and only its hash is stored', async () => {
    reader = await createToken(admin, 'newsletter sync', ['subscribers:read']);
    expect(reader).toMatch(/^nl_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect((await admin.get('/admin/account')).body).not.toContain(reader);
    const secret = reader.split('_').slice(2).join('_');
    expect(await everythingStored()).not.toContain(secret);
  });

  it('reads with subscribers:read, and cannot write: 403 naming the scope', async () => {
    expect((await api(reader, 'GET', '/api/subscribers')).statusCode).toBe(200);
    const write = await api(reader, 'POST', '/api/subscribers', { email: 'new@reader.example', list: h.zh.listId, confirmed: true });
    expect(write.statusCode).toBe(403);
    expect(write.json().message).toBe('This token may not do this: it needs the scope "subscribers:write" (it has: subscribers:read).');
    expect(write.headers['www-authenticate']).toContain('error="insufficient_scope", scope="subscribers:write"');
    expect(await h.store.findByEmail('new@reader.example')).toBeNull();
    expect((await api(reader, 'POST', '/api/campaigns/pretrain-weekly-064/pause')).statusCode).toBe(403);
    expect((await api(reader, 'GET', '/api/campaigns')).statusCode).toBe(403);
  });

  it('shows when it was last used, and its actions in the audit log by name', async () => {
    const writer = await createToken(admin, 'crm import', ['subscribers:write']);
    expect((await api(writer, 'POST', '/api/subscribers', { email: 'crm@reader.example', list: h.zh.listId, confirmed: true })).statusCode).toBe(201);
    const account = await admin.get('/admin/account');
    const row = /<tr><td>crm import<\/td>[\s\S]*?<\/tr>/.exec(account.body)?.[0] ?? '';
    expect(row).toContain('<code>subscribers:write</code>');
    expect(row).not.toContain('never');
    const audit = await admin.get('/admin/audit?action=subscriber-add');
    expect(audit.body).toContain('API token &quot;crm import&quot;');
    expect((await admin.get('/admin/audit?action=token-create')).body).toContain('scopes=subscribers:write');
  });

  it('offers a writer only the scopes a writer has, and refuses a forged one', async () => {
    const writer = await inviteAndJoin(h.app, admin, 'wen@news.example.test', 'writer');
    const page = await writer.get('/admin/account');
    const offered = [...page.body.matchAll(/name="scopes" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(['campaigns:read', 'reports:read']);
    await expect(createToken(writer, 'sneaky', ['subscribers:write'])).rejects.toThrow(/no new token/);
    const reports = await createToken(writer, 'reports', ['reports:read']);
    expect((await api(reports, 'GET', '/api/campaigns/pretrain-weekly-064/report')).statusCode).not.toBe(403);
  });

  it("acts within the member's role now: a demoted member's token loses what the new role lacks", async () => {
    const token = await createToken(lee, 'lee sync', ['subscribers:read', 'campaigns:read']);
    expect((await api(token, 'GET', '/api/subscribers')).statusCode).toBe(200);
    const id = (await h.redis.hget(h.keys.userEmails(), 'lee@news.example.test'))!;
    await admin.get('/admin/team');
    await admin.submit(`/admin/team/${id}/role`, { role: 'writer' });
    expect((await api(token, 'GET', '/api/subscribers')).statusCode).toBe(403);
    expect((await api(token, 'GET', '/api/campaigns')).statusCode).toBe(200);
    // Removed from the team: every token of theirs closes.
    await admin.submit(`/admin/team/${id}/remove`);
    expect((await api(token, 'GET', '/api/campaigns')).statusCode).toBe(401);
  });

  it("bounds a token by its member's role for the issue's newsletter", async () => {
    const kay = await inviteAndJoin(h.app, admin, 'kay@news.example.test', 'editor');
    const token = await createToken(kay, 'kay sends', ['campaigns:send']);
    const id = (await h.redis.hget(h.keys.userEmails(), 'kay@news.example.test'))!;
    await admin.get('/admin/team');
    await admin.submit(`/admin/team/${id}/newsletter-roles`, { 'role-pretrain-weekly': 'writer' });
    const refused = await api(token, 'POST', '/api/campaigns/pretrain-weekly-064/pause');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().message).toBe('This token\'s member may not do this (their role does not allow "campaigns:send" for pretrain-weekly).');
    expect((await api(token, 'POST', '/api/campaigns/field-notes-012/pause')).statusCode).toBe(404);
    // The issue named in the body instead of the path: the same answer.
    const body = await api(token, 'POST', '/api/campaigns', { issueId: 'pretrain-weekly-064' });
    expect(body.statusCode).toBe(403);
    expect(await h.redis.exists(h.keys.campaign('pretrain-weekly-064'))).toBe(0);
  });

  it('opens nothing once revoked', async () => {
    const token = await createToken(admin, 'short lived', ['campaigns:read']);
    expect((await api(token, 'GET', '/api/campaigns')).statusCode).toBe(200);
    const page = await admin.get('/admin/account');
    // Revoking asks first, on a page of its own; opening the question changes nothing.
    const ask = /<tr><td>short lived<\/td>[\s\S]*?href="([^"]+\/revoke)"/.exec(page.body)![1]!;
    const question = await admin.get(ask);
    expect(question.body).toContain('Revoke the API token “short lived”? Scripts that use it stop working at once');
    expect((await api(token, 'GET', '/api/campaigns')).statusCode).toBe(200);
    const action = /<form method="post" action="([^"]+\/revoke)"/.exec(question.body)![1]!;
    const done = await admin.submit(action);
    expect(done.body).toContain('Token “short lived” revoked');
    const refused = await api(token, 'GET', '/api/campaigns');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toBe('The bearer token is not valid (revoked, or its member removed?).');
  });

  it('lists the scope of every operation in the OpenAPI description', async () => {
    const doc = (await api(ADMIN_TOKEN, 'GET', '/api/openapi.json')).json() as {
      paths: Record<string, Record<string, { 'x-scope'?: string; security?: unknown }>>;
    };
    const scopes = Object.fromEntries(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op['x-scope']])),
    );
    expect(scopes).toMatchObject({
      'GET /subscribers': 'subscribers:read',
      'POST /subscribers': 'subscribers:write',
      'GET /campaigns': 'campaigns:read',
      'POST /campaigns/{issueId}/send': 'campaigns:send',
      'GET /campaigns/{issueId}/report': 'reports:read',
    });
    expect(Object.values(scopes).every((s) => typeof s === 'string')).toBe(true);
    expect(doc.paths['/subscribers']!.post!.security).toEqual([{ bearer: ['subscribers:write'] }]);
  });
});
