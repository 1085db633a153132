// The ledger's transitions and publish's immutability, on real Redis: each final state is
// written and counted once; a dead attempt whose data went out is "in doubt" (counted) when a
// later attempt meets it, one that sent no data is not; a released marker is not either;
// paused/cancelled/inactive are honoured; the numbers add up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { inDoubtKey, Ledger } from '../../src/campaign/records/ledger.ts';
import { contentHash, publishIssue } from '../../src/campaign/records/publish.ts';
import { getStatus } from '../../src/campaign/status.ts';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { UserError } from '../../src/errors.ts';
import { keys as keysFor, type Keys } from '../../src/redis/keys.ts';
import type { RenderedIssue } from '../../src/render/types.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

describe('ledger', () => {
  let t: TestRedis;
  let k: Keys;
  let ledger: Ledger;

  beforeAll(async () => {
    t = await testRedis();
    k = keysFor(t.prefix);
    ledger = new Ledger(t.redis, k);
  });
  afterAll(async () => t?.cleanup());

  async function campaign(id: string, expected = 0) {
    await startCampaign(t.redis, k, { campaignId: id, issueId: id, mode: 'list', listId: 'l', contentHash: 'h1', state: 'sending', expected });
  }

  it('a list member claim reads the subscriber itself: only active members of the list get an address', async () => {
    await campaign('cm');
    const store = new RedisSubscriberStore(t.redis, k);
    const consent = { at: new Date().toISOString(), textVersion: 't', source: 'import' as const };
    const make = async (email: string, status: 'active' | 'unsubscribed', lists: string[], name?: string) =>
      (await store.create({ email, status, lists, consent, ...(name ? { name } : {}) })).subscriber.id;
    const member = await make('member@example.org', 'active', ['other', 'l'], '张三');
    const plain = await make('plain@example.org', 'active', ['l']);
    const left = await make('left@example.org', 'unsubscribed', ['l']);
    const elsewhere = await make('elsewhere@example.org', 'active', ['l2']);
    expect(await ledger.claim('cm', member, 'a1', { listId: 'l' })).toEqual({
      outcome: 'claimed',
      contentHash: 'h1',
      member: { email: 'member@example.org', name: '张三' },
    });
    expect(await ledger.claim('cm', plain, 'a1', { listId: 'l' })).toEqual({ outcome: 'claimed', contentHash: 'h1', member: { email: 'plain@example.org' } });
    expect(await ledger.claim('cm', left, 'a1', { listId: 'l' })).toEqual({ outcome: 'skipped', contentHash: 'h1' });
    // 'l' is a prefix of 'l2': membership is by whole list id.
    expect(await ledger.claim('cm', elsewhere, 'a1', { listId: 'l' })).toEqual({ outcome: 'skipped', contentHash: 'h1' });
    expect(await ledger.claim('cm', '999999', 'a1', { listId: 'l' })).toEqual({ outcome: 'skipped', contentHash: 'h1' });
    // Unsubscribing between a dead attempt (its data out) and its retry: not sent again, counted unknown.
    expect(await ledger.dataSent('cm', member, 'a1')).toBe(true);
    await store.setStatus(member, 'unsubscribed');
    expect((await ledger.claim('cm', member, 'a2', { listId: 'l' })).outcome).toBe('unknown');
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'cm')).toMatchObject({ total: 5, skipped: 3, unknown: 1, possibleDuplicates: 0 });
  });

  it('claims, finishes once, and counts a dead attempt whose data went out as in doubt', async () => {
    await campaign('c1');
    expect(await ledger.claim('c1', '1', 'a1', true)).toEqual({ outcome: 'claimed', contentHash: 'h1' });
    // Only the claiming attempt marks its data as sent.
    expect(await ledger.dataSent('c1', '1', 'someone-else')).toBe(false);
    expect(await ledger.dataSent('c1', '1', 'a1')).toBe(true);
    expect(await ledger.state('c1', '1')).toBe('d:a1');
    // A second attempt finds the first one's marker: it died after the data, before recording.
    expect((await ledger.claim('c1', '1', 'a2', true)).outcome).toBe('in-doubt');
    expect(await ledger.inDoubt('c1')).toEqual(['1']);
    expect(await ledger.finish('c1', '1', 'sent')).toBe('sent');
    expect(await ledger.finish('c1', '1', 'bounced')).toBe('sent'); // no second final state
    expect((await ledger.claim('c1', '1', 'a3', true)).outcome).toBe('sent');
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c1')).toMatchObject({ total: 1, sent: 1, bounced: 0, possibleDuplicates: 1, queued: 0 });
  });

  it('a dead attempt that sent no data is taken over silently: the server cannot have the message', async () => {
    await campaign('c8');
    expect((await ledger.claim('c8', '1', 'a1', true)).outcome).toBe('claimed');
    // a1's worker died between the claim and the final dot (no dataSent): a2 just sends.
    expect((await ledger.claim('c8', '1', 'a2', true)).outcome).toBe('claimed');
    expect(await ledger.state('c8', '1')).toBe('f:a2');
    expect(await ledger.inDoubt('c8')).toEqual([]);
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c8')).toMatchObject({ total: 1, possibleDuplicates: 0 });
    // While paused, such a dead claim goes back to the queue.
    await t.redis.hset(k.campaign('c8'), 'state', 'paused');
    expect((await ledger.claim('c8', '1', 'a3', true)).outcome).toBe('paused');
    expect(await ledger.state('c8', '1')).toBe('queued');
  });

  it('counts the claims in flight: up on a claim, down when it settles, is released or is parked by a pause', async () => {
    await campaign('c9');
    await ledger.register('c9', ['1', '2', '3', '4'], '$end');
    const inflight = () => ledger.inFlightCount('c9');
    await ledger.claim('c9', '1', 'a1', true);
    await ledger.claim('c9', '2', 'a1', true);
    await ledger.claim('c9', '3', 'a1', true);
    expect(await inflight()).toBe(3);
    await ledger.claim('c9', '1', 'a1', true); // a replay
    expect(await inflight()).toBe(3);
    await ledger.finish('c9', '1', 'sent');
    expect(await inflight()).toBe(2);
    await ledger.release('c9', '2', 'a1');
    expect(await inflight()).toBe(1);
    await ledger.dataSent('c9', '3', 'a1');
    expect((await ledger.claim('c9', '3', 'a2', true)).outcome).toBe('in-doubt'); // a1 died after its data: a2 takes the same slot
    expect(await inflight()).toBe(1);
    await ledger.release('c9', '3', 'a2');
    await ledger.claim('c9', '4', 'a1', true);
    await ledger.dataSent('c9', '4', 'a1');
    // a1 dies; the send is paused; the retry parks the in-doubt entry and nothing is in flight.
    await t.redis.hset(k.campaign('c9'), 'state', 'paused');
    expect((await ledger.claim('c9', '4', 'a2', true)).outcome).toBe('paused');
    expect(await ledger.state('c9', '4')).toBe('p:a1');
    expect(await inflight()).toBe(0);
    // Resumed: the parked entry is still in doubt.
    await t.redis.hset(k.campaign('c9'), 'state', 'sending');
    expect((await ledger.claim('c9', '4', 'a3', true)).outcome).toBe('in-doubt');
    expect(await inflight()).toBe(1);
    await ledger.finish('c9', '4', 'sent');
    expect(await inflight()).toBe(0);
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c9')).toMatchObject({ total: 4, sent: 2, possibleDuplicates: 2, queued: 2 });
  });

  it('withdraw: a queued entry is skipped at once, a claim under way is reported, a final one stays', async () => {
    await campaign('c10');
    await ledger.register('c10', ['1', '2', '3'], '$end');
    await ledger.fanoutDone('c10');
    expect(await ledger.withdraw('c10', '1')).toBe('skipped');
    await ledger.claim('c10', '2', 'a1', true);
    expect(await ledger.withdraw('c10', '2')).toBe('in-flight');
    expect(await ledger.isInFlight('c10', '2')).toBe(true);
    await ledger.finish('c10', '2', 'sent');
    expect(await ledger.withdraw('c10', '2')).toBe('sent');
    expect(await ledger.withdraw('c10', '9')).toBe('none');
    // The job of the skipped subscriber finds the final state and sends nothing.
    expect((await ledger.claim('c10', '1', 'a2', true)).outcome).toBe('skipped');
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c10')).toMatchObject({ total: 3, sent: 1, skipped: 1, queued: 1 });
  });

  it('dataSent: only for our own claim of a send still sending, to a member still in the list; a replay is fine', async () => {
    await campaign('c11');
    const store = new RedisSubscriberStore(t.redis, k);
    const id = (await store.create({ email: 'ds@example.org', status: 'active', lists: ['l'] })).subscriber.id;
    await ledger.claim('c11', id, 'a1', { listId: 'l' });
    expect(await ledger.dataSent('c11', id, 'a2', { listId: 'l' })).toBe(false); // not ours
    await t.redis.hset(k.campaign('c11'), 'state', 'paused');
    expect(await ledger.dataSent('c11', id, 'a1', { listId: 'l' })).toBe(false); // paused since the claim
    await t.redis.hset(k.campaign('c11'), 'state', 'sending');
    await store.setStatus(id, 'unsubscribed');
    expect(await ledger.dataSent('c11', id, 'a1', { listId: 'l' })).toBe(false); // left since the claim
    await store.grant(id, 'l', { at: new Date().toISOString(), textVersion: 'test-rejoin', source: 'api' }); // back, with consent
    expect(await ledger.dataSent('c11', id, 'a1', { listId: 'l' })).toBe(true);
    expect(await ledger.dataSent('c11', id, 'a1', { listId: 'l' })).toBe(true); // a replayed command
    expect(await ledger.state('c11', id)).toBe('d:a1');
  });

  it('a subscriber in doubt ends unknown, not failed or skipped, and is counted once however often it comes back', async () => {
    await campaign('c12');
    await ledger.register('c12', ['1', '2'], '$end');
    for (const id of ['1', '2']) {
      await ledger.claim('c12', id, 'a1', true);
      await ledger.dataSent('c12', id, 'a1');
      expect((await ledger.claim('c12', id, 'a2', true)).outcome).toBe('in-doubt');
      await ledger.dataSent('c12', id, 'a2');
      expect((await ledger.claim('c12', id, 'a3', true)).outcome).toBe('in-doubt'); // back again
    }
    expect((await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c12')).possibleDuplicates).toBe(2);
    expect(await ledger.finish('c12', '1', 'failed')).toBe('unknown');
    await t.redis.hset(k.campaign('c12'), 'state', 'cancelled');
    expect(await ledger.release('c12', '2', 'a3')).toBe(true);
    expect(await ledger.state('c12', '2')).toBe('unknown');
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c12')).toMatchObject({
      total: 2,
      unknown: 2,
      failed: 0,
      skipped: 0,
      possibleDuplicates: 2,
    });
  });

  it('a released marker (transient failure) is not in doubt on retry', async () => {
    await campaign('c2');
    await ledger.claim('c2', '5', 'a1', true);
    expect(await ledger.release('c2', '5', 'someone-else')).toBe(false);
    expect(await ledger.release('c2', '5', 'a1')).toBe(true);
    expect((await ledger.claim('c2', '5', 'a2', true)).outcome).toBe('claimed');
    expect((await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c2')).possibleDuplicates).toBe(0);
  });

  it('a replayed claim (same attempt id) is not a false duplicate', async () => {
    await campaign('c5');
    expect((await ledger.claim('c5', '1', 'a1', true)).outcome).toBe('claimed');
    // ioredis re-sends the script after a reconnect: it finds its own marker.
    expect((await ledger.claim('c5', '1', 'a1', true)).outcome).toBe('claimed');
    expect(await ledger.inDoubt('c5')).toEqual([]);
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c5')).toMatchObject({ total: 1, possibleDuplicates: 0 });
    // Replayed while paused: back to queued, so the next attempt is not taken as in doubt.
    await t.redis.hset(k.campaign('c5'), 'state', 'paused');
    expect((await ledger.claim('c5', '1', 'a1', true)).outcome).toBe('paused');
    expect(await ledger.state('c5', '1')).toBe('queued');
    await t.redis.hset(k.campaign('c5'), 'state', 'sending');
    expect((await ledger.claim('c5', '1', 'a2', true)).outcome).toBe('claimed');
    expect((await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c5')).possibleDuplicates).toBe(0);
  });

  it('a release after cancel settles as skipped, not queued', async () => {
    await campaign('c6');
    await ledger.register('c6', ['1', '2'], '$end');
    await ledger.claim('c6', '1', 'a1', true); // in flight when the send is cancelled…
    await t.redis.hset(k.campaign('c6'), 'state', 'cancelled', 'fanoutDone', '1');
    expect(await ledger.moveAll('c6', 'queued', 'skipped')).toBe(1);
    expect(await ledger.release('c6', '1', 'a1')).toBe(true); // …and got a 4xx
    expect(await ledger.state('c6', '1')).toBe('skipped');
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c6')).toMatchObject({ state: 'cancelled', total: 2, skipped: 2, queued: 0 });
    // Its retry finds a final state and sends nothing.
    expect((await ledger.claim('c6', '1', 'a2', true)).outcome).toBe('skipped');
  });

  it("a test send's in-doubt set expires with its campaign", async () => {
    await campaign('c7');
    await t.redis.expire(k.campaign('c7'), 3600);
    await ledger.claim('c7', '1', 'a1', true);
    await ledger.dataSent('c7', '1', 'a1');
    expect((await ledger.claim('c7', '1', 'a2', true)).outcome).toBe('in-doubt');
    const ttl = await t.redis.ttl(inDoubtKey(k, 'c7'));
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3600);
    // A list send's set does not expire.
    expect(await t.redis.ttl(inDoubtKey(k, 'c1'))).toBe(-1);
  });

  it('honours paused, cancelled and unsubscribed', async () => {
    await campaign('c3');
    await t.redis.hset(k.campaign('c3'), 'state', 'paused');
    expect((await ledger.claim('c3', '1', 'a1', true)).outcome).toBe('paused');
    expect(await ledger.state('c3', '1')).toBeNull();
    await t.redis.hset(k.campaign('c3'), 'state', 'sending');
    expect((await ledger.claim('c3', '2', 'a1', false)).outcome).toBe('skipped');
    await ledger.claim('c3', '3', 'a1', true); // its data out when the send is cancelled…
    await ledger.dataSent('c3', '3', 'a1');
    await t.redis.hset(k.campaign('c3'), 'state', 'cancelled');
    expect((await ledger.claim('c3', '1', 'a2', true)).outcome).toBe('skipped');
    expect((await ledger.claim('c3', '3', 'a2', true)).outcome).toBe('unknown'); // …and its worker died
    const status = await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c3');
    expect(status).toMatchObject({ total: 3, skipped: 2, unknown: 1, queued: 0 });
  });

  it('registers fan-out chunks once, and is done when the fan-out finished and nothing is queued', async () => {
    await campaign('c4', 4);
    expect(await ledger.register('c4', ['1', '2', '3'], '3')).toBe(3);
    expect(await ledger.register('c4', ['2', '3', '4'], '$end')).toBe(1);
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c4')).toMatchObject({ state: 'sending', total: 4, queued: 4 });
    for (const id of ['1', '2', '3']) await ledger.finish('c4', id, 'sent');
    expect(await ledger.fanoutDone('c4')).toBe('sending');
    await ledger.finish('c4', '4', 'failed');
    const status = await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c4');
    expect(status).toMatchObject({ state: 'done', total: 4, sent: 3, failed: 1, queued: 0 });
    expect(status.finishedAt).toBeTruthy();
    // A new send of the issue tries failed/skipped again without changing total.
    expect(await ledger.reopen('c4', ['4', '1'])).toBe(1);
    expect(await getStatus({ redis: t.redis, shards: [{ keys: k }] }, 'c4')).toMatchObject({ total: 4, failed: 0, sent: 3, queued: 1 });
  });
});

describe('publish', () => {
  let t: TestRedis;
  let k: Keys;
  beforeAll(async () => {
    t = await testRedis();
    k = keysFor(t.prefix);
  });
  afterAll(async () => t?.cleanup());

  function issue(subject: string, html: string): PublishedIssue {
    const rendered = {
      issueId: 'p-1',
      newsletterId: 'n',
      subject,
      html,
      text: 'text',
      tokens: [],
      splice: { html: { parts: [html], tokens: [] }, text: { parts: ['text'], tokens: [] } },
    } as unknown as RenderedIssue;
    return {
      issueId: 'p-1',
      newsletterId: 'n',
      newsletterName: 'N',
      listId: 'n',
      locale: 'en',
      number: 1,
      date: '2025-01-01',
      subject,
      contentHash: contentHash(subject, html, 'text'),
      publishedAt: new Date().toISOString(),
      rendered,
    };
  }

  it('stores once, keeps identical content, refuses a change naming it unless forced', async () => {
    expect((await publishIssue(t.redis, k, issue('Hello', '<p>a</p>'))).outcome).toBe('published');
    expect(await t.redis.zscore(k.archiveIndex(), 'p-1')).not.toBeNull();
    expect((await publishIssue(t.redis, k, issue('Hello', '<p>a</p>'))).outcome).toBe('unchanged');
    const refused = publishIssue(t.redis, k, issue('Hello!', '<p>b</p>'));
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(/changed: subject \("Hello" → "Hello!"\), html .*--force/);
    const forced = await publishIssue(t.redis, k, issue('Hello!', '<p>b</p>'), { force: true });
    expect(forced.outcome).toBe('replaced');
    expect(JSON.parse((await t.redis.get(k.rendered('p-1')))!).subject).toBe('Hello!');
  });
});
