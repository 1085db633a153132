// When was each deliver job enqueued? Completed jobs are removed at once, so job.timestamp is
// gone by the time we could read it. Instead we follow the queue's own events stream, where
// BullMQ writes an `added` entry in the same Lua call that stores the job: the stream entry id
// is the Redis server's clock in ms at that moment, and the sink stamps its 250 with the same
// machine's clock, so 250-time minus added-time is the enqueue → accepted latency.
// The stream is trimmed to ~10,000 entries; reading in batches of 5,000 as fast as they come
// keeps us ahead of the trim. Any job whose entry we missed is left out of the percentiles
// (the result reports how many samples there were).
import type { Redis } from 'ioredis';

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
      // BLOCK 200 so that stop() is noticed quickly; once stopping, read until nothing is left.
      const reply = (await reader.xread('COUNT', 5000, 'BLOCK', 200, 'STREAMS', eventsKey, lastId).catch(() => new Promise<null>((r) => setTimeout(() => r(null), 100)))) as
        | Array<[string, Array<[string, string[]]>]>
        | null;
      if (!reply && stopping) break;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          if (fields[1] !== 'added') continue; // fields: event, <name>, jobId, <id>, …
          const jobId = fields[3];
          if (jobId !== undefined && !times.has(jobId)) times.set(jobId, Number(id.slice(0, id.indexOf('-'))));
        }
      }
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
