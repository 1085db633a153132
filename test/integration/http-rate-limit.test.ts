// Abuse limits hold across processes: two app instances on the same Redis (as two `serve`
// processes would be) share one per-address count for each of the confirm and unsubscribe links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let second: FastifyInstance;
beforeAll(async () => {
  h = await startHttpHarness({ env: { LINK_RATE_LIMIT_PER_MINUTE: '3' } });
  second = await buildApp({ config: h.config, redis: h.redis, store: h.store, newsletters: h.newsletters, transactionalQueue: h.transactionalQueue, logger: false });
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
