// The doctor's one-click POST against the real unsubscribe route on real Redis: its token names a
// subscriber who cannot exist, so the route answers 200 as for anyone (RFC 8058) and writes
// nothing but its own rate-limit count; the subscribers and their lists stay as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOBODY_ID, nobodyToken } from '../../src/doctor/message-check.ts';
import { QUEUES } from '../../src/redis/keys.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Every key of the deployment with its DUMP, but the rate-limit counts and the mail queue's bookkeeping. */
async function snapshot(): Promise<Map<string, string>> {
  const prefix = h.config.keyPrefix;
  const skip = [h.keys.rateLimit(), `${prefix}:${QUEUES.transactional}:`];
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await h.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    names.push(...batch.filter((k) => !skip.some((s) => k.startsWith(s))));
  } while (cursor !== '0');
  const dumps = await Promise.all(names.map((k) => h.redis.dumpBuffer(k)));
  return new Map(names.map((k, i) => [k, dumps[i]?.toString('base64') ?? '']));
}

describe('the doctor’s one-click POST', () => {
  it('is answered 200 with no redirect and changes nothing in Redis', async () => {
    const { subscriber } = await h.store.create({ email: 'reader@example.com', lists: [h.zh.list ?? h.zh.id], status: 'active' });
    expect(await h.store.get(NOBODY_ID)).toBeNull();
    const before = await snapshot();
    expect(before.size).toBeGreaterThan(0);
    const res = await h.app.inject({
      method: 'POST',
      url: `/unsubscribe/${nobodyToken(h.config.secrets)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(await snapshot()).toEqual(before);
    expect((await h.store.get(subscriber.id))?.status).toBe('active');
  });
});
