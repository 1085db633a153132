// A subscribe-form request does the same work, in the same Redis commands (round trips), whatever the address
// (new, pending, active, suppressed): nothing in the answer's timing says whether it was known
// (issue #11). What each case does to the record is checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { keys as makeKeys, type Keys } from '../../src/redis/keys.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import type { ConsentRecord } from '../../src/subscribers/types.ts';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let k: Keys;
let store: RedisSubscriberStore;
const consent = (ip: string): ConsentRecord => ({ at: new Date().toISOString(), textVersion: 'form-v1', source: 'form', ip });
const request = (email: string, extra: { name?: string; listId?: string; ip?: string } = {}) =>
  store.requestSubscription({
    email,
    locale: 'en',
    listId: extra.listId ?? 'weekly',
    consent: consent(extra.ip ?? '192.0.2.1'),
    ...(extra.name ? { name: extra.name } : {}),
  });

beforeAll(async () => {
  t = await testRedis();
  k = makeKeys(t.prefix);
  store = new RedisSubscriberStore(t.redis, k);
});
afterAll(async () => t?.cleanup());

describe('requestSubscription', () => {
  it('creates a new address as pending, without lists, with the consent and name', async () => {
    const { id, outcome } = await request('New.Person@Example.org', { name: 'Nina' });
    expect(outcome).toBe('created');
    expect(await store.get(id)).toMatchObject({
      email: 'New.Person@example.org',
      status: 'pending',
      lists: [],
      name: 'Nina',
      locale: 'en',
      consent: { ip: '192.0.2.1', source: 'form' },
    });
    expect((await store.countByStatus(null)).pending).toBe(1);
  });

  it('a pending or unsubscribed address gets the request appended to its consent history, the consent on record unchanged; a name only if it had none', async () => {
    const { id } = await request('again@example.org', { name: 'First' });
    const second = await request('again@EXAMPLE.org', { name: 'Second', ip: '198.51.100.7' });
    expect(second).toEqual({ id, outcome: 'updated' });
    // Anyone can type an address into the form: the second request proves nothing and overwrites nothing.
    expect(await store.get(id)).toMatchObject({ status: 'pending', name: 'First', consent: { ip: '192.0.2.1' } });
    expect((await store.consentHistory(id)).map((e) => [e.type, e.ip, e.listId])).toEqual([
      ['requested', '192.0.2.1', 'weekly'],
      ['requested', '198.51.100.7', 'weekly'],
    ]);

    const { id: quiet } = await request('nameless@example.org');
    await store.setStatus(quiet, 'unsubscribed');
    expect(await request('nameless@example.org', { name: 'Late', ip: '203.0.113.5' })).toEqual({ id: quiet, outcome: 'updated' });
    expect(await store.get(quiet)).toMatchObject({ status: 'unsubscribed', name: 'Late', consent: { ip: '192.0.2.1' }, requested: ['weekly'] });
    expect((await store.consentHistory(quiet)).map((e) => [e.type, e.source, e.ip ?? null])).toEqual([
      ['requested', 'form', '192.0.2.1'],
      ['withdrawn', 'operator', null],
      ['requested', 'form', '203.0.113.5'],
    ]);
  });

  it('leaves an address active in the list alone; records a request from a bounced or complained one without bringing it back', async () => {
    const { subscriber } = await store.create({ email: 'reader@example.org', lists: ['weekly'], status: 'active', name: 'Reader' });
    expect(await request('reader@example.org', { name: 'Impostor' })).toEqual({ id: subscriber.id, outcome: 'already-active' });
    expect(await request('reader@example.org', { listId: 'monthly' })).toEqual({ id: subscriber.id, outcome: 'active-elsewhere' });
    const unchanged = await store.get(subscriber.id);
    expect(unchanged).toMatchObject({ name: 'Reader', lists: ['weekly'], requested: ['monthly'] });
    expect(unchanged?.consent).toBeUndefined();
    for (const status of ['bounced', 'complained'] as const) {
      const { subscriber: gone } = await store.create({ email: `${status}@example.org`, lists: ['weekly'], status });
      expect(await request(`${status}@example.org`)).toEqual({ id: gone.id, outcome: 'reconfirm' });
      expect(await store.get(gone.id)).toMatchObject({ status, lists: ['weekly'] });
      expect(await store.isActiveIn(gone.id, 'weekly')).toBe(false);
      expect((await store.consentHistory(gone.id)).map((e) => e.type)).toEqual(['requested']);
    }
    // Erased on request: nothing recorded, an id that names nobody.
    await store.markForgotten('erased@example.org');
    const erased = await request('erased@example.org');
    expect(erased.outcome).toBe('suppressed');
    expect(await store.get(erased.id)).toBeNull();
  });

  it('sends Redis the same commands for a new, a known and a suppressed address', async () => {
    await store.create({ email: 'known@example.org', lists: ['weekly'], status: 'active' });
    await store.create({ email: 'blocked@example.org', lists: ['weekly'], status: 'complained' });
    // Every command this client writes to the socket (a real client: Redis runs each one).
    // Those a script runs inside Redis cost microseconds and no round trip: the commands sent
    // over the wire are what must not differ.
    const client = new Redis(TEST_REDIS_URL);
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string }, stream?: unknown) => {
      sent.push(command.name.toLowerCase());
      return send(command as never, stream as never);
    }) as typeof client.sendCommand;
    const counted = new RedisSubscriberStore(client, k);
    await counted.requestSubscription({ email: 'warm-up@example.org', locale: 'en', listId: 'weekly', consent: consent('192.0.2.9') }); // loads the script
    const commandsOf = async (email: string) => {
      sent.length = 0;
      await counted.requestSubscription({ email, locale: 'en', listId: 'weekly', consent: consent('192.0.2.9') });
      return [...sent];
    };
    const fresh = await commandsOf('fresh@example.org');
    const known = await commandsOf('known@example.org');
    const blocked = await commandsOf('blocked@example.org');
    client.disconnect();
    expect(fresh).toEqual(['hmget', 'incr', 'evalsha']);
    expect(known).toEqual(fresh);
    expect(blocked).toEqual(fresh);
  });
});
