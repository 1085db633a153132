// The fan-out: one job per send that pages through the list's active subscribers and adds one
// deliver job per subscriber, in chunks, while keeping at most `window` jobs waiting, so a
// 1,000,000-subscriber send never holds a million jobs in Redis. It saves its cursor after each
// chunk: a fan-out killed half-way resumes where it stopped (job ids are deterministic, so a
// chunk added twice is harmless).
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Keys } from '../../redis/keys.ts';
import type { ActivePage, SubscriberStore } from '../../subscribers/types.ts';
import { markFanoutStarted, readCampaign, readRunAndState, transition, unsettledCount } from '../records/campaign-record.ts';
import { deliverJobId, jobCampaignId, TEST_TTL_SECONDS, testSubscriberId } from '../records/ids.ts';
import type { Ledger } from '../records/ledger.ts';
import { addDeliverJobs, type CampaignQueues } from '../queue/queues.ts';
import type { CampaignRecord, FanoutJobData, QueuedJobData } from '../types.ts';

export interface FanoutOptions {
  /** Subscribers per page and per script adding their deliver jobs. Default 1,000. */
  chunkSize: number;
  /**
   * Most unsettled deliver jobs of one send (waiting, delayed or active) before its fan-out waits.
   * Default 10,000; with several partitions each shard's fan-out gets its part (campaign-workers).
   */
  window: number;
  /** How often to look again while the window is full or the send is paused, in ms. Default 250. */
  pollMs: number;
  /**
   * Waiting longer than this (paused, or window full) hands the job back to the delayed set for
   * `handBackDelayMs`, freeing the worker slot for other sends (e.g. `send --test`). Defaults
   * 2,000 and 2,000 ms.
   */
  handBackAfterMs: number;
  handBackDelayMs: number;
}

export const DEFAULT_FANOUT: FanoutOptions = { chunkSize: 1_000, window: 10_000, pollMs: 250, handBackAfterMs: 2_000, handBackDelayMs: 2_000 };

/** Marks the end of the list in the saved cursor, so a restart after the last chunk adds nothing. */
const END = '$end';

export interface FanoutDeps {
  /** True once the worker is shutting down: the fan-out hands itself back to the queue. */
  stopping?: () => boolean;
  redis: Redis;
  keys: Keys;
  store: SubscriberStore;
  /** The partition whose shard of the sends this fan-out serves: it pages that partition's subscribers only. */
  partition: number;
  ledger: Ledger;
  queues: CampaignQueues;
  log: Logger;
}

/** Ledger states that end a subscriber's part in this issue for good. */
const SETTLED = new Set(['sent', 'bounced', 'unknown']);
/** Final states that a new send of the same issue tries again. */
const RETRIED = new Set(['skipped', 'failed']);

