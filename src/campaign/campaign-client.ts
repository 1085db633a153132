// What a short-lived controller (a CLI command) needs to start, watch and steer sends: one
// Redis connection (opened the one way commands open it, src/redis/command-redis.ts), the
// deployment's partitions and their shards of the sends, and the subscriber store. Opened by
// the composition root, closed by it.
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { openCommandRedis } from '../redis/command-redis.ts';
import type { Partitions } from '../redis/partitions.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { openSends, type Sends } from './sends.ts';

export interface CampaignClient extends Sends {
  redis: Redis;
  partitions: Partitions;
  store: SubscriberStore;
  close(): Promise<void>;
}

export type CampaignClientConfig = Pick<Config, 'redisUrl' | 'redisCluster' | 'keyPrefix' | 'queuePartitions'>;

export async function openCampaignClient(config: CampaignClientConfig): Promise<CampaignClient> {
  const opened = await openCommandRedis(config, { name: 'newsletter-cli', forQueues: true });
  const { redis, partitions } = opened;
  // Quiet: a command that cannot reach Redis fails with its own clear message.
  const sends = openSends(redis, partitions, redis, () => undefined);
  return {
    ...sends,
    partitions,
    store: new RedisSubscriberStore(redis, partitions),
    async close() {
      await sends.close();
      await opened.close();
    },
  };
}

/** Runs `fn` with an open client and always closes it. */
export async function withCampaignClient<T>(config: CampaignClientConfig, fn: (client: CampaignClient) => Promise<T>): Promise<T> {
  const client = await openCampaignClient(config);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
