// The CLI commands that work on the subscriber store (subscribers, bounces): Redis opened the
// one way commands open it (src/redis/command-redis.ts) after the config is read, closed when
// the command ends. Redis is loaded on use, so that other commands start fast.
import type { Redis } from 'ioredis';
import type { LedgerShard } from '../campaign/sends.ts';
import { loadConfig, readEnvironment, type Config } from '../config/index.ts';
import type { Keys } from '../redis/keys.ts';
import type { Partitions } from '../redis/partitions.ts';
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';

export interface StoreContext {
  config: Readonly<Config>;
  redis: Redis;
  /** Deployment-wide keys. */
  keys: Keys;
  partitions: Partitions;
  /** Every partition's ledgers: what withdrawing a subscriber from running sends needs. */
  shards: LedgerShard[];
  /** A second client, for BullMQ queues (a confirmation mail's), opened on first use, closed with the first. */
  queueConnection(): Redis;
}

export async function withStore<T>(
  fn: (store: RedisSubscriberStore, ctx: StoreContext) => Promise<T>,
  config: Readonly<Config> = loadConfig(readEnvironment()),
): Promise<T> {
  const { withCommandRedis } = await import('../redis/command-redis.ts');
  const { ledgerShards } = await import('../campaign/sends.ts');
  const { RedisSubscriberStore } = await import('../subscribers/redis-store.ts');
  return withCommandRedis(config, { name: 'newsletter-cli' }, ({ redis, partitions, queueConnection }) =>
    fn(new RedisSubscriberStore(redis, partitions), {
      config,
      redis,
      keys: partitions.base,
      partitions,
      shards: ledgerShards(redis, partitions),
      queueConnection,
    }),
  );
}
