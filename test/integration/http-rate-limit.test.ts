// Abuse limits hold across processes: two app instances on the same Redis (as two `serve`
// processes would be) share one per-address count for each of the confirm and unsubscribe links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let second: FastifyInstance;
beforeAll(async () => {
  h = await startHttpHarness({ env: { LINK_RATE_LIMIT_PER_MINUTE: '3' } });
  second = await buildApp({
    config: h.config,
    redis: h.redis,
    store: h.store,
    newsletters: h.newsletters,
    transactionalQueue: h.transactionalQueue,
    logger: false,
  });
});
afterAll(async () => {
  await second?.close();
  await h?.close();
});

describe('link rate limit', () => {
  it('counts one address across both processes and answers 429 as a page', async () => {
    const from = { remoteAddress: '203.0.113.9' };
    const codes: number[] = [];
    for (const app of [h.app, second, h.app, second]) {
      const res = await app.inject({ method: 'GET', url: '/unsubscribe/abc', ...from });
      codes.push(res.statusCode);
      if (res.statusCode === 429) expect(res.headers['content-type']).toContain('text/html');
    }
    expect(codes.slice(0, 3).every((c) => c !== 429)).toBe(true);
    expect(codes[3]).toBe(429);
    // Each link kind counts on its own; another address is not affected.
    expect((await h.app.inject({ method: 'GET', url: '/confirm/abc', ...from })).statusCode).not.toBe(429);
    expect((await second.inject({ method: 'GET', url: '/unsubscribe/abc', remoteAddress: '203.0.113.10' })).statusCode).not.toBe(429);
  });
});

describe('valid signed links are limited per token, not per address', () => {
  it('one-click POSTs with valid tokens from one provider address all succeed while forged ones from it are refused', async () => {
    const provider = { remoteAddress: '198.51.100.77' };
    const readers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.store.create({ email: `oneclick-${i}@example.org`, lists: [h.en.listId], status: 'active' })),
    );
    // The address is over its limit with forged links…
    const forged: number[] = [];
    for (let i = 0; i < 5; i++)
      forged.push(
        (
          await h.app.inject({
            method: 'POST',
            url: '/unsubscribe/forged-token',
            payload: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            ...provider,
          })
        ).statusCode,
      );
    expect(forged.slice(-2)).toEqual([429, 429]);
    // …yet every valid one-click from it goes through, each counted against its own token.
    for (const { subscriber } of readers) {
      const token = signListToken(h.config.secrets, subscriber.id, h.en.listId);
      const res = await second.inject({
        method: 'POST',
        url: `/unsubscribe/${token}`,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        ...provider,
      });
      expect(res.statusCode).toBe(200);
      expect((await h.store.get(subscriber.id))?.status).toBe('unsubscribed');
    }
    // One token repeated past the limit is refused like anything else.
    const token = signListToken(h.config.secrets, readers[0]!.subscriber.id, h.en.listId);
    const repeats: number[] = [];
    for (let i = 0; i < 4; i++)
      repeats.push((await h.app.inject({ method: 'GET', url: `/unsubscribe/${token}`, remoteAddress: `198.51.100.${i}` })).statusCode);
    expect(repeats[3]).toBe(429);
  });
});
