// The subscriber store over three partitions (src/redis/partitions.ts) on a real Redis: every
// subscriber lives in the partition its address hashes to, ids name it, nothing of theirs sits
// under the base tag, and pages, counts and every operation answer as one store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { partitionsFor, type Partitions } from '../../src/redis/partitions.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { forEachKeyPage } from '../../src/redis/scan-keys.ts';
import type { Subscriber } from '../../src/subscribers/types.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let parts: Partitions;
let store: RedisSubscriberStore;

beforeAll(async () => {
  t = await testRedis();
  parts = partitionsFor(t.prefix, 3);
  store = new RedisSubscriberStore(t.redis, parts);
});
afterAll(async () => {
  await t.cleanup();
});

async function allIds(page: (cursor: string | null) => Promise<{ ids: string[]; next: string | null }>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const next: { ids: string[]; next: string | null } = await page(cursor);
    ids.push(...next.ids);
    cursor = next.next;
  } while (cursor);
  return ids;
}

const byNumber = (a: string, b: string) => Number(a) - Number(b);

describe('a store of three partitions', () => {
  let created: Array<{ id: string; email: string; lists: string[] }>;

  beforeAll(async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({
      email: `reader${i}@example.test`,
      lists: i % 3 === 0 ? ['weekly', 'digest'] : ['weekly'],
      status: (i % 10 === 0 ? 'pending' : 'active') as 'pending' | 'active',
    }));
    const out = await store.createMany(inputs);
    created = out.map((r, i) => ({ id: r.id, email: inputs[i]!.email, lists: inputs[i]!.lists }));
  });

  it('puts each subscriber in the partition of its address, with an id that names it', async () => {
    const seen = new Set<number>();
    for (const { id, email } of created) {
      const p = parts.ofEmail(email);
      seen.add(p);
      expect(parts.ofId(id), id).toBe(p);
      expect(await t.redis.exists(parts.keys[p]!.subscriber(id))).toBe(1);
    }
    expect(seen.size).toBe(3);
    expect(new Set(created.map((c) => c.id)).size).toBe(created.length);
    // Nothing of the subscribers under the base tag.
    const under: string[] = [];
    await forEachKeyPage(t.redis, `${t.prefix}:sub*`, async (keys) => void under.push(...keys));
    await forEachKeyPage(t.redis, `${t.prefix}:list*`, async (keys) => void under.push(...keys));
    expect(under).toEqual([]);
  });

  it('finds, counts and pages across partitions, in id order, every id once', async () => {
    const reader = created[7]!;
    expect((await store.findByEmail(reader.email.replace('example.test', 'Example.TEST')))?.id).toBe(reader.id);
    expect((await store.get(reader.id))?.email).toBe(reader.email);
    const active = created
      .filter((_, i) => i % 10 !== 0)
      .map((c) => c.id)
      .sort(byNumber);
    for (const limit of [1, 7, 1000]) {
      expect(await allIds((c) => store.pageActive('weekly', c, limit)), `page size ${limit}`).toEqual(active);
      const all = await allIds(async (c) => {
        const page = await store.pageAll(null, c, limit);
        return { ids: page.subscribers.map((s) => s.id), next: page.next };
      });
      expect(all).toEqual(created.map((c) => c.id).sort(byNumber));
    }
    for (let p = 0; p < 3; p++) {
      expect(await allIds((c) => store.pageActiveIn(p, 'weekly', c, 13))).toEqual(active.filter((id) => parts.ofId(id) === p));
    }
    expect(await store.countByStatus('weekly')).toMatchObject({ active: 270, pending: 30 });
    expect(await store.countByStatus('digest')).toMatchObject({ active: 90, pending: 10 });
    expect(await store.countByStatus(null)).toMatchObject({ active: 270, pending: 30 });
  });

  it('changes a subscriber in their own partition only, indexes and counters with it', async () => {
    const [a, b, c] = [created[1]!, created[2]!, created[4]!];
    expect((await store.transition(a.id, 'unsubscribed'))?.applied).toBe(true);
    expect(await store.isActiveIn(a.id, 'weekly')).toBe(false);
    await store.addToList(b.id, 'digest');
    expect(await store.isActiveIn(b.id, 'digest')).toBe(true);
    expect((await store.removeFromList(b.id, 'digest'))?.subscriber.lists).toEqual(['weekly']);
    expect(await store.noteSoftBounce(c.id, 60)).toBe(1);
    expect(await t.redis.exists(parts.keys[parts.ofId(c.id)]!.softBounces(c.id))).toBe(1);
    expect(await store.remove(c.id)).toBe(true);
    expect(await store.get(c.id)).toBeNull();
    expect(await store.findByEmail(c.email)).toBeNull();
    expect(await store.countByStatus('weekly')).toMatchObject({ active: 268, unsubscribed: 1 });
    expect((await store.pageActive('weekly', null, 1000)).ids).not.toContain(a.id);
  });

  it('keeps the erased-on-request set in the address partition: a forgotten address is refused, and can come back', async () => {
    const email = 'gone@example.test';
    expect(await store.markForgotten(email)).toBe(true);
    expect(await store.isForgotten(email)).toBe(true);
    expect((await store.createMany([{ email, lists: ['weekly'], status: 'active' }]))[0]).toMatchObject({ forgotten: true });
    for (const k of parts.keys) expect(await t.redis.scard(k.forgotten())).toBe(1);
    expect(await store.unmarkForgotten(email)).toBe(true);
    expect((await store.createMany([{ email, lists: ['weekly'], status: 'active' }]))[0]).toMatchObject({ created: true });
  });

  it('a forgotten address stays forgotten in another spelling that lives in another partition', async () => {
    // The local part's case makes another address (another partition); the forgotten hash ignores case.
    const variants = Array.from({ length: 40 }, (_, i) => `Erase.Case${i}@example.test`);
    const spelled = variants.find((v) => parts.ofEmail(v) !== parts.ofEmail(v.toLowerCase()))!;
    expect(spelled).toBeDefined();
    await store.markForgotten(spelled);
    const [again] = await store.createMany([{ email: spelled.toLowerCase(), lists: ['weekly'], status: 'active' }]);
    expect(again).toMatchObject({ forgotten: true });
    expect(await store.isForgotten(spelled.toLowerCase())).toBe(true);
  });

  it('one subscriber per mailbox: a spelling whose case puts it in another partition finds the first', async () => {
    const variants = Array.from({ length: 40 }, (_, i) => `Case.Split${i}@example.test`);
    const spelled = variants.find((v) => parts.ofEmail(v) !== parts.ofEmail(v.toLowerCase()))!;
    const [first] = await store.createMany([{ email: spelled.toLowerCase(), lists: ['weekly'], status: 'active' }]);
    const [again] = await store.createMany([{ email: spelled, lists: ['weekly'], status: 'active' }]);
    expect(again).toEqual({ id: first!.id, created: false });
    expect((await store.findByEmail(spelled.toUpperCase()))?.id).toBe(first!.id);
    const asked = await store.requestSubscription({
      email: spelled,
      listId: 'weekly',
      locale: 'en',
      consent: { at: new Date().toISOString(), textVersion: 'v1', source: 'form' },
    });
    expect(asked).toEqual({ id: first!.id, outcome: 'already-active' });
  });

  it('a subscribe request creates the address in its partition', async () => {
    const email = 'form@example.test';
    const { id, outcome } = await store.requestSubscription({
      email,
      listId: 'weekly',
      locale: 'en',
      consent: { at: new Date().toISOString(), textVersion: 'v1', source: 'form' },
    });
    expect(outcome).toBe('created');
    expect(parts.ofId(id)).toBe(parts.ofEmail(email));
    expect((await store.get(id))?.status).toBe('pending');
  });

  it('rebuilds every partition’s bitmaps from the records', async () => {
    const before = await allIds((c) => store.pageActive('weekly', c, 500));
    for (const k of parts.keys) await t.redis.del(k.listActive('weekly'), k.listAll('weekly'), k.allSubscribers());
    expect((await store.pageActive('weekly', null, 10)).ids).toEqual([]);
    expect((await store.rebuildIndexes()).records).toBeGreaterThan(290);
    expect(await allIds((c) => store.pageActive('weekly', c, 500))).toEqual(before);
  });
});

