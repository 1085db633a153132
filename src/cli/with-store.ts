// The CLI commands that work on the subscriber store (subscribers, bounces): one Redis
// connection, opened after the config is read and Redis answers, closed when the command ends.
// Redis is loaded on use, so that other commands start fast.
import type { Redis } from 'ioredis';
import { loadConfig, readEnvironment, type Config } from '../config/index.ts';
import type { Keys } from '../redis/keys.ts';
import type { RedisSubscriberStore } from '../subscribers/redis-store.ts';

export interface StoreContext {
  config: Readonly<Config>;
  redis: Redis;
  keys: Keys;
}

export async function withStore<T>(fn: (store: RedisSubscriberStore, ctx: StoreContext) => Promise<T>, config: Readonly<Config> = loadConfig(readEnvironment())): Promise<T> {
  const { createRedis, requireRedis } = await import('../redis/connection.ts');
  const { keys: keysFor } = await import('../redis/keys.ts');
  const { RedisSubscriberStore } = await import('../subscribers/redis-store.ts');
  await requireRedis(config);
  const redis = createRedis(config, { name: 'newsletter-cli' });
  try {
    const keys = keysFor(config.keyPrefix);
    return await fn(new RedisSubscriberStore(redis, keys), { config, redis, keys });
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
