// POST /webhooks/generic through Fastify inject on real Redis: a bounce or complaint reported
// after the send changes the subscriber (bounced / complained: suppressed), three soft bounces
// do what one hard bounce does, the issue named by our Message-ID counts it, and nothing
// happens without the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { getStatus } from '../../src/campaign/status.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

const WEBHOOK_TOKEN = 'webhook-token-0123456789-abcdefgh';
let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness({ env: { WEBHOOK_TOKEN } });
  await startCampaign(h.redis, h.keys, {
    campaignId: 'field-notes-012',
    issueId: 'field-notes-012',
    mode: 'list',
    listId: h.en.listId,
    contentHash: 'x',
    state: 'sending',
    expected: 0,
  });
});
afterAll(async () => h?.close());

async function member(email: string) {
  return (
    await h.store.create({ email, lists: [h.en.listId], status: 'active', consent: { at: new Date().toISOString(), source: 'import', textVersion: 't' } })
  ).subscriber;
}

const post = (payload: unknown, token: string | null = WEBHOOK_TOKEN) =>
  h.app.inject({
    method: 'POST',
    url: '/webhooks/generic',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: payload as Record<string, unknown>,
  });

describe('POST /webhooks/generic', () => {
  it('refuses a request without the token, or with the admin token when WEBHOOK_TOKEN is set, and changes nothing', async () => {
    const s = await member('guarded@hooks.example');
    for (const token of [null, 'wrong-token-wrong-token-wrong', ADMIN_TOKEN]) {
      const res = await post({ type: 'complaint', email: s.email }, token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect((await h.store.get(s.id))!.status).toBe('active');
  });

  it('a permanent bounce marks the address bounced (suppressed) and counts it on the issue its Message-ID names', async () => {
    const s = await member('gone@hooks.example');
    const res = await post({
      type: 'bounce',
      email: 'gone@HOOKS.example',
      permanent: true,
      messageId: `<field-notes-012.${s.id}.0123456789abcdef@news.example.test>`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, outcome: 'suppressed', issueCounted: true });
    expect((await h.store.get(s.id))!.status).toBe('bounced');
    expect((await h.store.countByStatus(h.en.listId)).active).toBe(1); // only "guarded" is left
    expect(await getStatus({ redis: h.redis, shards: [{ keys: h.keys }] }, 'field-notes-012')).toMatchObject({ lateBounces: 1 });
  });

  it('three soft bounces suppress the address; one or two do not', async () => {
    const s = await member('full@hooks.example');
    expect((await post({ type: 'bounce', email: s.email, permanent: false })).json()).toMatchObject({ outcome: 'soft-bounce', softBounces: 1 });
    expect((await post({ type: 'bounce', email: s.email })).json()).toMatchObject({ outcome: 'soft-bounce', softBounces: 2 });
    expect((await h.store.get(s.id))!.status).toBe('active');
    expect((await post({ type: 'bounce', email: s.email })).json()).toMatchObject({ outcome: 'suppressed' });
    expect((await h.store.get(s.id))!.status).toBe('bounced');
  });

  it('a complaint unsubscribes and suppresses, and is counted on the issue', async () => {
    const s = await member('angry@hooks.example');
    const res = await post({ type: 'complaint', email: s.email, issueId: 'field-notes-012' });
    expect(res.json()).toMatchObject({ outcome: 'suppressed', issueCounted: true });
    const after = (await h.store.get(s.id))!;
    expect(after.status).toBe('complained');
    expect(await h.store.isActiveIn(s.id, h.en.listId)).toBe(false);
    expect(await getStatus({ redis: h.redis, shards: [{ keys: h.keys }] }, 'field-notes-012')).toMatchObject({ complaints: 1 });
  });

  it('answers an unknown address with 200 (nothing to do) and a malformed report with 400 naming the field', async () => {
    expect((await post({ type: 'bounce', email: 'nobody@hooks.example', permanent: true })).json()).toMatchObject({ ok: true, outcome: 'unknown-address' });
    const bad = await post({ type: 'spam', email: 'x@hooks.example' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^body\.type: /);
    expect((await post({ type: 'bounce', email: 'x@hooks.example', extra: 1 })).statusCode).toBe(400);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/webhooks/generic',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      payload: '{"type":',
    });
    expect(broken.statusCode).toBe(400);
  });
});
