// RedisSubscriberStore and confirmation tokens against a real Redis, under a fresh key prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { keys as makeKeys, type Keys } from '../../src/redis/keys.ts';
import { InvalidEmailError } from '../../src/subscribers/email-address.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { lexScore } from '../../src/subscribers/search-index.ts';
import { consumeConfirmation, createConfirmation, hashConfirmationToken } from '../../src/subscribers/tokens.ts';
import { clockMicros, CONSENT_HISTORY_MAX } from '../../src/subscribers/subscriber-codec.ts';
import { SUBSCRIBER_STATUSES, type ConsentRecord, type Subscriber, type SubscriberStatus } from '../../src/subscribers/types.ts';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let k: Keys;
let store: RedisSubscriberStore;

beforeAll(async () => {
  t = await testRedis();
  k = makeKeys(t.prefix);
  store = new RedisSubscriberStore(t.redis, k);
});
afterAll(async () => {
  await t.cleanup();
});

const emptyCounts = () => Object.fromEntries(SUBSCRIBER_STATUSES.map((s) => [s, 0])) as Record<SubscriberStatus, number>;

async function allSubscribers(): Promise<Subscriber[]> {
  const out: Subscriber[] = [];
  let cursor: string | null = null;
  do {
    const page: { subscribers: Subscriber[]; next: string | null } = await store.pageAll(null, cursor, 500);
    out.push(...page.subscribers);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** The ids whose bit is set in a membership bitmap, decoded here (not by the store). */
async function bitmapIds(key: string): Promise<string[]> {
  const bits = await t.redis.getBuffer(key);
  const ids: string[] = [];
  if (bits) for (let i = 0; i < bits.length * 8; i++) if (bits[i >> 3]! & (0x80 >> (i & 7))) ids.push(String(i));
  return ids;
}

async function activeIds(list: string, limit = 1000): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.pageActive(list, cursor, limit);
    ids.push(...page.ids);
    cursor = page.next;
  } while (cursor);
  return ids;
}

/**
 * The search indexes hold exactly one member per record (address both ways round, name when
 * there is one), built here from the records, not by the store's helpers.
 */
async function expectSearchIndexes(all: Subscriber[]): Promise<void> {
  const sorted = (members: string[]) =>
    members
      .map((m) => Buffer.from(m, 'utf8'))
      .sort(Buffer.compare)
      .map((b) => b.toString('utf8'));
  const local = all.map((s) => `${s.email.toLowerCase()}\0${s.id}`);
  const domain = all.map((s) => {
    const [user, host] = s.email.toLowerCase().split('@') as [string, string];
    return `${host}@${user}\0${s.id}`;
  });
  const name = all.filter((s) => s.name).map((s) => `${s.name!.normalize('NFC').toLowerCase()}\0${s.id}`);
  // Each member with its score: its first 6 bytes as a number, whichever script wrote it.
  const withScores = (members: string[]) => sorted(members).flatMap((m) => [m, String(lexScore(m))]);
  expect(await t.redis.zrange(k.searchLocal(), '0', '-1', 'WITHSCORES'), 'search index: addresses').toEqual(withScores(local));
  expect(await t.redis.zrange(k.searchDomain(), '0', '-1', 'WITHSCORES'), 'search index: domains').toEqual(withScores(domain));
  expect(await t.redis.zrange(k.searchName(), '0', '-1', 'WITHSCORES'), 'search index: names').toEqual(withScores(name));
}

/** Every index and counter agrees with the subscriber hashes themselves. */
async function expectConsistent(lists: string[]): Promise<void> {
  const all = await allSubscribers();
  await expectSearchIndexes(all);
  const global = emptyCounts();
  for (const s of all) global[s.status]++;
  expect(await store.countByStatus(null)).toEqual(global);
  expect(await t.redis.hlen(k.emailIndex())).toBe(all.length);
  if (all.length) expect(await t.redis.hmget(k.emailIndex(), ...all.map((s) => s.email.toLowerCase()))).toEqual(all.map((s) => s.id));
  for (const list of lists) {
    const members = all.filter((s) => s.lists.includes(list));
    const counts = emptyCounts();
    for (const s of members) counts[s.status]++;
    // Asked for and not confirmed: pending there; left: unsubscribed there, whatever the record's status.
    for (const s of all) if (s.requested?.includes(list)) counts.pending++;
    for (const s of all) if (s.left?.includes(list)) counts.unsubscribed++;
    expect(await store.countByStatus(list), `counts of ${list}`).toEqual(counts);
    expect(await bitmapIds(k.listAll(list)), `members of ${list}`).toEqual(members.map((s) => s.id));
    expect(await bitmapIds(k.listActive(list)), `active bits of ${list}`).toEqual(members.filter((s) => s.status === 'active').map((s) => s.id));
    expect(await activeIds(list), `active in ${list}`).toEqual(members.filter((s) => s.status === 'active').map((s) => s.id));
  }
}

