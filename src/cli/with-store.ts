// The CLI commands that work on the subscriber store (subscribers, bounces): one Redis
// connection, opened after the config is read and Redis answers, closed when the command ends.
// Redis is loaded on use, so that other commands start fast.
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
}

export async function withStore<T>(fn: (store: RedisSubscriberStore, ctx: StoreContext) => Promise<T>, config: Readonly<Config> = loadConfig(readEnvironment())): Promise<T> {
  const { createRedis, requireRedis } = await import('../redis/connection.ts');
  const { resolvePartitions } = await import('../redis/partitions.ts');
  const { ledgerShards } = await import('../campaign/sends.ts');
  const { RedisSubscriberStore } = await import('../subscribers/redis-store.ts');
  await requireRedis(config);
  const redis = createRedis(config, { name: 'newsletter-cli' });
  try {
    const partitions = await resolvePartitions(redis, config.keyPrefix, config.queuePartitions);
    return await fn(new RedisSubscriberStore(redis, partitions), { config, redis, keys: partitions.base, partitions, shards: ledgerShards(redis, partitions) });
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
