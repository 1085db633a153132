// Real Redis for tests: every test file gets its own hash-tag prefix and deletes its keys after.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedis } from '../../src/redis/connection.ts';
import { deleteDeploymentKeys } from '../../src/redis/delete-by-prefix.ts';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  redis: Redis;
  /** A fresh `{t-xxxx}` hash-tag prefix, also used as the BullMQ prefix. */
  prefix: string;
  cleanup(): Promise<void>;
}

export function uniquePrefix(): string {
  return `{t-${randomBytes(5).toString('hex')}}`;
}

/** `cluster`: REDIS_URL of a test cluster (test/helpers/redis-cluster.ts); the client is ioredis' Cluster. */
export async function testRedis(opts: { forQueues?: boolean; cluster?: string } = {}): Promise<TestRedis> {
  const redis = opts.cluster
    ? createRedis({ redisUrl: opts.cluster, redisCluster: true }, { forQueues: opts.forQueues ?? false })
    : new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: opts.forQueues ? null : 3 });
  const prefix = uniquePrefix();
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteDeploymentKeys(redis, prefix);
}
