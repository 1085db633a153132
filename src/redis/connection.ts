// Creates ioredis clients. Composition roots call this; library code receives the client.
import { Redis } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * `forQueues` clients are handed to BullMQ Workers/Queues, which need
 * `maxRetriesPerRequest: null` so that blocking commands survive a Redis restart.
 */
export function createRedis(url: string, opts: { forQueues?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    connectionName: opts.name,
    maxRetriesPerRequest: opts.forQueues ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
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
