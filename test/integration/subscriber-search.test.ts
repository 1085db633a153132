// RedisSubscriberStore.search against a real Redis, with one partition and with three: each
// kind, case-blindness, list and status filters, paging across pages, counts, and a property:
// every page of a search, joined, is what a plain filter over the records gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { partitionsFor } from '../../src/redis/partitions.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import type { SearchQuery } from '../../src/subscribers/search.ts';
import { SUBSCRIBER_STATUSES, type NewSubscriber, type Subscriber, type SubscriberStatus } from '../../src/subscribers/types.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

const cleanups: TestRedis[] = [];
afterAll(async () => {
  for (const t of cleanups) await t.cleanup();
});

async function storeOf(partitions: number): Promise<{ t: TestRedis; store: RedisSubscriberStore }> {
  const t = await testRedis();
  cleanups.push(t);
  return { t, store: new RedisSubscriberStore(t.redis, partitionsFor(t.prefix, partitions)) };
}

/** Every page of the query, joined; checks that no subscriber comes twice. */
async function allPages(
  store: RedisSubscriberStore,
  q: Omit<SearchQuery, 'cursor'>,
): Promise<{ ids: string[]; pages: number; count: number; countIsExact: boolean }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let first: { count: number; countIsExact: boolean } | null = null;
  do {
    const page: Awaited<ReturnType<RedisSubscriberStore['search']>> = await store.search({ ...q, cursor });
    first ??= page;
    expect(page.subscribers.length).toBeLessThanOrEqual(q.limit);
    ids.push(...page.subscribers.map((s) => s.id));
    cursor = page.next;
    pages++;
    expect(pages, 'pages').toBeLessThan(10_000);
  } while (cursor !== null);
  expect(new Set(ids).size, 'no subscriber twice').toBe(ids.length);
  return { ids, pages, count: first!.count, countIsExact: first!.countIsExact };
}

const PEOPLE: Array<NewSubscriber & { key: string }> = [
  { key: 'alice', email: 'alice@example.com', name: 'Alice Liddell', lists: ['weekly'], status: 'active' },
  { key: 'ALI', email: 'ALI.Baba@Example.ORG', name: 'Ali Baba', lists: ['weekly', 'digest'], status: 'active' },
  { key: 'malia', email: 'malia@example.com', name: 'Malia Obama', lists: ['weekly'], status: 'active' },
  { key: 'alfred', email: 'alfred@batcave.net', name: 'Alfred', lists: ['digest'], status: 'pending' },
  { key: 'ada', email: 'countess@analytical.engine.io', name: 'Ada Lovelace', lists: ['weekly'], status: 'active' },
  { key: 'adam', email: 'ADAM.smith@econ.example.com', name: 'ADAM Smith', lists: ['weekly'], status: 'unsubscribed' },
  { key: 'adaname', email: 'ada@noname.io', lists: ['weekly'], status: 'active' },
  { key: 'adaboth', email: 'ada.both@example.com', name: 'Ada Both', lists: ['digest'], status: 'bounced' },
  { key: 'wang', email: 'wang.wei@163.com', name: '王伟', lists: ['weekly'], status: 'active' },
  { key: 'jose', email: 'jose@correo.es', name: 'JOSÉ García', lists: ['weekly'], status: 'complained' },
  { key: 'zoe', email: 'zoe@example.com', name: 'Zoë Ångström', lists: [], status: 'unsubscribed' },
];

