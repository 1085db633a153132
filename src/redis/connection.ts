// Creates ioredis clients. Composition roots call this; library code receives the client.
import { Redis } from 'ioredis';
import { UserError } from '../errors.ts';

export type { Redis } from 'ioredis';

/**
 * `autoPipelining` sends every command issued in one event-loop turn in one write: for a
 * process running many jobs at once (a deliver worker) that saves a socket write and a Redis
 * read per command. Not for clients handed to BullMQ (its maintainers have not vouched for it).
 *
 * `forQueues` clients are handed to BullMQ Workers/Queues, which need
 * `maxRetriesPerRequest: null` so that blocking commands survive a Redis restart.
 */
export function createRedis(url: string, opts: { forQueues?: boolean; name?: string; autoPipelining?: boolean } = {}): Redis {
  return new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.forQueues ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
    enableAutoPipelining: opts.autoPipelining ?? false,
  });
}

/** The URL with its password masked, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * For composition roots: checks that Redis answers before anything is built on it, so a
 * stopped Redis is one clear line (naming REDIS_URL, password masked), not a retry loop.
 */
export async function requireRedis(url: string): Promise<void> {
  try {
    await pingRedis(url);
  } catch (error) {
    const reason = error instanceof Error && error.message ? error.message : 'connection refused';
    throw new UserError(`REDIS_URL: cannot reach Redis at ${redactRedisUrl(url)} (${reason}); start one (redis-server) or set REDIS_URL`);
  }
}

/** Resolves when Redis answers PING, rejects with a one-line reason after `timeoutMs`. */
export async function pingRedis(url: string, timeoutMs = 1500): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}
