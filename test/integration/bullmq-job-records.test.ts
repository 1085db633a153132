// addWaitingJobs writes BullMQ's job records itself (src/campaign/queue/bullmq-job-records.ts). These
// tests hold it to what Queue.addBulk writes, field by field, and run its jobs through a real
// Worker: a BullMQ upgrade that changes the storage format fails here.
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWaitingJobs } from '../../src/campaign/queue/bullmq-job-records.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

const OPTS: JobsOptions = { attempts: 3, backoff: { type: 'fixed', delay: 5 }, removeOnComplete: true, removeOnFail: true };

let t: TestRedis;
let queueCount = 0;
const queues: Queue[] = [];

function newQueue(): Queue {
  const queue = new Queue(`q${queueCount++}`, { connection: t.redis, prefix: t.prefix });
  queues.push(queue);
  return queue;
}

interface Stored {
  fields: Record<string, string>;
  opts: unknown;
}

async function storedJob(queue: Queue, id: string): Promise<Stored | null> {
  const fields = await t.redis.hgetall(`${queue.keys['']}${id}`);
  if (Object.keys(fields).length === 0) return null;
  const { opts, timestamp, ...rest } = fields;
  expect(Number(timestamp)).toBeGreaterThan(0);
  return { fields: rest, opts: JSON.parse(opts!) };
}

/** The `added` events, without their stream ids (times) and without the `waiting` ones addWaitingJobs leaves out. */
async function addedEvents(queue: Queue): Promise<string[][]> {
  const entries = await t.redis.xrange(queue.keys.events!, '-', '+');
  return entries.map(([, fields]) => fields).filter((fields) => fields[1] === 'added');
}

/** What a queue holds for these ids: job records, the wait list, the worker marker, the added events. */
async function snapshot(queue: Queue, ids: string[]) {
  return {
    jobs: await Promise.all(ids.map((id) => storedJob(queue, id))),
    added: await addedEvents(queue),
    wait: await t.redis.lrange(queue.keys.wait!, 0, -1),
    marker: await t.redis.zrange(queue.keys.marker!, '0', '-1'),
  };
}

async function bothWays(jobs: { id: string; data: unknown }[], prepare?: (queue: Queue) => Promise<void>) {
  const viaBullmq = newQueue();
  const viaScript = newQueue();
  await Promise.all([viaBullmq.waitUntilReady(), viaScript.waitUntilReady()]);
  if (prepare) await Promise.all([prepare(viaBullmq), prepare(viaScript)]);
  await viaBullmq.addBulk(jobs.map((job) => ({ name: 'deliver', data: job.data, opts: { ...OPTS, jobId: job.id } })));
  const added = await addWaitingJobs(t.redis, viaScript, 'deliver', jobs, OPTS);
  const ids = jobs.map((job) => job.id);
  return { added, bullmq: await snapshot(viaBullmq, ids), script: await snapshot(viaScript, ids) };
}

beforeAll(async () => {
  t = await testRedis();
});

afterAll(async () => {
  await Promise.all(queues.map((queue) => queue.close()));
  await t.cleanup();
});