describe('create and read', () => {
  it('creates with a normalised address and returns the existing subscriber unchanged', async () => {
    const first = await store.create({ email: ' Reader.One@Example.COM ', name: ' 王\n小明 ', locale: 'zh_cn', lists: ['pretrain-weekly'], status: 'pending' });
    expect(first.created).toBe(true);
    expect(first.subscriber).toMatchObject({
      email: 'Reader.One@example.com',
      name: '王 小明',
      locale: 'zh-CN',
      status: 'pending',
      lists: ['pretrain-weekly'],
    });
    expect(first.subscriber.id).toMatch(/^[1-9][0-9]*$/);
    expect(Date.parse(first.subscriber.createdAt)).not.toBeNaN();

    const again = await store.create({ email: 'Reader.One@EXAMPLE.com', name: 'Someone Else', lists: ['other'], status: 'active' });
    expect(again.created).toBe(false);
    expect(again.subscriber).toEqual(first.subscriber);

    expect(await store.get(first.subscriber.id)).toEqual(first.subscriber);
    expect(await store.findByEmail('reader.one@example.com')).toEqual(first.subscriber); // one mailbox, whatever the case
    expect(await store.findByEmail('Reader.One@example.COM')).toEqual(first.subscriber);
    expect(await store.findByEmail('not an address')).toBeNull();
  });

  it('is one subscriber per mailbox: every spelling of the local part finds it, and it keeps the first', async () => {
    const { subscriber } = await store.create({ email: 'dave@example.com', lists: ['case-list'], status: 'active' });
    const upper = await store.create({ email: 'DAVE@Example.COM', lists: ['case-list'], status: 'active' });
    expect(upper).toEqual({ subscriber, created: false });
    const many = await store.createMany([
      { email: 'Dave@example.com', lists: ['case-list'], status: 'active' },
      { email: 'NEW.Case@example.com', lists: [], status: 'pending' },
      { email: 'new.case@EXAMPLE.com', lists: [], status: 'pending' },
    ]);
    expect(many[0]).toEqual({ id: subscriber.id, created: false });
    expect(many[1]!.created).toBe(true);
    expect(many[2]).toEqual({ id: many[1]!.id, created: false });
    expect((await store.get(many[1]!.id))?.email).toBe('NEW.Case@example.com');
    expect(await store.findByEmail('ALICE-NOT@example.com')).toBeNull();
    expect((await store.findByEmail('dAvE@EXAMPLE.com'))?.id).toBe(subscriber.id);
    const asked = await store.requestSubscription({
      email: 'DaVe@example.com',
      listId: 'case-list',
      locale: 'en',
      consent: { at: new Date().toISOString(), textVersion: 'v1', source: 'form' },
    });
    expect(asked).toEqual({ id: subscriber.id, outcome: 'already-active' });
    expect(await store.remove(subscriber.id)).toBe(true);
    expect(await t.redis.hget(k.emailIndex(), 'dave@example.com')).toBeNull();
  });

  it('finds and keeps a record an index from before case-folding holds under its address as given', async () => {
    const { subscriber } = await store.create({ email: 'Legacy.Case@example.com', lists: ['case-list'], status: 'active' });
    // As earlier versions indexed it: the address as given, not its mailbox.
    await t.redis.hdel(k.emailIndex(), 'legacy.case@example.com');
    await t.redis.hset(k.emailIndex(), 'Legacy.Case@example.com', subscriber.id);
    // Before the reindex the old field still answers for its own spelling (not yet for the others).
    expect((await store.findByEmail('Legacy.Case@EXAMPLE.com'))?.id).toBe(subscriber.id);
    expect(await store.create({ email: 'Legacy.Case@example.com', lists: [], status: 'pending' })).toMatchObject({
      created: false,
      subscriber: { id: subscriber.id },
    });
    const { records, merged } = await store.rebuildIndexes();
    expect((await store.findByEmail('legacy.case@example.com'))?.id).toBe(subscriber.id);
    expect(records).toBeGreaterThan(0);
    expect(merged).toEqual([]);
    expect(await t.redis.hget(k.emailIndex(), 'legacy.case@example.com')).toBe(subscriber.id);
    expect(await t.redis.hget(k.emailIndex(), 'Legacy.Case@example.com')).toBeNull();
    await expectConsistent(['case-list']);
  });

  it('rebuildIndexes merges two records of one mailbox: lists joined, earliest consent kept with its record, a suppression wins', async () => {
    const early = {
      at: '2024-01-02T03:04:05.000Z',
      ip: '198.51.100.4',
      textVersion: 'form-v1',
      source: 'form' as const,
      confirmedAt: '2024-01-02T03:10:00.000Z',
    };
    const late = { at: '2025-06-01T00:00:00.000Z', textVersion: 'import', source: 'import' as const };
    const a = (await store.create({ email: 'merge.me@example.com', name: 'Merle', lists: ['merge-a'], status: 'active', consent: late })).subscriber;
    // A second record for the same mailbox, as earlier versions let one in.
    await t.redis.hdel(k.emailIndex(), 'merge.me@example.com');
    const b = (await store.create({ email: 'Merge.Me@example.com', lists: ['merge-b'], status: 'active', consent: early })).subscriber;
    expect(b.id).not.toBe(a.id);
    await store.removeFromList(b.id, 'merge-b');
    await store.addToList(b.id, 'merge-b');
    await store.setStatus(a.id, 'unsubscribed');
    await t.redis.hset(k.emailIndex(), 'merge.me@example.com', a.id);

    const { merged } = await store.rebuildIndexes();
    expect(merged).toEqual([
      {
        email: 'Merge.Me@example.com',
        kept: b.id,
        removed: [{ id: a.id, email: 'merge.me@example.com' }],
        status: 'unsubscribed',
        lists: expect.arrayContaining(['merge-a', 'merge-b']),
      },
    ]);
    expect(await store.get(a.id)).toBeNull();
    const kept = await store.get(b.id);
    expect(kept).toMatchObject({ email: 'Merge.Me@example.com', name: 'Merle', status: 'unsubscribed', consent: early });
    expect(kept!.lists.sort()).toEqual(['merge-a', 'merge-b']);
    expect((await store.findByEmail('MERGE.ME@example.com'))?.id).toBe(b.id);
    await expectConsistent(['merge-a', 'merge-b']);
    expect((await store.rebuildIndexes()).merged).toEqual([]);
  });

  it('stores the consent record and reads it back', async () => {
    const consent = {
      at: '2025-03-01T08:00:00.000Z',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (iPhone)',
      textVersion: 'subscribe-form-v1',
      source: 'form' as const,
      confirmedAt: '2025-03-01T08:05:00.000Z',
    };
    const { subscriber } = await store.create({ email: 'consent@example.com', lists: ['pretrain-weekly'], status: 'active', consent });
    expect((await store.get(subscriber.id))?.consent).toEqual(consent);
  });

  it('answers null for unknown or malformed ids, also in getMany', async () => {
    const { subscriber } = await store.create({ email: 'many@example.com', lists: [], status: 'pending' });
    expect(await store.get('999999999')).toBeNull();
    // Names of other keys under the same prefix must not be read as subscribers.
    for (const id of ['seq', 'all', 'by-email', 'counts', '', '0', '-1', '1 ', 'a:b']) expect(await store.get(id)).toBeNull();
    const many = await store.getMany(['seq', subscriber.id, '999999999']);
    expect(many.map((s) => s?.email ?? null)).toEqual([null, 'many@example.com', null]);
    expect(await store.getMany([])).toEqual([]);
  });

  it('refuses an id already in use (a counter set back) and writes nothing for that row', async () => {
    const { subscriber } = await store.create({ email: 'first.owner@example.com', name: 'First', lists: ['reuse-list'], status: 'active' });
    const seq = await t.redis.get(k.subscriberSeq());
    await t.redis.set(k.subscriberSeq(), String(Number(subscriber.id) - 1));
    await expect(store.createMany([{ email: 'second.comer@example.com', name: 'Second', lists: ['reuse-list'], status: 'active' }])).rejects.toThrow(
      /already in use/,
    );
    await t.redis.set(k.subscriberSeq(), seq!);
    expect(await store.findByEmail('second.comer@example.com')).toBeNull();
    expect(await store.get(subscriber.id)).toMatchObject({ email: 'first.owner@example.com', name: 'First' });
    await expectConsistent(['reuse-list']);
  });

  it('rejects invalid input before writing', async () => {
    const before = await t.redis.hlen(k.emailIndex());
    await expect(store.create({ email: 'x@y.com\r\nBcc: z@w.org', lists: [], status: 'pending' })).rejects.toBeInstanceOf(InvalidEmailError);
    await expect(store.create({ email: 'ok@example.com', lists: ['Bad:List'], status: 'pending' })).rejects.toThrow(/not a list id/);
    await expect(store.create({ email: 'ok@example.com', lists: [], status: 'gone' as SubscriberStatus })).rejects.toThrow(/status/);
    await expect(store.create({ email: 'ok@example.com', lists: [], status: 'pending', locale: 'not a locale!' })).rejects.toThrow(/locale/);
    expect(await t.redis.hlen(k.emailIndex())).toBe(before);
  });

  it('makes one subscriber out of concurrent creates of one address from several connections', async () => {
    const clients = Array.from({ length: 4 }, () => new Redis(TEST_REDIS_URL));
    try {
      const stores = clients.map((c) => new RedisSubscriberStore(c, k));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          stores[i % stores.length]!.create({ email: `race@Example.com`, name: `n${i}`, lists: ['race-list'], status: 'active' }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.subscriber.id)).size).toBe(1);
      expect(await t.redis.bitcount(k.listAll('race-list'))).toBe(1);
      expect((await store.countByStatus('race-list')).active).toBe(1);
    } finally {
      for (const c of clients) c.disconnect();
    }
    await expectConsistent(['pretrain-weekly', 'race-list']);
  });
});