export function createFanoutProcessor(deps: FanoutDeps, options: Partial<FanoutOptions> = {}) {
  const opts = { ...DEFAULT_FANOUT, ...options };
  const { redis, keys: k, store, ledger, queues, log } = deps;

  /**
   * The window is per send: its registered subscribers not yet settled (their jobs are waiting,
   * delayed for a retry, or active). Counting the shared queue's delayed jobs instead would let
   * one paused issue's set-aside jobs stall every other issue's fan-out. The queue's waiting
   * count is checked too, so that several sends at once do not flood it.
   */
  async function windowIsFull(campaignId: string): Promise<boolean> {
    if ((await unsettledCount(redis, k, campaignId)) >= opts.window) return true;
    return (await queues.deliver.getWaitingCount()) >= opts.window;
  }

  /** One page of recipients: the list's active subscribers, or a test send's addresses. */
  async function page(campaign: CampaignRecord, cursor: string | null): Promise<ActivePage> {
    if (campaign.mode === 'test') return { ids: campaign.testRecipients.map((_, i) => testSubscriberId(i)), next: null };
    return store.pageActiveIn(deps.partition, campaign.listId, cursor, opts.chunkSize);
  }

  return async function fanout(job: Job<FanoutJobData>, token?: string): Promise<{ added: number }> {
    const campaignId = jobCampaignId(job.data as QueuedJobData<FanoutJobData> | undefined);
    if (!campaignId) throw new UnrecoverableError(`fan-out job ${job.id}: bad data ${JSON.stringify(job.data)}`);
    const run = String(job.data.run);
    const first = await readCampaign(redis, k, campaignId);
    if (!first) throw new UnrecoverableError(`fan-out ${campaignId}: no such campaign (was it deleted?)`);
    if (String(first.run) !== run || first.state === 'cancelled' || first.fanoutDone) return { added: 0 };

    // scheduled → sending (a paused campaign stays paused; the loop below waits for resume)
    await transition(redis, k, campaignId, 'sending', ['scheduled']);
    await markFanoutStarted(redis, k, campaignId);

    let cursor: string | null = first.cursor || null;
    let added = 0;
    if (cursor) log.debug({ campaignId, cursor }, 'fan-out resumes from its saved cursor');
    let waitingSince: number | null = null;
    while (cursor !== END) {
      if (deps.stopping?.()) {
        // Shutting down mid-list: back to the queue; this or another worker resumes from the cursor.
        log.info({ campaignId, added }, 'fan-out handed back to the queue (worker stopping)');
        await job.moveToDelayed(Date.now() + 1_000, token);
        throw new DelayedError();
      }
      const { state, run: currentRun } = await readRunAndState(redis, k, campaignId);
      // Gone, or a newer send of the same issue took over: that one finishes the job.
      if (state === null || currentRun !== run) return { added };
      if (state === 'cancelled') break;
      if (state === 'paused' || (await windowIsFull(campaignId))) {
        waitingSince ??= Date.now();
        if (Date.now() - waitingSince < opts.handBackAfterMs) {
          await sleep(opts.pollMs);
          continue;
        }
        // Only 2 fan-outs run at once per worker: a paused or huge send must not hold a slot
        // while it waits. The saved cursor makes the next run resume here.
        log.debug({ campaignId, added, state }, 'fan-out waits (paused or window full); handed back to the queue');
        await job.moveToDelayed(Date.now() + opts.handBackDelayMs, token);
        throw new DelayedError();
      }
      waitingSince = null;
      const next = await page(first, cursor);
      // A second send of the same issue: those the ledger has as sent/bounced/unknown need no job;
      // those skipped or failed last time are tried again.
      const states = next.ids.length ? await redis.hmget(k.ledger(campaignId), ...next.ids) : [];
      const ids: string[] = [];
      const retry: string[] = [];
      next.ids.forEach((id, i) => {
        const was = states[i] ?? '';
        // --new-subscribers: anyone the ledger has seen, whatever came of it, is left alone.
        if (SETTLED.has(was) || (first.onlyNew && was !== '')) return;
        ids.push(id);
        if (RETRIED.has(was)) retry.push(id);
      });
      if (retry.length) {
        // A job of an earlier send that failed for good may still be held by BullMQ (e.g. kept
        // by older options): adding it again would silently ignore the same id and the entry would stay
        // queued forever. An active or waiting one cannot be removed; it runs and claims itself.
        await Promise.all(retry.map((id) => queues.deliver.remove(deliverJobId(campaignId, id)).catch(() => 0)));
        await ledger.reopen(campaignId, retry);
      }
      if (ids.length) {
        await addDeliverJobs(redis, queues.deliver, campaignId, ids);
      }
      // After the jobs are added: a crash in between re-adds this chunk on resume (harmless), never skips it.
      cursor = next.next ?? END;
      await ledger.register(campaignId, ids, cursor);
      added += ids.length;
      await job.updateProgress({ added });
    }
    const state = await ledger.fanoutDone(campaignId);
    if (first.mode === 'test') await ledger.expire(campaignId, TEST_TTL_SECONDS);
    log.info({ campaignId, added, state }, 'fan-out finished');
    return { added };
  };
}