describe('addWaitingJobs', () => {
  it('writes the job hash, wait list and marker that Queue.addBulk writes', async () => {
    const jobs = [1, 2, 3].map((n) => ({ id: `d:issue-1:${n}`, data: { campaignId: 'issue-1', subscriberId: String(n) } }));
    const { added, bullmq, script } = await bothWays(jobs);
    expect(added).toBe(3);
    expect(script).toEqual(bullmq);
    expect(script.wait).toEqual(['d:issue-1:3', 'd:issue-1:2', 'd:issue-1:1']);
    expect(script.added).toEqual(jobs.map((job) => ['event', 'added', 'jobId', job.id, 'name', 'deliver']));
    expect(script.jobs[0]!.opts).toEqual({
      attempts: 3,
      backoff: { type: 'fixed', delay: 5 },
      removeOnComplete: true,
      removeOnFail: true,
      jobId: 'd:issue-1:1',
    });
  });

  it('sets no marker on a paused queue, as addBulk does', async () => {
    const { bullmq, script } = await bothWays([{ id: 'p1', data: { n: 1 } }], (queue) => queue.pause());
    expect(script).toEqual(bullmq);
    expect(script.marker).toEqual([]);
  });

  it('leaves alone a job whose id the queue still holds, and adds the rest', async () => {
    const queue = newQueue();
    await queue.waitUntilReady();
    expect(await addWaitingJobs(t.redis, queue, 'deliver', [{ id: 'a', data: { v: 'first' } }], OPTS)).toBe(1);
    expect(
      await addWaitingJobs(
        t.redis,
        queue,
        'deliver',
        [
          { id: 'a', data: { v: 'second' } },
          { id: 'b', data: { v: 'b' } },
        ],
        OPTS,
      ),
    ).toBe(1);
    expect(await t.redis.lrange(queue.keys.wait!, 0, -1)).toEqual(['b', 'a']);
    expect(JSON.parse((await t.redis.hget(`${queue.keys['']}a`, 'data'))!)).toEqual({ v: 'first' });
  });

  it('adds a chunk larger than one LPUSH slice (1,000 jobs, in order)', async () => {
    const jobs = Array.from({ length: 1_000 }, (_, i) => ({ id: `j${i}`, data: { i } }));
    const { added, bullmq, script } = await bothWays(jobs);
    expect(added).toBe(1_000);
    expect(script.wait).toEqual(bullmq.wait);
    expect(script.jobs).toEqual(bullmq.jobs);
  });

  it('refuses options that would put a job anywhere but the wait list', async () => {
    const queue = newQueue();
    for (const opts of [{ delay: 1_000 }, { priority: 2 }, { lifo: true }] as JobsOptions[]) {
      await expect(addWaitingJobs(t.redis, queue, 'deliver', [{ id: 'x', data: {} }], opts)).rejects.toThrow(/not supported; use Queue.add/);
    }
    expect(await t.redis.exists(`${queue.keys['']}x`)).toBe(0);
  });

  it('stores any id and data exactly as addBulk does (property)', async () => {
    // BullMQ refuses ids that are integers or contain ':' separators only in some shapes; keep to what it accepts.
    const id = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' }).filter((s) => !/^\d+$/.test(s) && !s.includes(':'));
    const data = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean()), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.record({ id, data }), { minLength: 1, maxLength: 5, selector: (job) => job.id }), async (jobs) => {
        const { bullmq, script } = await bothWays(jobs);
        expect(script).toEqual(bullmq);
      }),
      { numRuns: 25 },
    );
  });

  it('makes jobs a real Worker runs with their options: retried with backoff, removed on completion', async () => {
    const queue = newQueue();
    await queue.waitUntilReady();
    const seen: { id: string; attempt: number; attempts: number | undefined }[] = [];
    const completed = new Set<string>();
    const worker = new Worker(
      queue.name,
      async (job: Job) => {
        seen.push({ id: job.id!, attempt: job.attemptsMade, attempts: job.opts.attempts });
        // Each job fails its first attempt, so its retry proves the stored attempts and backoff work.
        if (job.attemptsMade === 0) throw new Error('first attempt fails');
        return job.data.n;
      },
      { connection: t.redis.duplicate({ maxRetriesPerRequest: null }), prefix: t.prefix, concurrency: 2 },
    );
    const done = new Promise<void>((resolve) => {
      worker.on('completed', (job) => {
        completed.add(job.id!);
        if (completed.size === 3) resolve();
      });
    });
    try {
      await addWaitingJobs(
        t.redis,
        queue,
        'deliver',
        [1, 2, 3].map((n) => ({ id: `w${n}`, data: { n } })),
        OPTS,
      );
      await done;
    } finally {
      await worker.close();
    }
    expect([...completed].sort()).toEqual(['w1', 'w2', 'w3']);
    expect(
      seen
        .filter((s) => s.attempt === 0)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['w1', 'w2', 'w3']);
    expect(
      seen
        .filter((s) => s.attempt === 1)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['w1', 'w2', 'w3']);
    expect(seen.every((s) => s.attempts === 3)).toBe(true);
    expect(await t.redis.exists(`${queue.keys['']}w1`, `${queue.keys['']}w2`, `${queue.keys['']}w3`)).toBe(0);
  });
});
