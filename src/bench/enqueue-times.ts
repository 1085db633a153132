// When was each deliver job enqueued? Completed jobs are removed at once, so job.timestamp is
// gone by the time we could read it. Instead we follow the queue's own events stream, where
// BullMQ writes an `added` entry in the same Lua call that stores the job: the stream entry id
// is the Redis server's clock in ms at that moment, and the sink stamps its 250 with the same
// machine's clock, so 250-time minus added-time is the enqueue → accepted latency.
// The stream is trimmed to ~10,000 entries; reading every 250 ms in batches of up to 5,000
// keeps us ahead of the trim. Any job whose entry we missed is left out of the percentiles
// (the result reports how many samples there were).
import type { Redis } from 'ioredis';

const BATCH = 5_000;
const INTERVAL_MS = 250;

export interface EnqueueTimes {
  /** jobId → epoch ms of its `added` event. */
  readonly times: Map<string, number>;
  stop(): Promise<void>;
}

export function followEnqueueTimes(redis: Redis, eventsKey: string): EnqueueTimes {
  const times = new Map<string, number>();
  let stopping = false;
  const reader = redis.duplicate();
  reader.on('error', () => {}); // the loop below reports nothing; a lost sample is tolerable

  const loop = (async () => {
    let lastId = '0';
    for (;;) {
      // No BLOCK: a blocking read returns as soon as one entry exists, and thousands of tiny
      // reads cost the bench (and Redis) CPU that the workers need. Every 250 ms instead: at
      // ~4 events per job that is ~1,500 entries at 1,500 jobs/s, far from the ~10,000 trim.
      const reply = (await reader.xread('COUNT', BATCH, 'STREAMS', eventsKey, lastId).catch(() => null)) as Array<[string, Array<[string, string[]]>]> | null;
      let read = 0;
      for (const [, entries] of reply ?? []) {
        read += entries.length;
        for (const [id, fields] of entries) {
          lastId = id;
          if (fields[1] !== 'added') continue; // fields: event, <name>, jobId, <id>, …
          const jobId = fields[3];
          if (jobId !== undefined && !times.has(jobId)) times.set(jobId, Number(id.slice(0, id.indexOf('-'))));
        }
      }
      if (read === BATCH) continue; // behind: read on at once
      if (stopping) break; // stop() was called and everything written before it has been read
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  })();

  return {
    times,
    async stop() {
      stopping = true;
      await loop;
      reader.disconnect();
    },
  };
}