describe.each([1, 3])('search over %i partition(s)', (partitions) => {
  let store: RedisSubscriberStore;
  const id: Record<string, string> = {};
  const ids = (...keys: string[]) => keys.map((key) => id[key]!).sort();
  const found = async (q: Omit<SearchQuery, 'limit' | 'cursor'>, limit = 100) => (await allPages(store, { ...q, limit })).ids.sort();

  beforeAll(async () => {
    ({ store } = await storeOf(partitions));
    const made = await store.createMany(PEOPLE.map(({ key: _key, ...p }) => p));
    for (const [i, p] of PEOPLE.entries()) id[p.key] = made[i]!.id;
  });

  it('local: a case-blind prefix of the address, local part first', async () => {
    expect(await found({ text: 'ali', kind: 'local' })).toEqual(ids('alice', 'ALI'));
    expect(await found({ text: 'ALI', kind: 'local' })).toEqual(ids('alice', 'ALI'));
    expect(await found({ text: 'ali.b', kind: 'local' })).toEqual(ids('ALI'));
    expect(await found({ text: 'alice@ex', kind: 'local' })).toEqual(ids('alice'));
    expect(await found({ text: 'lia', kind: 'local' })).toEqual([]); // a prefix, not a substring
    const page = await store.search({ text: 'a', kind: 'local', limit: 100 });
    // In the index's order: by address.
    expect(page.subscribers.map((s) => s.email)).toEqual([
      'ada.both@example.com',
      'ada@noname.io',
      'ADAM.smith@econ.example.com',
      'alfred@batcave.net',
      'ALI.Baba@example.org',
      'alice@example.com',
    ]);
    expect(page).toMatchObject({ count: 6, countIsExact: true, next: null });
  });

  it('domain: a case-blind prefix of the domain, with or without its @', async () => {
    expect(await found({ text: 'exam', kind: 'domain' })).toEqual(ids('alice', 'ALI', 'malia', 'adaboth', 'zoe'));
    expect(await found({ text: '@EXAMPLE.C', kind: 'domain' })).toEqual(ids('alice', 'malia', 'adaboth', 'zoe'));
    expect(await found({ text: 'econ', kind: 'domain' })).toEqual(ids('adam'));
    expect(await found({ text: 'example.com.x', kind: 'domain' })).toEqual([]);
    expect(await store.search({ text: '@exam', kind: 'domain', limit: 2 })).toMatchObject({ count: 5, countIsExact: true });
  });

  it('name: a case-blind prefix of the name, any script', async () => {
    expect(await found({ text: 'ada', kind: 'name' })).toEqual(ids('ada', 'adam', 'adaboth'));
    expect(await found({ text: 'ADA L', kind: 'name' })).toEqual(ids('ada'));
    expect(await found({ text: '王', kind: 'name' })).toEqual(ids('wang'));
    expect(await found({ text: 'josé', kind: 'name' })).toEqual(ids('jose'));
    expect(await found({ text: 'JOSÉ G', kind: 'name' })).toEqual(ids('jose'));
    expect(await found({ text: 'ZOË å', kind: 'name' })).toEqual(ids('zoe'));
    expect(await found({ text: 'lovelace', kind: 'name' })).toEqual([]);
  });

  it('auto: local@domain, @domain, or a local part or a name (each subscriber once)', async () => {
    expect(await found({ text: 'ali@exam' })).toEqual(ids('alice', 'ALI'));
    expect(await found({ text: 'ali@example.c' })).toEqual(ids('alice'));
    expect(await found({ text: 'a@e' })).toEqual(ids('adam', 'ALI', 'alice', 'adaboth'));
    expect(await found({ text: '@exam' })).toEqual(ids('alice', 'ALI', 'malia', 'adaboth', 'zoe'));
    expect(await found({ text: 'ali@' })).toEqual(ids('alice', 'ALI'));
    // Local part or name: countess@ is found by her name, ada@ and ada.both@ by both, once.
    expect(await found({ text: 'Ada' })).toEqual(ids('ada', 'adam', 'adaname', 'adaboth'));
    expect(await found({ text: 'ada' }, 1)).toEqual(ids('ada', 'adam', 'adaname', 'adaboth'));
    expect(await store.search({ text: 'ada', limit: 10 })).toMatchObject({ count: 4, countIsExact: true });
    expect(await found({ text: '  ' })).toEqual(Object.values(id).sort());
  });

  it('combines the text with list and status filters', async () => {
    expect(await found({ text: 'ada', listId: 'weekly' })).toEqual(ids('ada', 'adam', 'adaname'));
    expect(await found({ text: 'ada', status: 'active' })).toEqual(ids('ada', 'adaname'));
    expect(await found({ text: 'ada', listId: 'weekly', status: 'unsubscribed' })).toEqual(ids('adam'));
    expect(await found({ text: 'a', kind: 'local', listId: 'digest' })).toEqual(ids('ALI', 'alfred', 'adaboth'));
    expect(await found({ text: '', listId: 'digest' })).toEqual(ids('ALI', 'alfred', 'adaboth'));
    expect(await found({ text: '', status: 'complained' })).toEqual(ids('jose'));
    expect(await found({ text: '', listId: 'weekly', status: 'active' })).toEqual(ids('alice', 'ALI', 'malia', 'ada', 'adaname', 'wang'));
    expect(await store.search({ text: 'ada', listId: 'weekly', status: 'unsubscribed', limit: 5 })).toMatchObject({ count: 1, countIsExact: true });
    // Counts from the counters: exact.
    expect(await store.countMatching({ text: '', listId: 'weekly' })).toEqual({ count: 8, countIsExact: true });
    expect(await store.countMatching({ text: '', listId: 'weekly', status: 'active' })).toEqual({ count: 6, countIsExact: true });
    expect(await store.countMatching({ text: '', status: 'unsubscribed' })).toEqual({ count: 2, countIsExact: true });
    expect(await store.countMatching({ text: '', listId: 'weekly', status: 'complained' })).toEqual({ count: 1, countIsExact: true });
    expect(await store.countMatching({ text: '' })).toEqual({ count: PEOPLE.length, countIsExact: true });
  });

  it('pages with a cursor in a stable order, every match once, while subscribers come and go', async () => {
    const whole = (await store.search({ text: 'a', kind: 'local', limit: 100 })).subscribers.map((s) => s.id);
    const first = await store.search({ text: 'a', kind: 'local', limit: 2 });
    expect(first.subscribers.map((s) => s.id)).toEqual(whole.slice(0, 2));
    expect(first.next).not.toBeNull();
    // One before the cursor and one after it arrive; one after it goes.
    const before = (await store.create({ email: 'aaa.early@example.com', lists: ['weekly'], status: 'active' })).subscriber;
    const after = (await store.create({ email: 'alz.late@example.com', lists: ['weekly'], status: 'active' })).subscriber;
    await store.remove(id.alfred!);
    const rest: string[] = [];
    let cursor = first.next;
    while (cursor) {
      const page = await store.search({ text: 'a', kind: 'local', cursor, limit: 2 });
      rest.push(...page.subscribers.map((s) => s.id));
      cursor = page.next;
    }
    expect(rest).not.toContain(before.id);
    expect(rest).toContain(after.id);
    expect(rest).not.toContain(id.alfred);
    expect([...first.subscribers.map((s) => s.id), ...rest].filter((x) => x !== after.id)).toEqual(whole.filter((x) => x !== id.alfred));
    await store.remove(before.id);
    await store.remove(after.id);
    const again = await store.create({ email: 'alfred@batcave.net', name: 'Alfred', lists: ['digest'], status: 'pending' });
    id.alfred = again.subscriber.id;
  });

  it('refuses a bad cursor, limit, kind, status or list', async () => {
    await expect(store.search({ text: 'a', cursor: 'nonsense!', limit: 5 })).rejects.toThrow(/cursor/);
    const page = await store.search({ text: 'a', kind: 'name', limit: 1 });
    expect(page.next).not.toBeNull();
    await expect(store.search({ text: 'a', kind: 'domain', cursor: page.next, limit: 1 })).rejects.toThrow(/cursor/);
    await expect(store.search({ text: 'a', limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.search({ text: 'a', limit: 5000 })).rejects.toThrow(/limit/);
    await expect(store.search({ text: 'a', kind: 'email' as never, limit: 5 })).rejects.toThrow(/kind/);
    await expect(store.search({ text: 'a', status: 'gone' as never, limit: 5 })).rejects.toThrow(/status/);
    await expect(store.search({ text: 'a', listId: 'Bad List', limit: 5 })).rejects.toThrow(/list id/);
  });
});

describe('counts past the cap', () => {
  it('says when a count is a lower bound, and pages of a rare filter still reach every match', async () => {
    const { store } = await storeOf(1);
    const n = 10_500;
    const inputs: NewSubscriber[] = Array.from({ length: n }, (_, i) => ({
      email: `bulk${i}@example.com`,
      name: `Bulk ${i}`,
      lists: ['bulk'],
      status: i % 500 === 7 ? 'bounced' : 'active',
    }));
    for (let i = 0; i < n; i += 2000) await store.createMany(inputs.slice(i, i + 2000));
    expect(await store.countMatching({ text: 'bulk', kind: 'local' })).toEqual({ count: n, countIsExact: true });
    const rare = await store.countMatching({ text: 'bulk', kind: 'local', status: 'bounced' });
    expect(rare.countIsExact).toBe(false);
    expect(rare.count).toBeLessThanOrEqual(21);
    expect(rare.count).toBeGreaterThan(0);
    // A page examines a bounded number of candidates: the rare ones still all come, over pages.
    const pages = await allPages(store, { text: 'bulk', kind: 'local', status: 'bounced', limit: 50 });
    expect(pages.ids).toHaveLength(21);
    expect(pages.pages).toBeGreaterThan(1);
    expect(await store.countMatching({ text: '', listId: 'bulk', status: 'bounced' })).toEqual({ count: 21, countIsExact: true });
    const pending = await store.countMatching({ text: '', listId: 'bulk', status: 'pending' });
    expect(pending).toEqual({ count: 0, countIsExact: false });
  });
});

// The oracle: the search's meaning written out plainly over the records.
function naiveMatches(s: Subscriber, q: Omit<SearchQuery, 'cursor' | 'limit'>): boolean {
  if (q.listId && !s.lists.includes(q.listId)) return false;
  if (q.status && s.status !== q.status) return false;
  const text = q.text.trim();
  if (text === '') return true;
  const address = s.email.toLowerCase();
  const [local, domain] = [address.slice(0, address.indexOf('@')), address.slice(address.indexOf('@') + 1)];
  const name = (s.name ?? '').normalize('NFC').toLowerCase();
  const t = text.toLowerCase();
  switch (q.kind ?? 'auto') {
    case 'local':
      return address.startsWith(t);
    case 'domain':
      return domain.startsWith(t.replace(/^@+/, ''));
    case 'name':
      return s.name !== undefined && name.startsWith(text.normalize('NFC').toLowerCase());
    case 'auto': {
      const at = t.indexOf('@');
      if (at < 0) return local.startsWith(t) || (s.name !== undefined && name.startsWith(text.normalize('NFC').toLowerCase()));
      return local.startsWith(t.slice(0, at)) && domain.startsWith(t.slice(at + 1));
    }
  }
}

describe('search is a filter over the records (property)', () => {
  const localPart = fc
    .string({ unit: fc.constantFrom('a', 'b', 'A', 'B', 'ä', '1', '.'), minLength: 1, maxLength: 4 })
    .filter((l) => !l.startsWith('.') && !l.endsWith('.') && !l.includes('..'));
  const domain = fc.constantFrom('ab.io', 'abc.com', 'b.org', 'AB.net', 'ä.de');
  const person = fc.record({
    local: localPart,
    domain,
    name: fc.constantFrom(undefined, 'Ab', 'ab c', 'Äb', 'B', '王', 'aB', 'a@b'),
    status: fc.constantFrom<SubscriberStatus>(...SUBSCRIBER_STATUSES),
    lists: fc.subarray(['l1', 'l2']),
  });
  const query = fc.record({
    text: fc.constantFrom('', ' ', 'a', 'A', 'ab', 'b', 'B.', '@a', '@ab', 'a@a', 'A@AB.', 'b@', 'ä', 'Ä', '王', 'x', ' a ', '.', 'ab c', 'a@b'),
    kind: fc.constantFrom(undefined, 'auto' as const, 'local' as const, 'domain' as const, 'name' as const),
    listId: fc.constantFrom(null, 'l1', 'l2'),
    status: fc.constantFrom<SubscriberStatus | null>(null, 'active', 'pending', 'bounced'),
    limit: fc.integer({ min: 1, max: 4 }),
  });

  it.each([1, 3])('over %i partition(s): every page joined = the naive filter, and an exact count is its size', async (partitions) => {
    await fc.assert(
      fc.asyncProperty(fc.array(person, { minLength: 1, maxLength: 25 }), fc.array(query, { minLength: 1, maxLength: 6 }), async (people, queries) => {
        const { t, store } = await storeOf(partitions);
        try {
          await store.createMany(
            people.map((p) => ({ email: `${p.local}@${p.domain}`, ...(p.name ? { name: p.name } : {}), lists: p.lists, status: p.status })),
          );
          // Some renames, so that the name index is moved as well as written.
          const records: Subscriber[] = (await store.search({ text: '', limit: 1000 })).subscribers;
          for (const s of records.filter((_, i) => i % 4 === 1)) await store.setStatus(s.id, s.status, { name: s.name ? '' : 'Ab renamed' });
          const current = (await store.search({ text: '', limit: 1000 })).subscribers;
          for (const q of queries) {
            const expected = current
              .filter((s) => naiveMatches(s, q))
              .map((s) => s.id)
              .sort();
            const got = await allPages(store, q);
            expect([...got.ids].sort(), JSON.stringify(q)).toEqual(expected);
            if (got.countIsExact) expect(got.count, `count ${JSON.stringify(q)}`).toBe(expected.length);
            else expect(got.count).toBeLessThanOrEqual(expected.length);
          }
        } finally {
          await t.cleanup();
          cleanups.splice(cleanups.indexOf(t), 1);
        }
      }),
      { numRuns: 25 },
    );
  });
});