describe('paging', () => {
  it('pages through 2,500 active members in id order, skipping the others', async () => {
    const inputs = Array.from({ length: 3000 }, (_, i) => ({
      email: `page${i}@example.com`,
      lists: ['paging'],
      status: (i % 6 === 5 ? 'pending' : 'active') as SubscriberStatus,
    }));
    const created = await store.createMany(inputs);
    expect(created.every((c) => c.created)).toBe(true);
    const expected = created.filter((_, i) => inputs[i]!.status === 'active').map((c) => c.id);
    expect(expected).toHaveLength(2500);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await store.pageActive('paging', cursor, 1000);
      pages.push(page.ids);
      cursor = page.next;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
    const ids = pages.flat();
    expect(ids).toEqual(expected);
    for (let i = 1; i < ids.length; i++) expect(Number(ids[i])).toBeGreaterThan(Number(ids[i - 1]));
    expect(await store.countByStatus('paging')).toEqual({ ...emptyCounts(), active: 2500, pending: 500 });
  });

  it('keeps paging correctly while members change between pages', async () => {
    const first = await store.pageActive('paging', null, 1000);
    // Someone on the next page unsubscribes, and someone already paged past does too.
    const all = await activeIds('paging');
    await store.setStatus(all[1500]!, 'unsubscribed');
    await store.setStatus(all[10]!, 'unsubscribed');
    const rest = await activeIds('paging').then((ids) => ids.filter((id) => Number(id) > Number(first.next)));
    const second = await store.pageActive('paging', first.next, 5000);
    expect(second.ids).toEqual(rest);
    expect(second.ids).not.toContain(all[1500]);
    expect(second.next).toBeNull();
  });

  it('pages all subscribers of a list and rejects bad cursors and limits', async () => {
    const page = await store.pageAll('paging', null, 7);
    expect(page.subscribers).toHaveLength(7);
    expect(page.next).toBe(page.subscribers[6]!.id);
    await expect(store.pageActive('paging', 'abc', 10)).rejects.toThrow(/cursor/);
    await expect(store.pageActive('paging', null, 0)).rejects.toThrow(/limit/);
    expect(await store.pageActive('no-such-list', null, 10)).toEqual({ ids: [], next: null });
  });
});

