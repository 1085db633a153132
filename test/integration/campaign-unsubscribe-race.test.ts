// No SMTP transaction starts for an address after its unsubscribe answered, in both orders:
// (a) the unsubscribe comes before the worker claims the subscriber: their queued entry is
//     skipped at once and no transaction to them ever begins;
// (b) the worker claimed them first and its transaction is under way: the unsubscribe answers
//     only once that transaction is over (its message withdrawn before the final dot, since
//     the reader left), and none begins after.
// The same holds for pause and cancel: they answer once the transactions under way are over.
// The sink holds transactions at RCPT TO until the test lets them go, so each order is forced.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../src/campaign/control.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { removeSubscriber } from '../../src/use-cases/leave-list.ts';
import { waitUntil } from '../helpers/wait.ts';
import { shardOf } from '../../src/campaign/sends.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 40;

describe.each([1, 3])('unsubscribing while a send runs (%i partition(s))', (partitions) => {
  let h: CampaignHarness;
  // Slots in flight at once: the worker's concurrency is shared out over the partitions (one each with three).
  const SLOTS = partitions === 1 ? 4 : 3;
  const ledgerOf = (subscriberId: string) => shardOf(h.sends.shards, subscriberId).ledger;
  const inFlight = async (campaignId: string) => (await Promise.all(h.sends.shards.map((s) => s.ledger.inFlightCount(campaignId)))).reduce((a, b) => a + b, 0);
  let app: FastifyInstance;

  beforeAll(async () => {
    h = await startCampaignHarness({ partitions });
    app = await h.openApp({ config: { ...h.config, adminToken: 'race-admin-token-0123456789abcdef' } });
    await h.startWorker({}, SLOTS);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** RFC 8058 one-click, as a mail provider sends it; marks the sink's log when it answered. */
  function oneClick(s: Seeded) {
    const token = signListToken(h.config.secrets, s.id, h.listId);
    return app
      .inject({
        method: 'POST',
        url: `/unsubscribe/${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      })
      .then((res) => {
        h.sink.mark(`unsubscribed ${s.email}`);
        return res;
      });
  }

  const eventsOf = (email: string) =>
    h.sink.events.map((e, i) => ({ ...e, i })).filter((e) => ('to' in e && e.to === email) || (e.kind === 'mark' && e.label === `unsubscribed ${email}`));

  it('(b) claimed first: the unsubscribe answers after that transaction is over (withdrawn before its dot), and none begins after it', async () => {
    const readers = await h.seed(N, 'b');
    const x = readers[0]!;
    const hold = h.sink.hold((to) => to === x.email);
    const published = await h.publish('pretrain-weekly-090');
    await h.send(published);
    await hold.waitForHeld(1); // x's transaction is under way, stopped at RCPT TO
    const answered = oneClick(x);
    await waitUntil('x to be unsubscribed in the store', async () => (await h.store.get(x.id))?.status === 'unsubscribed');
    expect(await ledgerOf(x.id).isInFlight(published.issueId, x.id)).toBe(true);
    hold.release();
    expect((await answered).statusCode).toBe(200);
    const status = await h.waitForState(published.issueId, ['done']);
    const seen = eventsOf(x.email).map((e) => (e.kind === 'mark' ? 'answered' : e.kind));
    // x's transaction began (rcpt) before; it delivered nothing; nothing for x after the answer.
    expect(seen).toEqual(['rcpt', 'answered']);
    expect(h.receivedPerAddress(published.issueId).get(x.email)).toBeUndefined();
    expect(status).toMatchObject({ total: N, sent: N - 1, skipped: 1, queued: 0 });
    await expectLedgerMatches(h, published.issueId);
  });

  it('(a) unsubscribed before the claim: skipped at once, and no transaction to them ever begins', async () => {
    const readers = await h.seed(N, 'a');
    const everyone = h.sink.hold((to) => to.startsWith('a-'));
    const published = await h.publish('pretrain-weekly-091');
    await h.send(published);
    await everyone.waitForHeld(SLOTS); // the worker's slots are all held under way
    const [y, z] = [readers[N - 1]!, readers[N - 2]!];
    // Both answer while every transaction is still held: they wait for nothing of theirs.
    expect((await oneClick(y)).statusCode).toBe(200);
    expect(await removeSubscriber({ redis: h.redis, shards: h.sends.shards, store: h.store }, z.id)).toBe(true);
    expect(everyone.held()).toHaveLength(SLOTS);
    expect(await ledgerOf(y.id).state(published.issueId, y.id)).toBe('skipped');
    expect(await ledgerOf(z.id).state(published.issueId, z.id)).toBe('skipped');
    everyone.release();
    const status = await h.waitForState(published.issueId, ['done']);
    expect(eventsOf(y.email).filter((e) => e.kind !== 'mark')).toEqual([]);
    expect(eventsOf(z.email).filter((e) => e.kind !== 'mark')).toEqual([]);
    // The list also holds (b)'s readers, but x, who left there.
    expect(status).toMatchObject({ total: 2 * N - 1, sent: 2 * N - 3, skipped: 2, queued: 0 });
    await expectLedgerMatches(h, published.issueId);
  });

  for (const action of ['pause', 'cancel'] as const) {
    it(`${action} with transactions held under way: answers only after they are over, and none begins after`, async () => {
      const tag = action === 'pause' ? 'p' : 'c';
      await h.seed(N, tag);
      // Every recipient (the list also holds the earlier tests' readers).
      const everyone = h.sink.hold(() => true);
      const published = await h.publish(action === 'pause' ? 'pretrain-weekly-092' : 'pretrain-weekly-093');
      await h.send(published);
      await everyone.waitForHeld(SLOTS);
      let returned = false;
      const control = h.sends;
      const acting = (action === 'pause' ? pauseCampaign(control, published.issueId) : cancelCampaign(control, published.issueId)).then((status) => {
        returned = true;
        h.sink.mark(`${action} returned`);
        return status;
      });
      await waitUntil(`the send to be ${action}d`, async () => (await h.status(published.issueId)).state === (action === 'pause' ? 'paused' : 'cancelled'));
      // Four claims are in flight, so it cannot have answered yet.
      expect(await inFlight(published.issueId)).toBe(SLOTS);
      expect(returned).toBe(false);
      everyone.release();
      const status = await acting;
      await h.waitForDeliverQueueAtRest();
      expect(h.sink.transactionsAfter(`${action} returned`)).toBe(0);
      // The four held transactions were withdrawn before their final dot: nothing was delivered.
      expect(h.receivedPerAddress(published.issueId).size).toBe(0);
      expect(status).toMatchObject({ sent: 0, queued: action === 'pause' ? status.total : 0 });
      if (action === 'cancel') expect(status.skipped).toBe(status.total);
      await expectLedgerMatches(h, published.issueId);
      if (action === 'pause') {
        await resumeCampaign(control, published.issueId);
        expect(await h.waitForState(published.issueId, ['done'])).toMatchObject({ sent: status.total, possibleDuplicates: 0 });
      }
    });
  }

  it('pause says how many claims were still in flight when its wait ran out (a worker that stopped answering)', async () => {
    const published = await h.publish('pretrain-weekly-094');
    const everyone = h.sink.hold(() => true);
    await h.send(published);
    await everyone.waitForHeld(SLOTS);
    // Held for good: the wait (short here) runs out with all four still under way.
    const status = await pauseCampaign({ ...h.sends, settleTimeoutMs: 200 }, published.issueId);
    expect(status).toMatchObject({ state: 'paused', stillInFlight: SLOTS });
    h.sink.mark('pause gave up waiting');
    everyone.release();
    await h.waitForDeliverQueueAtRest();
    await waitUntil('the four to settle', async () => (await inFlight(published.issueId)) === 0);
    // Even so, none of them was delivered: each was checked before its final dot.
    expect(h.receivedPerAddress(published.issueId).size).toBe(0);
    expect(h.sink.transactionsAfter('pause gave up waiting')).toBe(0);
    await cancelCampaign(h.sends, published.issueId);
  });
});
