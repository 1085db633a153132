// Issue 4 acceptance (d) and (e): a subscriber who unsubscribes mid-send gets nothing after
// that; pause stops new messages (only those already in flight land), resume completes the
// send with no duplicates, cancel ends it with the rest skipped; the numbers add up. All of it
// with one partition and with three (src/redis/partitions.ts: each control acts on every shard).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign, type ControlDeps } from '../../src/campaign/control.ts';
import { startTestSend } from '../../src/campaign/start-send.ts';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const ADMIN = 'campaign-admin-token-0123456789';
const CONCURRENCY = 8;

describe.each([1, 3])('controlling a send (%i partition(s))', (partitions) => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  let control: ControlDeps;
  let app: FastifyInstance;

  beforeAll(async () => {
    // A global rate limit keeps the send slow enough to act on it half-way.
    h = await startCampaignHarness({ rateLimitPerSecond: 250, partitions });
    subscribers = await h.seed(900);
    control = h.sends;
    app = await h.openApp({ config: { ...h.config, adminToken: ADMIN } });
    // Paused jobs are looked at again only every 20 s: resume must bring them back itself.
    await h.startWorker({ deliver: { pauseRecheckMs: 20_000 } }, CONCURRENCY);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a subscriber who unsubscribes mid-send gets nothing after that', async () => {
    const published = await h.publish('pretrain-weekly-070');
    await h.send(published);
    // The last 300 in paging order leave. The sink holds every transaction while they do, so the
    // send cannot reach them first however slowly the removals run on a busy machine (a CI run
    // once saw reader-885 mailed because the send overtook the loop).
    const leaving = subscribers.slice(-300);
    await waitUntil('the first messages', () => h.receivedPerAddress(published.issueId).size >= 100);
    const held = h.sink.hold(() => true);
    try {
      await held.waitForHeld();
      for (const s of leaving) await h.store.removeFromList(s.id, h.listId);
      held.release();
      const status = await h.waitForState(published.issueId, ['done'], 60_000);
      const received = h.receivedPerAddress(published.issueId);
      for (const s of leaving) expect(received.get(s.email) ?? 0, s.email).toBe(0);
      for (const s of subscribers.slice(0, -300)) expect(received.get(s.email) ?? 0, s.email).toBe(1);
      expect(status).toMatchObject({ total: 900, sent: 600, skipped: 300, queued: 0 });
      await expectLedgerMatches(h, published.issueId);
    } finally {
      held.release();
      // Back on the list for the next tests, even when this one failed: an operator's re-add with
      // their consent (nothing else revives an unsubscribed record).
      for (const s of leaving) await h.store.grant(s.id, h.listId, { at: new Date().toISOString(), textVersion: 'test-rejoin', source: 'api' });
    }
  });

  it('pause returns once the transactions under way are over: none starts after it; resume completes with no duplicates', async () => {
    const published = await h.publish('pretrain-weekly-071');
    await h.send(published);
    const count = () => h.receivedPerAddress(published.issueId).size;
    await waitUntil('the first messages', () => count() >= 150);
    const paused = await pauseCampaign(control, published.issueId);
    h.sink.mark('paused');
    const atPause = count();
    expect(paused.state).toBe('paused');
    // Every job still there is parked (delayed) and none runs: nothing can start any more.
    await h.waitForDeliverQueueAtRest();
    expect(h.sink.transactionsAfter('paused')).toBe(0);
    expect(count()).toBe(atPause);
    const mid = await h.status(published.issueId);
    expect(mid).toMatchObject({ state: 'paused', sent: atPause, queued: 900 - atPause });
    for (const shard of h.sends.shards) expect(await shard.ledger.inFlightCount(published.issueId)).toBe(0);
    await expectLedgerMatches(h, published.issueId);

    expect((await resumeCampaign(control, published.issueId)).state).toBe('sending');
    const status = await h.waitForState(published.issueId, ['done']);
    const received = h.receivedPerAddress(published.issueId);
    for (const s of subscribers) expect(received.get(s.email) ?? 0, s.email).toBe(1);
    expect(status).toMatchObject({ total: 900, sent: 900, queued: 0, possibleDuplicates: 0 });
  });

  it('paused sends do not hold the fan-out slots: a test send still goes out, and resume completes', async () => {
    const a = await h.publish('pretrain-weekly-073');
    const b = await h.publish('pretrain-weekly-074');
    await h.send(a);
    await h.send(b);
    await pauseCampaign(control, a.issueId);
    await pauseCampaign(control, b.issueId);
    // Both fan-outs (2 slots per worker) meet a paused send; they must hand their slots back.
    const test = await startTestSend({ ...h.sends, store: h.store }, a, ['proof@example.test']);
    await h.waitForState(test.campaignId, ['done'], 20_000);
    expect(h.receivedPerAddress().get('proof@example.test')).toBe(1);
    expect((await h.status(a.issueId)).state).toBe('paused');
    await resumeCampaign(control, a.issueId);
    await h.waitForState(a.issueId, ['done'], 60_000);
    const received = h.receivedPerAddress(a.issueId);
    for (const s of subscribers) expect(received.get(s.email) ?? 0, s.email).toBe(1);
    await expectLedgerMatches(h, a.issueId);
    await cancelCampaign(control, b.issueId);
  });

  it('cancel through the admin API: nothing more is sent, the rest is skipped', async () => {
    const published = await h.publish('pretrain-weekly-072');
    await h.send(published);
    const count = () => h.receivedPerAddress(published.issueId).size;
    await waitUntil('the first messages', () => count() >= 100);
    const auth = { authorization: `Bearer ${ADMIN}` };
    const res = await app.inject({ method: 'POST', url: `/api/campaigns/${published.issueId}/cancel`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().state).toBe('cancelled');
    h.sink.mark('cancelled');
    const settled = count();
    // Cancel answered after the transactions under way were over: nothing is queued, nothing starts.
    expect((await h.status(published.issueId)).queued).toBe(0);
    await h.waitForDeliverQueueAtRest();
    expect(h.sink.transactionsAfter('cancelled')).toBe(0);
    expect(count()).toBe(settled);
    const status = await h.status(published.issueId);
    expect(status.state).toBe('cancelled');
    expect(status.skipped).toBeGreaterThan(0);
    expect(status.sent).toBe(settled);
    expect(status.sent + status.skipped).toBe(status.total);
    await expectLedgerMatches(h, published.issueId);
    // The admin API refuses what the state does not allow, and knows unknown ids.
    expect((await app.inject({ method: 'POST', url: `/api/campaigns/${published.issueId}/resume`, headers: auth })).statusCode).toBe(409);
    expect((await app.inject({ method: 'GET', url: '/api/campaigns/no-such-issue', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/campaigns/${published.issueId}` })).statusCode).toBe(401);
    const get = await app.inject({ method: 'GET', url: `/api/campaigns/${published.issueId}`, headers: auth });
    expect(get.json()).toMatchObject({ state: 'cancelled', sent: status.sent, skipped: status.skipped, total: status.total });
  });
});