describe('status and lists', () => {
  it('keeps active sets and counts in step through transitions', async () => {
    const { subscriber } = await store.create({ email: 'flow@example.com', lists: ['flow-a', 'flow-b'], status: 'pending' });
    const id = subscriber.id;
    expect(await store.isActiveIn(id, 'flow-a')).toBe(false);

    const active = await store.setStatus(id, 'active', { name: 'Flow', consent: { at: '2025-01-01T00:00:00.000Z', textVersion: 'v1', source: 'form' } });
    expect(active).toMatchObject({ status: 'active', name: 'Flow' });
    expect(active!.updatedAt >= subscriber.updatedAt).toBe(true);
    expect(await store.isActiveIn(id, 'flow-a')).toBe(true);
    expect(await store.isActiveIn(id, 'flow-b')).toBe(true);
    expect(await activeIds('flow-b')).toEqual([id]);
    await expectConsistent(['flow-a', 'flow-b']);

    expect((await store.setStatus(id, 'bounced'))?.status).toBe('bounced');
    expect(await store.isActiveIn(id, 'flow-a')).toBe(false);
    expect(await activeIds('flow-a')).toEqual([]);
    expect(await store.countByStatus('flow-a')).toEqual({ ...emptyCounts(), bounced: 1 });
    await expectConsistent(['flow-a', 'flow-b']);

    // Setting the same status again changes nothing.
    await store.setStatus(id, 'bounced');
    expect(await store.countByStatus('flow-b')).toEqual({ ...emptyCounts(), bounced: 1 });

    // A guarded transition: confirm only what is pending, never a bounced address.
    const refused = await store.transition(id, 'active', { from: ['pending'] });
    expect(refused).toMatchObject({ applied: false, previous: 'bounced', subscriber: { status: 'bounced' } });
    expect(await store.isActiveIn(id, 'flow-a')).toBe(false);

    expect(await store.setStatus('999999999', 'active')).toBeNull();
    expect(await store.isActiveIn('nope', 'flow-a')).toBe(false);
  });

  it('patches name and locale, and clears them with empty strings', async () => {
    const { subscriber } = await store.create({ email: 'patch@example.com', name: 'A', locale: 'en', lists: ['flow-a'], status: 'active' });
    const patched = await store.setStatus(subscriber.id, 'active', { name: 'B\r\nX', locale: 'zh-cn' });
    expect(patched).toMatchObject({ name: 'B X', locale: 'zh-CN' });
    const cleared = await store.setStatus(subscriber.id, 'active', { name: '', locale: '' });
    expect(cleared?.name).toBeUndefined();
    expect(cleared?.locale).toBeUndefined();
    await expect(store.setStatus(subscriber.id, 'active', { locale: '??' })).rejects.toThrow(/locale/);
    await expectConsistent(['flow-a']);
  });

  it('moves the name in the search index with every rename, a refused transition and a subscribe request included', async () => {
    const { subscriber } = await store.create({ email: 'Rename.Me@example.com', name: 'Émile Zola', lists: ['flow-a'], status: 'pending' });
    const id = subscriber.id;
    const names = async (prefix: string) => (await store.search({ text: prefix, kind: 'name', limit: 10 })).subscribers.map((s) => s.id);
    expect(await names('émile')).toEqual([id]);
    await store.setStatus(id, 'active', { name: 'ÉMILIE du Châtelet' });
    expect(await names('émile ')).toEqual([]);
    expect(await names('émilie du')).toEqual([id]);
    // Refused by `from`: nothing moves, the old name stays findable.
    expect((await store.transition(id, 'active', { from: ['pending'], patch: { name: 'Nobody' } }))?.applied).toBe(false);
    expect(await names('nobody')).toEqual([]);
    expect(await names('émilie')).toEqual([id]);
    // A status change alone leaves the name where it is.
    await store.setStatus(id, 'unsubscribed');
    expect(await names('émilie')).toEqual([id]);
    // Never active again from unsubscribed by a status change: refused whole, the name stays.
    expect((await store.transition(id, 'active', { patch: { name: '' } }))?.applied).toBe(false);
    expect(await names('émilie')).toEqual([id]);
    expect(await store.updateFields(id, { name: '' })).toMatchObject({ status: 'unsubscribed' });
    expect(await names('émilie')).toEqual([]);
    await expectConsistent(['flow-a']);
    // A subscribe request gives a nameless pending record its name (and the index the member).
    const consent = { at: new Date().toISOString(), textVersion: 'v1', source: 'form' as const };
    const asked = await store.requestSubscription({ email: 'asks.name@example.com', listId: 'flow-a', locale: 'en', consent });
    expect(await store.search({ text: 'asks.name', kind: 'local', limit: 5 })).toMatchObject({ subscribers: [{ id: asked.id }], count: 1, countIsExact: true });
    await store.requestSubscription({ email: 'ASKS.name@example.com', name: 'Asked Later', listId: 'flow-a', locale: 'en', consent });
    expect(await names('asked l')).toEqual([asked.id]);
    await expectConsistent(['flow-a']);
  });

  it('removeFromList leaves other lists alone and unsubscribes when no list is left', async () => {
    const { subscriber } = await store.create({ email: 'leave@example.com', lists: ['flow-a', 'flow-b'], status: 'active' });
    const id = subscriber.id;
    const before = await store.countByStatus('flow-a');
    const afterA = await store.removeFromList(id, 'flow-a');
    expect(afterA).toMatchObject({ removed: true, subscriber: { status: 'active', lists: ['flow-b'], left: ['flow-a'] } });
    expect(await store.isActiveIn(id, 'flow-a')).toBe(false);
    expect(await store.isActiveIn(id, 'flow-b')).toBe(true);
    // Idempotent: a second one-click POST changes nothing.
    expect(await store.removeFromList(id, 'flow-a')).toMatchObject({ removed: false, subscriber: { status: 'active', lists: ['flow-b'] } });
    expect(await store.countByStatus('flow-a')).toMatchObject({ active: before.active - 1, unsubscribed: before.unsubscribed + 1 });

    const afterB = await store.removeFromList(id, 'flow-b');
    expect(afterB).toMatchObject({ removed: true, subscriber: { status: 'unsubscribed', lists: [] } });
    expect(await store.isActiveIn(id, 'flow-b')).toBe(false);
    await expectConsistent(['flow-a', 'flow-b']);
    expect(await store.removeFromList('999999999', 'flow-a')).toBeNull();

    // Subscribing again: back on the list, pending until confirmed, then active.
    await store.addToList(id, 'flow-b');
    await store.addToList(id, 'flow-b');
    expect((await store.get(id))?.lists).toEqual(['flow-b']);
    expect(await store.isActiveIn(id, 'flow-b')).toBe(false);
    await store.setStatus(id, 'pending');
    await store.setStatus(id, 'active');
    expect(await store.isActiveIn(id, 'flow-b')).toBe(true);
    await expectConsistent(['flow-a', 'flow-b']);
  });

  it('counts per list who asked and has not confirmed (pending) and who left (unsubscribed), through every step', async () => {
    const consent = { at: new Date().toISOString(), textVersion: 'v1', source: 'form' as const };
    const ask = (email: string, listId: string) => store.requestSubscription({ email, listId, locale: 'en', consent });
    const fresh = await ask('asks@example.com', 'count-a');
    expect(fresh.outcome).toBe('created');
    expect(await store.countByStatus('count-a')).toMatchObject({ pending: 1, active: 0 });
    // Asking twice is still one person pending.
    await ask('asks@example.com', 'count-a');
    expect(await store.countByStatus('count-a')).toMatchObject({ pending: 1 });
    // Confirmed: active there, no longer pending.
    await store.addToList(fresh.id, 'count-a');
    await store.setStatus(fresh.id, 'active');
    expect(await store.countByStatus('count-a')).toMatchObject({ pending: 0, active: 1 });
    // Active on count-a, asking for count-b: pending on count-b only.
    expect((await ask('asks@example.com', 'count-b')).outcome).toBe('active-elsewhere');
    expect(await store.countByStatus('count-b')).toMatchObject({ pending: 1, active: 0 });
    expect(await store.countByStatus('count-a')).toMatchObject({ pending: 0, active: 1 });
    await expectConsistent(['count-a', 'count-b']);
    // Leaves count-a: unsubscribed there; asks for it again: pending there, not unsubscribed.
    expect((await store.removeFromList(fresh.id, 'count-a'))?.removed).toBe(true);
    expect(await store.countByStatus('count-a')).toMatchObject({ active: 0, unsubscribed: 1 });
    await ask('asks@example.com', 'count-a');
    expect(await store.countByStatus('count-a')).toMatchObject({ pending: 1, unsubscribed: 0 });
    await expectConsistent(['count-a', 'count-b']);
    // Erased: every count it held is taken back.
    expect(await store.remove(fresh.id)).toBe(true);
    expect(await store.countByStatus('count-a')).toEqual(emptyCounts());
    expect(await store.countByStatus('count-b')).toEqual(emptyCounts());
  });

  it('addToList puts an active subscriber straight into the active set', async () => {
    const { subscriber } = await store.create({ email: 'join@example.com', lists: ['flow-a'], status: 'active' });
    await store.addToList(subscriber.id, 'flow-c');
    expect(await store.isActiveIn(subscriber.id, 'flow-c')).toBe(true);
    expect((await store.countByStatus('flow-c')).active).toBe(1);
    await expect(store.addToList(subscriber.id, 'Flow C')).rejects.toThrow(/list id/);
  });

  it('pages a list whose ids are spread far apart (sparse bitmap slices), in id order, each once', async () => {
    const made: string[] = [];
    for (const jumpTo of [0, 9_000, 70_000, 1_000_000]) {
      if (jumpTo) await t.redis.set(k.subscriberSeq(), String(jumpTo));
      for (let i = 0; i < 3; i++)
        made.push((await store.create({ email: `sparse-${jumpTo}-${i}@example.com`, lists: ['sparse-list'], status: 'active' })).subscriber.id);
    }
    for (const limit of [1, 2, 5, 1000]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.pageActive('sparse-list', cursor, limit);
        expect(page.ids.length).toBeLessThanOrEqual(limit);
        seen.push(...page.ids);
        cursor = page.next;
      } while (cursor !== null);
      expect(seen, `limit ${limit}`).toEqual(made);
    }
    // One leaves: the pages skip it; the others stay in order.
    await store.setStatus(made[4]!, 'unsubscribed');
    expect((await store.pageActive('sparse-list', null, 100)).ids).toEqual(made.filter((_, i) => i !== 4));
  });

  it('rebuildIndexes writes the search indexes again from the records (lost, or from before they existed)', async () => {
    const { subscriber } = await store.create({ email: 'Reindex.Search@example.com', name: 'Ré Index', lists: ['rs-list'], status: 'active' });
    await t.redis.del(k.searchLocal(), k.searchName());
    // A member whose record is gone, as a crash of an old version could leave one.
    await t.redis.zadd(k.searchDomain(), 0, 'example.com@ghost\u00009999999');
    expect((await store.search({ text: 'reindex.s', limit: 5 })).subscribers).toEqual([]);
    await store.rebuildIndexes();
    expect((await store.search({ text: 'reindex.s', limit: 5 })).subscribers.map((s) => s.id)).toEqual([subscriber.id]);
    expect((await store.search({ text: 'ré ind', kind: 'name', limit: 5 })).subscribers.map((s) => s.id)).toEqual([subscriber.id]);
    await expectConsistent(['rs-list']);
  });

  it('rebuildIndexes restores lost bitmaps from the records and drops the old sorted sets', async () => {
    const a = (await store.create({ email: 'reindex-a@example.com', lists: ['re-list'], status: 'active' })).subscriber;
    const b = (await store.create({ email: 'reindex-b@example.com', lists: ['re-list'], status: 'pending' })).subscriber;
    await t.redis.del(k.listActive('re-list'), k.listAll('re-list'));
    // As an earlier version left them.
    await t.redis.zadd(`${k.prefix}:list:re-list:active`, a.id, a.id);
    expect((await store.pageActive('re-list', null, 10)).ids).toEqual([]);
    expect((await store.rebuildIndexes()).records).toBeGreaterThanOrEqual(2);
    expect((await store.pageActive('re-list', null, 10)).ids).toEqual([a.id]);
    expect((await store.pageAll('re-list', null, 10)).subscribers.map((s) => s.id)).toEqual([a.id, b.id]);
    expect(await t.redis.exists(`${k.prefix}:list:re-list:active`)).toBe(0);
  });

  it('remove deletes the subscriber and every index entry', async () => {
    const { subscriber } = await store.create({ email: 'gone@example.com', lists: ['flow-a', 'flow-c'], status: 'active' });
    expect(await store.remove(subscriber.id)).toBe(true);
    expect(await store.remove(subscriber.id)).toBe(false);
    expect(await store.get(subscriber.id)).toBeNull();
    expect(await store.findByEmail('gone@example.com')).toBeNull();
    expect(await t.redis.exists(k.subscriber(subscriber.id))).toBe(0);
    expect(await t.redis.getbit(k.listAll('flow-a'), Number(subscriber.id))).toBe(0);
    expect(await t.redis.getbit(k.allSubscribers(), Number(subscriber.id))).toBe(0);
    expect(await store.isActiveIn(subscriber.id, 'flow-c')).toBe(false);
    expect((await store.search({ text: 'gone@', limit: 10 })).subscribers).toEqual([]);
    await expectConsistent(['flow-a', 'flow-b', 'flow-c']);
    const again = await store.create({ email: 'gone@example.com', lists: ['flow-a'], status: 'pending' });
    expect(again.created).toBe(true);
    expect(Number(again.subscriber.id)).toBeGreaterThan(Number(subscriber.id));
  });

  it('stays consistent under concurrent status and list changes from several connections', async () => {
    const lists = ['mix-a', 'mix-b', 'mix-c'];
    const created = await store.createMany(
      Array.from({ length: 8 }, (_, i) => ({ email: `mix${i}@example.com`, lists: ['mix-a'], status: 'pending' as const })),
    );
    const ids = created.map((c) => c.id);
    const clients = Array.from({ length: 3 }, () => new Redis(TEST_REDIS_URL));
    try {
      const stores = clients.map((c) => new RedisSubscriberStore(c, k));
      let seed = 42;
      // mulberry32: a small deterministic PRNG whose low bits are as random as its high ones.
      const next = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
      };
      const rand = (n: number) => Math.floor(next() * n);
      const ops = Array.from({ length: 600 }, () => {
        const s = stores[rand(stores.length)]!;
        const id = ids[rand(ids.length)]!;
        const list = lists[rand(lists.length)]!;
        switch (rand(6)) {
          case 0:
            return s.setStatus(id, SUBSCRIBER_STATUSES[rand(SUBSCRIBER_STATUSES.length)]!);
          case 1:
            return s.addToList(id, list);
          case 2:
            return s.removeFromList(id, list);
          case 3:
            return s.confirmRequest(id, list, clockMicros());
          case 4:
            return s.grant(id, list, { at: new Date().toISOString(), textVersion: 'fuzz', source: 'api' });
          default:
            return s.transition(id, 'active', { from: ['pending'] });
        }
      });
      await Promise.all(ops);
    } finally {
      for (const c of clients) c.disconnect();
    }
    await expectConsistent(['pretrain-weekly', 'flow-a', 'flow-b', 'flow-c', ...lists]);
  });
});

