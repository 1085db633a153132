// Measured Redis costs for the 1,000,000-subscriber projection.
//
// Bytes per waiting deliver job: add `count` jobs the way the fan-out does (addDeliverJobs: same
// name, data, options and job-id shape) to a separate queue that no worker serves (so they all
// stay waiting), and compare memory before and after. Two readings: INFO used_memory (what
// the server really holds, but disturbed by other clients of the same Redis) and the sum of
// MEMORY USAGE over the queue's keys (exact for these keys, blind to allocator overhead).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliverJobId } from '../campaign/records/ids.ts';
import { addDeliverJobs, DELIVER_JOB_NAME, DELIVER_JOB_OPTIONS } from '../campaign/queue/queues.ts';
import type { DeliverJobData } from '../campaign/types.ts';
import { keysMemory, usedMemory } from './redis-info.ts';

const CHUNK = 1_000;

/**
 * Bytes per ledger entry at scale. A small send's ledger is a listpack (a few bytes per entry)
 * and would flatter the projection; a large one is a real hash table. So: HSET `count` entries
 * shaped like a million-subscriber ledger (7-digit subscriber ids, value `sent`) into a scratch
 * key and divide its MEMORY USAGE.
 */
export async function measureLedgerEntryCost(redis: Redis, scratchKey: string, count = 20_000): Promise<number> {
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const fields: string[] = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i++) fields.push(String(1_000_000 + i), 'sent');
      await redis.hset(scratchKey, ...fields);
    }
    const bytes = (await redis.call('MEMORY', 'USAGE', scratchKey, 'SAMPLES', '0')) as number;
    return bytes / count;
  } finally {
    await redis.unlink(scratchKey);
  }
}

export interface JobCost {
  jobs: number;
  bytesPerJobInfo: number;
  bytesPerJobKeys: number;
}

export async function measureWaitingJobCost(
  connection: Redis,
  prefix: string,
  opts: { campaignId: string; count: number; firstSubscriberId?: number },
): Promise<JobCost> {
  const name = 'deliver-measure';
  const queue = new Queue<DeliverJobData>(name, { connection, prefix });
  try {
    await queue.waitUntilReady();
    // Materialise the queue's fixed keys (meta, events) first so they are not charged to the jobs.
    await queue.add(
      DELIVER_JOB_NAME,
      { campaignId: opts.campaignId, subscriberId: '0' },
      { ...DELIVER_JOB_OPTIONS, jobId: deliverJobId(opts.campaignId, '0') },
    );
    const pattern = `${prefix}:${name}:*`;
    const beforeInfo = await usedMemory(connection);
    const beforeKeys = await keysMemory(connection, pattern);
    const first = opts.firstSubscriberId ?? 1;
    for (let start = 0; start < opts.count; start += CHUNK) {
      const ids = Array.from({ length: Math.min(CHUNK, opts.count - start) }, (_, i) => String(first + start + i));
      await addDeliverJobs(connection, queue, opts.campaignId, ids);
    }
    const afterInfo = await usedMemory(connection);
    const afterKeys = await keysMemory(connection, pattern);
    return {
      jobs: opts.count,
      bytesPerJobInfo: (afterInfo - beforeInfo) / opts.count,
      bytesPerJobKeys: (afterKeys.bytes - beforeKeys.bytes) / opts.count,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  }
}
