// Redis must run with `maxmemory-policy noeviction` and AOF persistence, or queued jobs and
// subscribers can silently disappear (docs/architecture.md, Delivery semantics). The server
// checks at start and warns.
import type { Redis } from 'ioredis';

export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const [, aof] = (await redis.config('GET', 'appendonly')) as string[];
    const warnings: string[] = [];
    if (policy !== 'noeviction') {
      warnings.push(`Redis maxmemory-policy is "${policy}": under memory pressure it may evict queued jobs and subscribers; set it to noeviction`);
    }
    if (aof !== 'yes') {
      warnings.push('Redis AOF persistence is off (appendonly no): a Redis restart can lose recent subscribers and queued jobs; set appendonly yes');
    }
    return warnings;
  } catch (error) {
    // Managed Redis often disables CONFIG; say so rather than guess.
    return [
      `could not check Redis persistence settings (${error instanceof Error ? error.message : String(error)}); make sure maxmemory-policy is noeviction and AOF is on`,
    ];
  }
}
