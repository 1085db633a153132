// A start cut short: the send's shard was recorded, but its fan-out job never made it to the
// queue (the process was killed in between, Redis went away) or the fan-out used up its
// attempts. The shard would stay "sending" forever and a new `send` was refused. Now sending
// again queues the missing fan-out under the same run and says so; the send then completes
// with every subscriber sent exactly once. With 1 and with 3 partitions (one shard cut). A
// start cut short before every partition had its shard is not "mended" into a send that
// would end without those partitions: sending again names them, and cancel + send completes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCampaign, startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { cancelCampaign } from '../../src/campaign/control.ts';
import { fanoutJobId } from '../../src/campaign/records/ids.ts';
import { SendRunningError } from '../../src/campaign/start-send.ts';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const N = 90;

describe.each([1, 3])('a send whose fan-out was lost, %i partition(s)', (partitions) => {
  let h: CampaignHarness;
  beforeAll(async () => {
    h = await startCampaignHarness({ partitions });
    await h.seed(N);
  });
  afterAll(async () => h?.close());

  it('is mended by sending again, and every subscriber gets one copy', async () => {
    const published = await h.publish();
    await h.send(published);
    // No worker runs yet: every shard's fan-out is waiting. The last shard loses its job.
    const cut = h.sends.shards[h.sends.shards.length - 1]!;
    const run = (await readCampaign(h.redis, cut.keys, published.issueId))!.run;
    expect(await cut.queues.fanout.remove(fanoutJobId(published.issueId, run))).toBe(1);

    await h.startWorker();
    // The other shards finish; the cut one never starts, so the send as a whole stays sending.
    await waitUntil('the intact shards to finish their fan-out', async () => {
      const shards = await Promise.all(h.sends.shards.filter((s) => s !== cut).map((s) => readCampaign(h.redis, s.keys, published.issueId)));
      return shards.every((shard) => shard?.fanoutDone);
    });
    expect((await readCampaign(h.redis, cut.keys, published.issueId))!).toMatchObject({ state: 'sending', fanoutDone: false, total: 0 });

    const again = await h.send(published).then(
      () => null,
      (error: unknown) => error,
    );
    expect(again).toBeInstanceOf(SendRunningError);
    expect((again as Error).message).toMatch(new RegExp(`already sending; .*Its fan-out was missing .* for 1 of ${partitions} partition.*queued again`));

    const status = await h.waitForState(published.issueId, ['done']);
    expect(status).toMatchObject({ total: N, sent: N, failed: 0, skipped: 0, unknown: 0, queued: 0 });
    const received = h.receivedPerAddress(published.issueId);
    expect(received.size).toBe(N);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    await expectLedgerMatches(h, published.issueId);
  });

  it('refuses a second send of a running one as before, queueing nothing more', async () => {
    const published = await h.publish('pretrain-weekly-064-second');
    const held = h.sink.hold(() => true);
    try {
      await h.send(published);
      await held.waitForHeld(1);
      const again = await h.send(published).then(
        () => null,
        (error: unknown) => error,
      );
      expect(again).toBeInstanceOf(SendRunningError);
      expect((again as Error).message).not.toMatch(/fan-out was missing/);
    } finally {
      held.release();
    }
    await h.waitForState(published.issueId, ['done']);
    const received = h.receivedPerAddress(published.issueId);
    expect(received.size).toBe(N);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('a send whose start was cut short before every partition had its shard', () => {
  let h: CampaignHarness;
  beforeAll(async () => {
    h = await startCampaignHarness({ partitions: 3 });
    await h.seed(N);
  });
  afterAll(async () => h?.close());

  it('is named, not half-mended, and cancel then send reaches everyone once', async () => {
    const published = await h.publish();
    // What startListSend had written when it died: the first partition's shard only.
    const first = h.sends.shards[0]!;
    await startCampaign(h.redis, first.keys, {
      campaignId: published.issueId,
      issueId: published.issueId,
      mode: 'list',
      listId: published.listId,
      contentHash: published.contentHash,
      state: 'sending',
      expected: N,
    });

    const again = await h.send(published).then(
      () => null,
      (error: unknown) => error,
    );
    expect(again).toBeInstanceOf(SendRunningError);
    expect((again as Error).message).toMatch(
      /cut short before partitions 1, 2 of 3 partitions had this send: cancel it \(newsletter cancel pretrain-weekly-064\), then send again/,
    );
    // Nothing was queued: a fan-out of the first shard alone would end the send as done without the others.
    expect(await first.queues.fanout.getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 0, delayed: 0, active: 0 });

    await cancelCampaign(h.sends, published.issueId);
    await h.send(published);
    await h.startWorker();
    const status = await h.waitForState(published.issueId, ['done']);
    expect(status).toMatchObject({ total: N, sent: N, failed: 0, unknown: 0, queued: 0 });
    const received = h.receivedPerAddress(published.issueId);
    expect(received.size).toBe(N);
    expect([...received.values()].every((n) => n === 1)).toBe(true);
  });
});