describe('suppression and consent (issue #32)', () => {
  const form = (ip: string, at = new Date().toISOString()): ConsentRecord => ({ at, ip, userAgent: 'UA/1', textVersion: 'form-v1', source: 'form' });
  const ask = (email: string, listId: string, ip: string) => store.requestSubscription({ email, listId, locale: 'en', consent: form(ip) });

  it('no status change makes an unsubscribed, bounced or complained record active: refused, nothing moves', async () => {
    for (const status of ['unsubscribed', 'bounced', 'complained'] as const) {
      const { subscriber } = await store.create({ email: `stay-${status}@example.com`, lists: ['sup-a'], status });
      const result = await store.transition(subscriber.id, 'active', { patch: { name: 'Back' } });
      expect(result).toMatchObject({ applied: false, previous: status, subscriber: { status, lists: ['sup-a'] } });
      expect(result?.subscriber.name).toBeUndefined();
      expect((await store.setStatus(subscriber.id, 'active'))?.status).toBe(status);
      expect(await store.isActiveIn(subscriber.id, 'sup-a')).toBe(false);
    }
    await expectConsistent(['sup-a']);
  });

  it('a confirmation link made before a bounce or complaint confirms nothing; one made after brings the address back to that list alone', async () => {
    for (const status of ['bounced', 'complained'] as const) {
      const email = `back-${status}@example.com`;
      const { id } = await ask(email, 'sup-a', '192.0.2.10');
      expect((await store.confirmRequest(id, 'sup-a', clockMicros()))?.applied).toBe(true);
      await store.addToList(id, 'sup-b');
      const oldLink = clockMicros();
      await store.setStatus(id, status);
      expect(await store.confirmable(id, oldLink)).toBe(false);
      expect(await store.confirmRequest(id, 'sup-a', oldLink)).toMatchObject({
        applied: false,
        previous: status,
        subscriber: { status, lists: ['sup-a', 'sup-b'] },
      });
      // A token stored before tokens kept their time: refused for a suppressed record.
      expect((await store.confirmRequest(id, 'sup-a', 0))?.applied).toBe(false);
      expect(await store.isActiveIn(id, 'sup-a')).toBe(false);

      // A new request after the suppression, confirmed by its own (newer) link.
      expect((await ask(email, 'sup-a', '198.51.100.20')).outcome).toBe('reconfirm');
      const newLink = clockMicros();
      expect(await store.confirmable(id, newLink)).toBe(true);
      const back = await store.confirmRequest(id, 'sup-a', newLink);
      expect(back).toMatchObject({ applied: true, previous: status, subscriber: { status: 'active', lists: ['sup-a'], left: ['sup-b'] } });
      // The consent on record is the request this link confirmed, not the first one.
      expect(back?.subscriber.consent).toMatchObject({ ip: '198.51.100.20', source: 'form', textVersion: 'form-v1' });
      expect(back?.subscriber.consent?.confirmedAt).toBeTruthy();
      expect(await store.isActiveIn(id, 'sup-a')).toBe(true);
      expect(await store.isActiveIn(id, 'sup-b')).toBe(false);
      const history = await store.consentHistory(id);
      expect(history.map((e) => [e.type, e.source, e.ip ?? null, e.listId ?? null])).toEqual([
        ['requested', 'form', '192.0.2.10', 'sup-a'],
        ['confirmed', 'form', '192.0.2.10', 'sup-a'],
        ...(status === 'complained' ? [['withdrawn', 'complaint', null, null]] : []),
        ['requested', 'form', '198.51.100.20', 'sup-a'],
        ['confirmed', 'form', '198.51.100.20', 'sup-a'],
      ]);
      // The old link still does nothing once the address is back.
      expect((await store.confirmRequest(id, 'sup-b', oldLink))?.applied).toBe(false);
      expect(await store.isActiveIn(id, 'sup-b')).toBe(false);
    }
    await expectConsistent(['sup-a', 'sup-b']);
  });

  it('a link from before the person left (unsubscribed) confirms nothing; a pending person’s link from before links kept their time still works', async () => {
    const { id } = await ask('left-then@example.com', 'sup-c', '192.0.2.30');
    const early = clockMicros();
    expect((await store.confirmRequest(id, 'sup-c', early))?.applied).toBe(true);
    await store.removeFromList(id, 'sup-c');
    expect((await store.get(id))?.status).toBe('unsubscribed');
    expect((await store.confirmRequest(id, 'sup-c', early))?.applied).toBe(false);
    const fresh = await ask('fresh-pending@example.com', 'sup-c', '192.0.2.31');
    expect(await store.confirmRequest(fresh.id, 'sup-c', 0)).toMatchObject({ applied: true, subscriber: { status: 'active', lists: ['sup-c'] } });
    await expectConsistent(['sup-c']);
  });

  it('a grant refuses a bounced or complained record, brings an unsubscribed one back to that list with the grant recorded, and changes nothing for a member', async () => {
    const grant: ConsentRecord = { at: '2025-06-01T10:00:00.000Z', ip: '203.0.113.40', textVersion: 'api-v1', source: 'api' };
    for (const status of ['bounced', 'complained'] as const) {
      const { subscriber } = await store.create({
        email: `nogrant-${status}@example.com`,
        lists: ['sup-d'],
        status,
        consent: form('192.0.2.50', '2025-01-01T00:00:00.000Z'),
      });
      expect(await store.grant(subscriber.id, 'sup-d', grant)).toMatchObject({ applied: false, previous: status, subscriber: { status } });
      expect((await store.get(subscriber.id))?.consent?.ip).toBe('192.0.2.50');
    }
    const first = form('192.0.2.51', '2025-01-01T00:00:00.000Z');
    const { subscriber } = await store.create({ email: 'regrant@example.com', lists: ['sup-d', 'sup-e'], status: 'active', consent: first });
    await store.removeFromList(subscriber.id, 'sup-d', { source: 'one-click', ip: '192.0.2.52', userAgent: 'Gmail' });
    await store.removeFromList(subscriber.id, 'sup-e', { source: 'unsubscribe-page', ip: '192.0.2.53' });
    const back = await store.grant(subscriber.id, 'sup-e', grant, 'console');
    expect(back).toMatchObject({
      applied: true,
      previous: 'unsubscribed',
      subscriber: { status: 'active', lists: ['sup-e'], left: ['sup-d'], consent: grant },
    });
    expect(await store.grant(subscriber.id, 'sup-e', { ...grant, ip: '203.0.113.41' })).toMatchObject({ applied: true, subscriber: { consent: grant } });
    expect(await store.consentHistory(subscriber.id)).toEqual([
      { type: 'requested', ...first },
      { type: 'withdrawn', at: expect.any(String), source: 'one-click', ip: '192.0.2.52', userAgent: 'Gmail', listId: 'sup-d' },
      { type: 'withdrawn', at: expect.any(String), source: 'unsubscribe-page', ip: '192.0.2.53', listId: 'sup-e' },
      { type: 'granted', ...grant, source: 'console', listId: 'sup-e' },
    ]);
    await expectConsistent(['sup-d', 'sup-e']);
  });

  it('keeps the history bounded (the first event and the latest), and erases it with the record', async () => {
    const { id } = await ask('chatty@example.com', 'sup-f', '192.0.2.60');
    for (let i = 0; i < CONSENT_HISTORY_MAX + 5; i++) await ask('chatty@example.com', 'sup-f', `198.51.100.${i}`);
    const history = await store.consentHistory(id);
    expect(history).toHaveLength(CONSENT_HISTORY_MAX);
    expect(history[0]!.ip).toBe('192.0.2.60');
    expect(history.at(-1)!.ip).toBe(`198.51.100.${CONSENT_HISTORY_MAX + 4}`);
    expect(history[1]!.ip).toBe(`198.51.100.6`);
    expect(await t.redis.exists(k.consentHistory(id))).toBe(1);
    expect(await store.remove(id)).toBe(true);
    expect(await t.redis.exists(k.consentHistory(id))).toBe(0);
    expect(await store.consentHistory(id)).toEqual([]);
  });

  it('reads a record with no history yet (an import) as its consent alone, and starts the history from it', async () => {
    const consent: ConsentRecord = { at: '2024-05-05T05:05:05.000Z', textVersion: 'import', source: 'import' };
    const { subscriber } = await store.create({ email: 'imported@example.com', lists: ['sup-g'], status: 'active', consent });
    expect(await t.redis.exists(k.consentHistory(subscriber.id))).toBe(0);
    expect(await store.consentHistory(subscriber.id)).toEqual([{ type: 'granted', ...consent }]);
    await store.setStatus(subscriber.id, 'complained');
    expect((await store.consentHistory(subscriber.id)).map((e) => [e.type, e.source])).toEqual([
      ['granted', 'import'],
      ['withdrawn', 'complaint'],
    ]);
    expect((await store.get(subscriber.id))?.consent).toEqual(consent);
  });
});

