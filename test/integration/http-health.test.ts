// /healthz and /metrics against real Redis, and /healthz when Redis is unreachable.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { ADMIN_TOKEN, METRICS_TOKEN, confirmByClick, confirmPathFrom, startHttpHarness, waitForMail, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('health and metrics', () => {
  it('answers /healthz 200 {ok:true} when Redis answers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it('reports subscribers by status and queue depths in the Prometheus text format', async () => {
    await h.store.create({ email: 'm1@example.org', lists: [h.en.listId], status: 'active' });
    await h.store.create({ email: 'm2@example.org', lists: [h.en.listId], status: 'active' });
    await h.store.create({ email: 'm3@example.org', lists: [], status: 'pending' });
    // Behind its own bearer token (METRICS_TOKEN): not in the query string, not without, not the admin token.
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: `/metrics?access_token=${METRICS_TOKEN}` })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode).toBe(401);
    const res = await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(res.body).toContain('# TYPE newsletter_subscribers gauge');
    expect(res.body).toContain('newsletter_subscribers{status="active"} 2');
    expect(res.body).toContain('newsletter_subscribers{status="pending"} 1');
    expect(res.body).toContain(`newsletter_list_subscribers{list="${h.en.listId}",status="active"} 2`);
    expect(res.body).toMatch(/^newsletter_queue_jobs\{queue="transactional",state="waiting"\} \d+$/m);
    // Node's process metrics, under the same prefix.
    expect(res.body).toMatch(/^newsletter_process_resident_memory_bytes \d+$/m);
    expect(res.body).toContain('# TYPE newsletter_messages_sent_total counter');
    expect(res.body).toContain('# TYPE newsletter_smtp_latency_seconds histogram');
    // Every sample line is `name{labels} number`. prom-client spells not-a-number `Nan` (an event
    // loop lag with no sample since the last scrape), which Prometheus reads case-insensitively.
    for (const line of res.body
      .trim()
      .split('\n')
      .filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(/^[a-z_][a-z0-9_]*(\{[^}]*\})? (-?[0-9.]+(e[-+]?\d+)?|NaN|Nan|[-+]Inf)$/);
  });

  it('counts subscribes, confirmations and unsubscribes per newsletter', async () => {
    const scrape = async () => (await h.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    const sub = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      payload: { email: 'counted@example.org', newsletter: h.en.id },
      headers: { accept: 'application/json' },
    });
    expect(sub.statusCode).toBe(202);
    expect(await scrape()).toContain(`newsletter_subscribes_total{newsletter="${h.en.id}"} 1`);
    const [mail] = await waitForMail(h, 'counted@example.org');
    expect((await confirmByClick(h.app, confirmPathFrom(mail!, h.config.publicUrl))).statusCode).toBe(200);
    expect(await scrape()).toContain(`newsletter_confirmations_total{newsletter="${h.en.id}"} 1`);
    const subscriber = await h.store.findByEmail('counted@example.org');
    const url = `/unsubscribe/${signListToken(h.config.secrets, subscriber!.id, h.en.listId)}`;
    expect(
      (await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' }))
        .statusCode,
    ).toBe(200);
    expect(await scrape()).toContain(`newsletter_unsubscribes_total{newsletter="${h.en.id}",how="one-click"} 1`);
  });

  it('answers /healthz 503 when Redis is unreachable', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on('error', () => {});
    const app = await buildApp({
      config: h.config,
      redis: dead,
      store: h.store,
      newsletters: h.newsletters,
      transactionalQueue: h.transactionalQueue,
      logger: false,
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ ok: false });
    } finally {
      await app.close();
      dead.disconnect();
    }
  });
});
