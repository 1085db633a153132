// Edges of partitioned sends found in review: the web archive reads every shard's state, the
// fan-out window is split over the shards, an operator's pause holds a shard that had paused
// itself for SMTP, and a lost partition count is never guessed at when partitioned data exists.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pauseForReason, readSendStates, startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { pauseCampaign } from '../../src/campaign/control.ts';
import { openSends } from '../../src/campaign/sends.ts';
import { RedisArchiveSource } from '../../src/archive/archive-source.ts';
import { partitionCountKey, PartitionCountError, resolvePartitions } from '../../src/redis/partitions.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';
import { waitUntil } from '../helpers/wait.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

describe('sends over three partitions, through the workers', () => {
  let h: CampaignHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('the archive lists an issue whose send is done in every partition, and serves its page', async () => {
    h = await startCampaignHarness({ partitions: 3 });
    await h.seed(60);
    const published = await h.publish();
    await h.startWorker();
    await h.send(published);
    await h.waitForState(published.issueId, ['done']);
    const archive = new RedisArchiveSource(h.redis, h.keys, h.partitions.keys);
    expect((await archive.list()).map((e) => e.issueId)).toContain(published.issueId);
    expect((await archive.get(published.issueId))?.subject).toBe(published.subject);
  }, 60_000);

  it("the fan-out window is the send's, split over its shards: together they hold no more than one window (plus a chunk each)", async () => {
    const window = 30;
    const chunkSize = 10;
    h = await startCampaignHarness({ partitions: 3 });
    await h.seed(300);
    // Nothing settles while the sink holds every transaction: the shards' fan-outs fill their
    // windows and hand themselves back to the delayed set.
    const held = h.sink.hold(() => true);
    await h.startWorker({ fanout: { window, chunkSize, pollMs: 10, handBackAfterMs: 50, handBackDelayMs: 60_000 } }, 6);
    const published = await h.publish();
    await h.send(published);
    const shards = h.sends.shards;
    await waitUntil("every shard's fan-out to wait with its window full", async () => {
      const delayed = await Promise.all(shards.map((s) => s.queues.fanout.getJobCounts('delayed')));
      return delayed.every((c) => c.delayed === 1);
    });
    const totals = await Promise.all(shards.map(async (s) => Number(await h!.redis.hget(s.keys.campaign(published.issueId), 'total'))));
    // Each shard stops once its part (10) is reached, having added at most one chunk past it.
    for (const total of totals) expect(total).toBeGreaterThan(0);
    expect(totals.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(window + shards.length * (chunkSize - 1));
    held.release();
  }, 60_000);
});

describe('with three partitions on one Redis', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await testRedis();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("an operator's pause makes a shard's own SMTP pause the operator's: the recovery loop will not resume it", async () => {
    const parts = await resolvePartitions(t.redis, t.prefix, 3);
    const sends = openSends(t.redis, parts);
    try {
      for (const k of parts.keys)
        await startCampaign(t.redis, k, { campaignId: 'w-9', issueId: 'w-9', mode: 'list', listId: 'weekly', contentHash: 'h', state: 'sending', expected: 0 });
      expect(await pauseForReason(t.redis, parts.keys[1]!, 'w-9', 'SMTP server unreachable', 'smtp-reachable')).toBe(true);
      expect((await readSendStates(t.redis, parts.keys, ['w-9']))[0]).toMatchObject({ state: 'paused', pausedUntil: 'smtp-reachable' });
      const status = await pauseCampaign({ ...sends, settleTimeoutMs: 1_000 }, 'w-9');
      expect(status.state).toBe('paused');
      const [merged] = await readSendStates(t.redis, parts.keys, ['w-9']);
      expect(merged).toMatchObject({ state: 'paused' });
      expect(merged!.pausedUntil).toBeUndefined();
      for (const k of parts.keys) expect(await t.redis.hget(k.campaign('w-9'), 'pausedUntil')).toBeNull();
    } finally {
      await sends.close();
    }
  });

  it('a lost partition count with partitioned subscribers present is refused, unless QUEUE_PARTITIONS names their P', async () => {
    const parts = await resolvePartitions(t.redis, t.prefix, 3);
    await new RedisSubscriberStore(t.redis, parts).createMany(
      Array.from({ length: 30 }, (_, i) => ({ email: `r${i}@example.test`, lists: ['weekly'], status: 'active' as const })),
    );
    await t.redis.del(partitionCountKey(t.prefix));
    await expect(resolvePartitions(t.redis, t.prefix)).rejects.toThrow(PartitionCountError);
    await expect(resolvePartitions(t.redis, t.prefix, 2)).rejects.toThrow(/partitioned subscribers .* no partition count/);
    expect(await t.redis.get(partitionCountKey(t.prefix))).toBeNull();
    expect((await resolvePartitions(t.redis, t.prefix, 3)).count).toBe(3);
    expect(await t.redis.get(partitionCountKey(t.prefix))).toBe('3');
  });
});
