// Redis as a send needs it: nothing evicted (a lost ledger entry is a message sent twice or never),
// writes kept on disk (AOF), and room for the largest send's records.
import { Redis } from 'ioredis';
import { partitionCountKey, partitionsFor } from '../redis/partitions.ts';
import { redactRedisUrl } from '../redis/connection.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { type CheckResult, fail, pass, warn } from './types.ts';

/**
 * Redis bytes a send needs per message: its ledger entry (68 B) stays for the whole send; the
 * deliver jobs (881 B each) exist only inside the fan-out's 10,000-job window. Both measured in
 * docs/benchmarks.md (a million-subscriber send).
 */
export const LEDGER_BYTES_PER_MESSAGE = 68;
export const WINDOW_BYTES = 10_000 * 881;

export interface RedisCheckInput {
  /** REDIS_URL; with a cluster, the first seed node is asked. */
  redisUrl: string;
  keyPrefix: string;
  timeoutMs: number;
}

/** `CONFIG GET name` → its value, or null when the server refuses CONFIG (managed Redis). */
async function configValue(redis: Redis, name: string): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', name)) as string[];
    return reply[1] ?? null;
  } catch {
    return null;
  }
}

function infoField(info: string, name: string): number {
  return Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** Active subscribers over all lists, read only (no partition count is written): the largest list is at most this. */
async function activeSubscribers(redis: Redis, prefix: string): Promise<number> {
  const stored = Number(await redis.get(partitionCountKey(prefix)));
  if (!Number.isInteger(stored) || stored < 1) return 0;
  const store = new RedisSubscriberStore(redis, partitionsFor(prefix, stored));
  return (await store.countByStatus(null)).active;
}

export async function redisChecks(input: RedisCheckInput): Promise<CheckResult[]> {
  const url = input.redisUrl.split(',')[0]!.trim();
  const shown = redactRedisUrl(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: input.timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {}); // the failed connect below reports it, once
  try {
    try {
      await redis.connect();
    } catch (error) {
      return [fail('redis', `cannot connect to ${shown}: ${(error as Error).message}`, 'start Redis or point REDIS_URL at it')];
    }
    const [policy, aof, info] = await Promise.all([configValue(redis, 'maxmemory-policy'), configValue(redis, 'appendonly'), redis.info('memory')]);
    const results: CheckResult[] = [];
    const noConfig = 'the server refuses CONFIG GET (managed Redis?): check this setting in its console';
    if (policy === null) results.push(warn('redis-eviction', `cannot read maxmemory-policy of ${shown}`, noConfig));
    else if (policy === 'noeviction') results.push(pass('redis-eviction', 'maxmemory-policy noeviction'));
    else
      results.push(
        fail(
          'redis-eviction',
          `maxmemory-policy is ${policy}: Redis may drop subscribers, ledgers or jobs when full`,
          'set maxmemory-policy noeviction (redis.conf, or CONFIG SET maxmemory-policy noeviction then CONFIG REWRITE)',
        ),
      );
    if (aof === null) results.push(warn('redis-aof', `cannot read appendonly of ${shown}`, noConfig));
    else if (aof === 'yes') results.push(pass('redis-aof', 'appendonly yes'));
    else
      results.push(
        fail(
          'redis-aof',
          'appendonly is no: a Redis restart loses every write since the last snapshot (the dev Redis keeps nothing on disk at all)',
          'set appendonly yes (redis.conf, or CONFIG SET appendonly yes then CONFIG REWRITE); a dev Redis may stay as it is',
        ),
      );
    const used = infoField(info, 'used_memory');
    const max = infoField(info, 'maxmemory');
    // A cluster's seed node may not hold the counts (MOVED): then the window alone is sized.
    const active = await activeSubscribers(redis, input.keyPrefix).catch(() => null);
    const need = (active ?? 0) * LEDGER_BYTES_PER_MESSAGE + WINDOW_BYTES;
    const sendNote =
      active === null
        ? `the subscribers could not be counted here; a send needs about ${mb(WINDOW_BYTES)} plus ${LEDGER_BYTES_PER_MESSAGE} B per subscriber`
        : `a send to ${active.toLocaleString('en-US')} active subscriber(s) needs about ${mb(need)}`;
    if (!max) results.push(pass('redis-memory', `maxmemory 0 (no limit: the machine's memory is the limit); ${mb(used)} used, ${sendNote}`));
    else if (max - used >= need) results.push(pass('redis-memory', `${mb(max - used)} free of ${mb(max)}; ${sendNote}`));
    else
      results.push(
        fail('redis-memory', `only ${mb(Math.max(0, max - used))} free of ${mb(max)}; ${sendNote}`, `raise maxmemory to at least ${mb(used + need * 1.5)}`),
      );
    return results;
  } finally {
    redis.disconnect();
  }
}
