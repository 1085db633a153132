import type { Redis } from 'ioredis';

/**
 * Deletes every key that starts with `prefix` (SCAN + UNLINK, never KEYS): used by `dev --demo`
 * to start from nothing, by the benchmark to clean up, and by tests.
 */
export async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) deleted += await redis.unlink(...found);
  } while (cursor !== '0');
  return deleted;
}