describe('counts agree with the records, whatever happens (property)', () => {
  it('after random creates and status changes over 3 partitions, countByStatus = the records counted', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom('active', 'unsubscribed', 'bounced', 'remove' as const)), { maxLength: 30 }),
        async (ops) => {
          const own = await testRedis();
          try {
            const s = new RedisSubscriberStore(own.redis, partitionsFor(own.prefix, 3));
            const made = await s.createMany(
              Array.from({ length: 41 }, (_, i) => ({ email: `p${round}-${i}@example.test`, lists: ['weekly'], status: 'pending' as const })),
            );
            round++;
            for (const [i, op] of ops) {
              const id = made[i]!.id;
              if (op === 'remove') await s.remove(id);
              else await s.transition(id, op);
            }
            const records: Subscriber[] = [];
            let cursor: string | null = null;
            do {
              const page: { subscribers: Subscriber[]; next: string | null } = await s.pageAll('weekly', cursor, 9);
              records.push(...page.subscribers);
              cursor = page.next;
            } while (cursor);
            const counted: Record<string, number> = {};
            for (const r of records) counted[r.status] = (counted[r.status] ?? 0) + 1;
            const counts = await s.countByStatus('weekly');
            for (const [status, n] of Object.entries(counts)) expect(n, status).toBe(counted[status] ?? 0);
          } finally {
            await own.cleanup();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