describe('confirmation tokens', () => {
  const claims = { subscriberId: '42', listId: 'pretrain-weekly' };

  it('stores only the hash, with the TTL, and yields the claims once', async () => {
    const token = await createConfirmation(t.redis, k, claims, 48);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(16);
    const key = k.confirmToken(hashConfirmationToken(token));
    const ttl = await t.redis.ttl(key);
    expect(ttl).toBeGreaterThan(48 * 3600 - 10);
    expect(ttl).toBeLessThanOrEqual(48 * 3600);
    // The raw token appears nowhere in Redis.
    const found = await t.redis.keys(`${t.prefix}*${token}*`);
    expect(found).toEqual([]);
    expect(await t.redis.get(key)).not.toContain(token);

    expect(await consumeConfirmation(t.redis, k, token)).toEqual({ ...claims, issuedAt: expect.any(Number) });
    expect(await consumeConfirmation(t.redis, k, token)).toBeNull();
    expect(await t.redis.exists(key)).toBe(0);
  });

  it('gives different tokens each time', async () => {
    const a = await createConfirmation(t.redis, k, claims, 1);
    const b = await createConfirmation(t.redis, k, claims, 1);
    expect(a).not.toBe(b);
  });

  it('returns null once expired', async () => {
    const token = await createConfirmation(t.redis, k, claims, 1 / 3600);
    const key = k.confirmToken(hashConfirmationToken(token));
    expect(await t.redis.ttl(key)).toBe(1);
    await t.redis.pexpire(key, 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await consumeConfirmation(t.redis, k, token)).toBeNull();
  });

  it('returns null for made-up, altered or malformed tokens without touching real ones', async () => {
    const token = await createConfirmation(t.redis, k, claims, 1);
    const altered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const bad of [altered, token.slice(0, 21), `${token}A`, '', '../../etc', 'A'.repeat(22), `${token.slice(0, 21)}=`]) {
      expect(await consumeConfirmation(t.redis, k, bad)).toBeNull();
    }
    expect(await consumeConfirmation(t.redis, k, token)).toEqual({ ...claims, issuedAt: expect.any(Number) });
  });

  it('keeps when the token was made; a token stored before that reads as made at 0', async () => {
    const before = clockMicros();
    const token = await createConfirmation(t.redis, k, claims, 1);
    const made = (await consumeConfirmation(t.redis, k, token))!.issuedAt;
    expect(made).toBeGreaterThanOrEqual(before);
    expect(made).toBeLessThanOrEqual(clockMicros());
    expect(Math.abs(made / 1000 - Date.now())).toBeLessThan(60_000);
    const legacy = 'L'.repeat(22);
    await t.redis.set(k.confirmToken(hashConfirmationToken(legacy)), '42.pretrain-weekly', 'EX', 60);
    expect(await consumeConfirmation(t.redis, k, legacy)).toEqual({ ...claims, issuedAt: 0 });
  });

  it('refuses bad claims and TTLs', async () => {
    await expect(createConfirmation(t.redis, k, { subscriberId: 'x', listId: 'pretrain-weekly' }, 1)).rejects.toThrow();
    await expect(createConfirmation(t.redis, k, claims, 0)).rejects.toThrow(/ttlHours/);
  });
});
