// The one file that writes BullMQ's job records itself. The fan-out adds a thousand deliver
// jobs at a time; Queue.addBulk runs BullMQ's addStandardJob script once per job (about ten
// Redis calls each), which made it the second most expensive script per message.
// ADD_WAITING writes the same job hash, pushes the same ids onto the wait list, sets the same
// worker marker and writes the same `added` event (the bench's enqueue times come from it), for
// the whole chunk in one script. What it leaves out: the per-job `waiting` event (nothing here
// listens to it; the send's progress is in the ledger) and the job-id counter (BullMQ uses it
// only for ids it generates; ours are deterministic).
//
// It depends on BullMQ's storage format (job hash fields, the wait list, the marker zset, the
// meta hash's paused/concurrency/maxLenEvents, the events stream): test/integration/
// bullmq-job-records.test.ts compares its records with addBulk's field by field and runs them
// through a real Worker, so a BullMQ upgrade that changes the format fails there, by name.
import { optsEncodeMap, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LuaScript } from '../../redis/lua-script.ts';

// KEYS: wait, meta, active, marker, events. ARGV: job key prefix, job name, timestamp, stored opts
// before and after the job id, then (jobId, data, JSON-quoted jobId) per job. A job whose id
// BullMQ still holds is left alone, as addBulk does.
const ADD_WAITING = new LuaScript(`
local added = {}
local maxEvents = redis.call('HGET', KEYS[2], 'opts.maxLenEvents') or 10000
for i = 6, #ARGV, 3 do
  local jobKey = ARGV[1] .. ARGV[i]
  if redis.call('EXISTS', jobKey) == 0 then
    redis.call('HSET', jobKey, 'name', ARGV[2], 'data', ARGV[i + 1], 'opts', ARGV[4] .. ARGV[i + 2] .. ARGV[5], 'timestamp', ARGV[3], 'delay', '0', 'priority', '0')
    redis.call('XADD', KEYS[5], 'MAXLEN', '~', maxEvents, '*', 'event', 'added', 'jobId', ARGV[i], 'name', ARGV[2])
    added[#added + 1] = ARGV[i]
  end
end
if #added == 0 then return 0 end
-- unpack() is bounded by Lua's C stack: push in slices.
for s = 1, #added, 500 do
  redis.call('LPUSH', KEYS[1], unpack(added, s, math.min(s + 499, #added)))
end
-- BullMQ's addBaseMarkerIfNeeded: wake a worker unless the queue is paused or at its global concurrency.
local meta = redis.call('HMGET', KEYS[2], 'paused', 'concurrency')
local held = meta[1] ~= false or (meta[2] ~= false and redis.call('LLEN', KEYS[3]) >= tonumber(meta[2]))
if not held then redis.call('ZADD', KEYS[4], 0, '0') end
return #added
`);

/** Options the script cannot honour: they put a job somewhere other than the wait list. */
const UNSUPPORTED = ['delay', 'priority', 'parent', 'repeat', 'deduplication', 'debounce', 'lifo', 'telemetry'] as const;

/** BullMQ's optsAsJSON for plain options (long names to the short ones it stores), split around the job id. */
function storedOptsAround(opts: JobsOptions): [string, string] {
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(opts)) {
    if (value === undefined || name === 'jobId') continue;
    if ((UNSUPPORTED as readonly string[]).includes(name)) throw new Error(`addWaitingJobs: job option ${name} is not supported; use Queue.add`);
    stored[(optsEncodeMap as Record<string, string>)[name] ?? name] = value;
  }
  const marker = '\u0000jobId\u0000';
  const [before, after] = JSON.stringify({ ...stored, jobId: marker }).split(JSON.stringify(marker)) as [string, string];
  return [before, after];
}

export interface WaitingJob<T> {
  id: string;
  data: T;
}

/**
 * Adds plain waiting jobs to `queue` in one script, as Queue.addBulk would with the same name
 * and options, each with its own id (no delay, priority, parent or repeat). `redis` reaches the
 * queue's keys (one hash tag, so one Cluster slot). Returns how many were new.
 */
export async function addWaitingJobs<T>(redis: Redis, queue: Queue, name: string, jobs: ReadonlyArray<WaitingJob<T>>, opts: JobsOptions = {}): Promise<number> {
  if (jobs.length === 0) return 0;
  const keys = queue.keys;
  const [before, after] = storedOptsAround(opts);
  const args: string[] = [keys['']!, name, String(Date.now()), before, after];
  for (const job of jobs) args.push(job.id, JSON.stringify(job.data), JSON.stringify(job.id));
  return (await ADD_WAITING.run(redis, [keys.wait!, keys.meta!, keys.active!, keys.marker!, keys.events!], args)) as number;
}
