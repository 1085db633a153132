// How a command that runs and ends (the CLI's, `dev`'s final report) opens Redis, the one way:
// it checks first that Redis answers (one clear line naming REDIS_URL when not), opens one client,
// reads the deployment's partitions, and at the end closes what it opened. A second client for
// BullMQ queues is opened only when asked for (queueConnection). Long-running processes (serve,
// worker) make their clients in their composition roots, with createRedis.
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { createRedis, requireRedis } from './connection.ts';
import { resolvePartitions, type Partitions } from './partitions.ts';

export type CommandRedisConfig = Pick<Config, 'redisUrl' | 'redisCluster' | 'keyPrefix' | 'queuePartitions'>;

export interface CommandRedisOptions {
  /** The client's name in CLIENT LIST, e.g. `newsletter-cli`. */
  name: string;
  /**
   * A client for BullMQ too (`createRedis`'s forQueues): its commands wait out a Redis restart
   * instead of failing after a few retries. Default false.
   */
  forQueues?: boolean;
}

export interface CommandRedis {
  redis: Redis;
  partitions: Partitions;
  /**
   * A client for BullMQ queues: `redis` itself when opened forQueues, else a second one
   * (`<name>-queue`), opened on first use and closed with the rest.
   */
  queueConnection(): Redis;
  /** Closes the client(s), politely (QUIT), or at once when Redis does not answer. */
  close(): Promise<void>;
}

export async function openCommandRedis(config: CommandRedisConfig, opts: CommandRedisOptions): Promise<CommandRedis> {
  await requireRedis(config);
  const redis = createRedis(config, { forQueues: opts.forQueues ?? false, name: opts.name });
  let queues: Redis | null = opts.forQueues ? redis : null;
  try {
    const partitions = await resolvePartitions(redis, config.keyPrefix, config.queuePartitions);
    return {
      redis,
      partitions,
      queueConnection: () => (queues ??= createRedis(config, { forQueues: true, name: `${opts.name}-queue` })),
      async close() {
        const clients = queues && queues !== redis ? [redis, queues] : [redis];
        await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

/** Runs `fn` with Redis opened as openCommandRedis does, and always closes it. */
export async function withCommandRedis<T>(config: CommandRedisConfig, opts: CommandRedisOptions, fn: (opened: CommandRedis) => Promise<T>): Promise<T> {
  const opened = await openCommandRedis(config, opts);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}
