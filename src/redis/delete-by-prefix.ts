import type { Redis } from './connection.ts';
import { forEachKeyPage } from './scan-keys.ts';

/**
 * Deletes every key that starts with `prefix` (SCAN + UNLINK, never KEYS): used by `dev --demo`
 * to start from nothing, by the benchmark to clean up, and by tests.
 */
export async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  return deleteMatching(redis, `${prefix}*`, () => true);
}

/**
 * Deletes a deployment's keys: those under the hash tag `prefix` (`{nl}`) and under its
 * partitions' tags (`{nl.0}`, `{nl.1.2}`, … see partitions.ts), in one SCAN.
 */
export async function deleteDeploymentKeys(redis: Redis, prefix: string): Promise<number> {
  if (!prefix.endsWith('}')) return deleteKeysByPrefix(redis, prefix);
  const stem = prefix.slice(0, -1);
  const ours = new RegExp(`^${stem.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}(?:\\.[0-9]+(?:\\.[0-9]+)?)?\\}`);
  return deleteMatching(redis, `${stem}*`, (key) => ours.test(key));
}

/** UNLINKs the keys SCAN finds for `pattern` that `keep` accepts. */
async function deleteMatching(redis: Redis, pattern: string, keep: (key: string) => boolean): Promise<number> {
  let deleted = 0;
  await forEachKeyPage(redis, pattern, async (found, node) => {
    // One key at a time on a cluster would be slow; keys of one hash tag share a slot, and
    // UNLINK of keys from different slots is refused, so group them by slot first.
    for (const group of bySlot(found.filter(keep))) deleted += await node.unlink(...group);
  });
  return deleted;
}

/** Keys grouped by their hash tag (`{…}`), the part Redis Cluster hashes; untagged keys alone. */
function bySlot(keys: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const tag = /\{([^}]+)\}/.exec(key)?.[1] ?? `\u0000${key}`;
    const group = groups.get(tag);
    if (group) group.push(key);
    else groups.set(tag, [key]);
  }
  return [...groups.values()];
}
