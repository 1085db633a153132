// The two campaign queues and the options every job on them carries. BullMQ's `prefix` is the
// same hash tag as our keys, so queue keys and ledger keys live on one Redis Cluster slot.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES } from '../../redis/keys.ts';
import { BACKOFF_TYPE } from './backoff.ts';
import { addWaitingJobs } from './bullmq-job-records.ts';
import { deliverJobId } from '../records/ids.ts';
import type { DeliverJobData, FanoutJobData } from '../types.ts';

/**
 * 12 attempts with the default backoff (2 s doubling, capped at 5 min) keep retrying for about
 * 20 minutes: an SMTP server down "for minutes" loses nothing.
 */
export const DELIVER_ATTEMPTS = 12;

/** The name every deliver job carries (the queue holds nothing else). */
export const DELIVER_JOB_NAME = 'deliver';

export const DELIVER_JOB_OPTIONS: JobsOptions = {
  attempts: DELIVER_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  // The ledger keeps the truth (and settleAbandonedJob logs why a job failed); finished jobs
  // only cost memory. A failed job left behind would also make a later send of the same issue
  // hang: BullMQ ignores an add with the id of a job it still holds.
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * Adds the deliver jobs of a campaign's subscribers (ids only, deterministic job ids) in one
 * script: what the fan-out does per chunk, and what the bench measures. Returns how many were new.
 */
export function addDeliverJobs(redis: Redis, deliver: Queue<DeliverJobData>, campaignId: string, subscriberIds: readonly string[]): Promise<number> {
  return addWaitingJobs<DeliverJobData>(
    redis,
    deliver,
    DELIVER_JOB_NAME,
    subscriberIds.map((subscriberId) => ({ id: deliverJobId(campaignId, subscriberId), data: { campaignId, subscriberId } })),
    DELIVER_JOB_OPTIONS,
  );
}

export const FANOUT_JOB_OPTIONS: JobsOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  // A failed fan-out must not block a later `send` of the same issue (same job id).
  removeOnFail: true,
};

export interface CampaignQueues {
  deliver: Queue<DeliverJobData>;
  fanout: Queue<FanoutJobData>;
  close(): Promise<void>;
}

/**
 * `connection` should be a client made with `createRedis(url, { forQueues: true })`. `onError`
 * receives the queues' connection errors (during a Redis outage); without a listener BullMQ
 * prints raw stack traces.
 */
export function createCampaignQueues(connection: Redis, prefix: string, onError?: (err: Error, queue: string) => void): CampaignQueues {
  const deliver = new Queue<DeliverJobData>(QUEUES.deliver, { connection, prefix });
  const fanout = new Queue<FanoutJobData>(QUEUES.fanout, { connection, prefix });
  if (onError) {
    deliver.on('error', (err) => onError(err, QUEUES.deliver));
    fanout.on('error', (err) => onError(err, QUEUES.fanout));
  }
  return {
    deliver,
    fanout,
    async close() {
      await Promise.all([deliver.close(), fanout.close()]);
    },
  };
}
