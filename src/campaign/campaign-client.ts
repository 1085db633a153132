// What a short-lived controller (a CLI command) needs to start, watch and steer sends: one
// Redis connection, the deployment's partitions and their shares of the sends, and the
// subscriber store. Opened by the composition root, closed by it.
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import { createRedis, requireRedis } from '../redis/connection.ts';
import { resolvePartitions, type Partitions } from '../redis/partitions.ts';
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
  await requireRedis(config);
  const redis = createRedis(config, { forQueues: true, name: 'newsletter-cli' });
  try {
    const partitions = await resolvePartitions(redis, config.keyPrefix, config.queuePartitions);
    // Quiet: a command that cannot reach Redis fails with its own clear message.
    const sends = openSends(redis, partitions, redis, () => undefined);
    return {
      ...sends,
      partitions,
      store: new RedisSubscriberStore(redis, partitions),
      async close() {
        await sends.close();
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
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
