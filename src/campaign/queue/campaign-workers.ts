// The BullMQ workers of a deliver process: per partition (src/redis/partitions.ts), a deliver
// worker (many jobs in parallel, global rate limit) and a fan-out worker, plus one SMTP
// recovery loop. Used by src/worker/run-worker.ts (every deliver worker, `newsletter dev`'s too).
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MessageBuffers } from '../../mail/message-buffers.ts';
import type { Mailer } from '../../mail/types.ts';
import { QUEUES } from '../../redis/keys.ts';
import type { Partitions } from '../../redis/partitions.ts';
import type { SubscriberStore } from '../../subscribers/types.ts';
import { backoffStrategy, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { createDeliverProcessor, settleAbandonedJob, type DeliverOptions, type DeliverResult } from '../processors/deliver-processor.ts';
import { createFanoutProcessor, DEFAULT_FANOUT, type FanoutOptions } from '../processors/fan-out.ts';
import { IssueCache, type PrepareMime } from '../processors/issue-cache.ts';
import { pauseForReason } from '../records/campaign-record.ts';
import { openSends, type Sends } from '../sends.ts';
import { startSmtpRecovery } from '../processors/smtp-recovery.ts';
import type { DeliverJobData, FanoutJobData, PausedUntil } from '../types.ts';
import { isConnectionError } from '../../redis/connection.ts';

export interface CampaignWorkerDeps {
  /** A client made with `createRedis(url, { forQueues: true })`: commands wait out a Redis restart. */
  connection: Redis;
  /**
   * The client for our own per-message commands (ledger, issue cache, fan-out registry), made
   * the same way plus `autoPipelining`: the claims and finishes of the jobs in flight share
   * writes. Defaults to `connection`.
   */
  data?: Redis;
  /** The deployment's partitions: each has its own queues (BullMQ prefix = its hash tag). */
  partitions: Partitions;
  store: SubscriberStore;
  mailer: Mailer;
  prepare: PrepareMime;
  signToken: (subscriberId: string, listId: string) => string;
  log: Logger;
  /** See DeliverDeps.onSmtpReply. */
  onSmtpReply?: (outcome: string, seconds: number) => void;
}

export interface CampaignWorkerOptions {
  /** Deliver jobs in parallel in this process (shared by the partitions). Default 32. */
  concurrency: number;
  /** Messages per second across ALL workers (BullMQ's global limiter); 0 = unlimited. */
  rateLimitPerSecond: number;
  /**
   * A job whose worker died is handed to another within about lockDuration + stalledInterval.
   * Defaults 10,000 and 5,000 ms.
   */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Times a job may come back from a dead worker before it is abandoned. Default 10. */
  maxStalledCount: number;
  backoff: BackoffOptions;
  /** How often a send paused for an unreachable SMTP server checks whether it answers again. Default 5,000 ms. */
  smtpRecheckMs: number;
  deliver: Partial<DeliverOptions>;
  fanout: Partial<FanoutOptions>;
}

export const DEFAULT_WORKER_OPTIONS: CampaignWorkerOptions = {
  concurrency: 32,
  rateLimitPerSecond: 0,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 10,
  backoff: DEFAULT_BACKOFF,
  smtpRecheckMs: 5_000,
  deliver: {},
  fanout: {},
};

export interface CampaignWorkers {
  /** One deliver worker per partition (see src/redis/partitions.ts), in partition order. */
  deliver: Worker<DeliverJobData, DeliverResult>[];
  fanout: Worker<FanoutJobData, { added: number }>[];
  sends: Sends;
  /** Stops taking jobs, waits for the ones in flight, closes the queues (not the connection). */
  close(): Promise<void>;
}

/**
 * Workers for every partition's queues: a process serves them all, so any number of processes
 * on any machines share every partition's jobs. The process's concurrency and the rate limit
 * are split evenly over the partitions (BullMQ limits per queue).
 */
export function startCampaignWorkers(deps: CampaignWorkerDeps, options: Partial<CampaignWorkerOptions> = {}): CampaignWorkers {
  const opts = { ...DEFAULT_WORKER_OPTIONS, ...options };
  const { connection, partitions, log } = deps;
  const data = deps.data ?? connection;
  let stopping = false;
  // Redis out of reach is said once by the process (watchRedisReachability), not by every queue.
  const sends = openSends(
    data,
    partitions,
    connection,
    (err, queue) => isConnectionError(err) || log.warn({ queue, err: err.message }, 'campaign queue error (retrying)'),
  );
  const count = sends.shards.length;
  const concurrency = Math.max(1, Math.ceil(opts.concurrency / count));
  // The limit shared out so the partitions' limits add up to it (BullMQ's limiter is per queue).
  const rateLimitOf = (p: number) =>
    opts.rateLimitPerSecond > 0 ? Math.floor(opts.rateLimitPerSecond / count) + (p < opts.rateLimitPerSecond % count ? 1 : 0) : 0;
  if (opts.rateLimitPerSecond > 0 && opts.rateLimitPerSecond < count) {
    log.warn(
      { rateLimitPerSecond: opts.rateLimitPerSecond, partitions: count },
      'RATE_LIMIT_PER_SECOND is below the number of partitions: each partition queue needs at least 1 message per second, so up to one per partition per second goes out',
    );
  }
  // An SMTP failure every message would meet stops the whole send, every partition's shard.
  const pauseSend = async (campaignId: string, reason: string, until?: PausedUntil) =>
    (await Promise.all(sends.shards.map((s) => pauseForReason(data, s.keys, campaignId, reason, until)))).some(Boolean);

  // The fan-out window is per send: each partition's shard keeps its part of it waiting, so the
  // shards together hold no more unsettled jobs than one send on one partition would.
  // A chunk never larger than a shard's part, or many partitions would each overshoot by a chunk.
  const shareWindow = Math.max(1, Math.ceil((opts.fanout.window ?? DEFAULT_FANOUT.window) / count));
  const fanoutOptions: Partial<FanoutOptions> = {
    ...opts.fanout,
    window: shareWindow,
    chunkSize: Math.min(opts.fanout.chunkSize ?? DEFAULT_FANOUT.chunkSize, shareWindow),
  };
  // One set of message buffers for the process: as many as its messages in flight at once.
  const buffers = new MessageBuffers(concurrency * count);

  const pairs = sends.shards.map(({ partition, keys: k, ledger, queues }) => {
    const cache = new IssueCache(data, k, deps.prepare);
    const common = {
      connection,
      prefix: k.prefix,
      lockDuration: opts.lockDurationMs,
      stalledInterval: opts.stalledIntervalMs,
      maxStalledCount: opts.maxStalledCount,
    };
    const deliver = new Worker<DeliverJobData, DeliverResult>(
      QUEUES.deliver,
      createDeliverProcessor(
        {
          store: deps.store,
          ledger,
          cache,
          mailer: deps.mailer,
          signToken: deps.signToken,
          pauseSend,
          log,
          buffers,
          ...(deps.onSmtpReply ? { onSmtpReply: deps.onSmtpReply } : {}),
        },
        opts.deliver,
      ),
      {
        ...common,
        concurrency,
        ...(opts.rateLimitPerSecond > 0 ? { limiter: { max: Math.max(1, rateLimitOf(partition)), duration: 1_000 } } : {}),
        settings: { backoffStrategy: backoffStrategy(opts.backoff) },
      },
    );
    const fanout = new Worker<FanoutJobData, { added: number }>(
      QUEUES.fanout,
      createFanoutProcessor({ redis: data, keys: k, store: deps.store, partition, ledger, queues, log, stopping: () => stopping }, fanoutOptions),
      { ...common, concurrency: 2 },
    );
    // Without 'error' listeners an emitted error would crash the process; BullMQ retries itself.
    deliver.on('error', (err) => isConnectionError(err) || log.error({ err: err.message }, 'deliver worker error'));
    fanout.on('error', (err) => isConnectionError(err) || log.error({ err: err.message }, 'fan-out worker error'));
    deliver.on('failed', (job, err) => {
      settleAbandonedJob(ledger, job, err, log).catch((e: Error) => log.error({ jobId: job?.id, err: e.message }, 'could not settle a failed job'));
    });
    deliver.on('stalled', (jobId) => log.warn({ jobId }, 'deliver job stalled (its worker died?); it runs again'));
    fanout.on('failed', (job, err) => log.error({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'fan-out attempt failed'));
    return { deliver, fanout };
  });
  const recovery = startSmtpRecovery({ redis: data, keys: sends.keys, shards: sends.shards, mailer: deps.mailer, log }, opts.smtpRecheckMs);

  return {
    deliver: pairs.map((p) => p.deliver),
    fanout: pairs.map((p) => p.fanout),
    sends,
    async close() {
      stopping = true;
      await Promise.all([...pairs.flatMap((p) => [p.deliver.close(), p.fanout.close()]), recovery.stop()]);
      await sends.close();
    },
  };
}
