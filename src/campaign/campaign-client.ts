// What a short-lived controller (a CLI command) needs to start, watch and steer sends: one
// Redis connection, the keys, the subscriber store, the queues and the ledger. Opened by the
// composition root, closed by it.
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { createRedis, requireRedis } from '../redis/connection.ts';
import { keys as keysFor, type Keys } from '../redis/keys.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { Ledger } from './ledger.ts';
import { createCampaignQueues, type CampaignQueues } from './queues.ts';

export interface CampaignClient {
  redis: Redis;
  keys: Keys;
  store: SubscriberStore;
  queues: CampaignQueues;
  ledger: Ledger;
  close(): Promise<void>;
}

export async function openCampaignClient(config: Pick<Config, 'redisUrl' | 'redisCluster' | 'keyPrefix'>): Promise<CampaignClient> {
  await requireRedis(config);
  const redis = createRedis(config, { forQueues: true, name: 'newsletter-cli' });
  const k = keysFor(config.keyPrefix);
  // Quiet: a command that cannot reach Redis fails with its own clear message.
  const queues = createCampaignQueues(redis, config.keyPrefix, () => undefined);
  return {
    redis,
    keys: k,
    store: new RedisSubscriberStore(redis, k),
    queues,
    ledger: new Ledger(redis, k),
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Runs `fn` with an open client and always closes it. */
export async function withCampaignClient<T>(config: Pick<Config, 'redisUrl' | 'redisCluster' | 'keyPrefix'>, fn: (client: CampaignClient) => Promise<T>): Promise<T> {
  const client = await openCampaignClient(config);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
