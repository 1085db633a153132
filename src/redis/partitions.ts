// Partitions (QUEUE_PARTITIONS = P): how subscribers and sends spread over Redis Cluster slots.
//
// Partition p of P has its own hash tag, `{nl.p}` for KEY_PREFIX `{nl}` (see partitionPrefix; KEY_PREFIX cannot contain a dot, so no other deployment's tag looks like it), and holds the records,
// address index, list bitmaps and counters of the subscribers whose address hashes to it, plus,
// for every send, that partition's shard: its campaign hash (state and counters), ledger and
// deliver/fan-out queues. A Lua script of one partition touches that partition's keys only, so
// the ledger's claim still reads the subscriber in the same step as it claims the entry.
// What is deployment-wide (published issues, the archive index, sessions, confirmation tokens,
// rate limits, webhook replay guards) stays under the KEY_PREFIX tag itself.
//
// With P = 1 (the default on one Redis) the one partition IS the KEY_PREFIX tag: every key has
// the name it had before partitions existed, so a single-Redis deployment needs no migration.
//
// Ids carry their partition: id = seq × P + p (seq counted per partition), so a link, a VERP
// address or a job that names a subscriber needs no lookup to find where they live. Because
// ids and addresses map to partitions through P, P is fixed once a deployment has data: the
// first process stores it (`{nl}:partitions`) and every later one must agree.
import { createHash } from 'node:crypto';
import keySlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import { keys as keysFor, type Keys } from './keys.ts';
import { masters } from './connection.ts';
import { forEachKeyPage } from './scan-keys.ts';
import { isSubscriberId } from './subscriber-id.ts';

export interface Partitions {
  /** P: how many partitions. */
  count: number;
  /** Deployment-wide keys (the KEY_PREFIX tag). */
  base: Keys;
  /** Each partition's keys; `[base]` when P = 1. */
  keys: readonly Keys[];
  /** The partition of a subscriber id (id mod P); -1 for something that is not an id. */
  ofId(id: string): number;
  /** The partition of a normalised address. */
  ofEmail(normalisedEmail: string): number;
}

/** The partition of subscriber id `id` among `count` (id mod count); -1 for something that is not an id. */
export function partitionOfId(id: string, count: number): number {
  return isSubscriberId(id) ? Number(BigInt(id) % BigInt(count)) : -1;
}

/** Most partitions a deployment may have (each costs a queue pair per worker process). */
export const MAX_PARTITIONS = 64;

/** Redis Cluster's slots (CRC16 of the hash tag mod 16,384). */
const SLOTS = 16_384;

/**
 * Partition p of `count`'s hash tag: `{nl.p}`, or `{nl.p.k}` with the smallest k that puts its
 * slot in the p-th of `count` equal slot ranges. A cluster made by `redis-cli --cluster create`
 * gives its masters equal contiguous ranges, so P = the number of masters puts one partition
 * on each (plain `{nl.0}`, `{nl.1}`, `{nl.2}` may put two of three on one master).
 */
export function partitionPrefix(prefix: string, p: number, count: number): string {
  const stem = prefix.endsWith('}') ? prefix.slice(1, -1) : prefix;
  const [from, to] = [Math.floor((p * SLOTS) / count), Math.floor(((p + 1) * SLOTS) / count)];
  for (let k = 0; ; k++) {
    const tag = k === 0 ? `${stem}.${p}` : `${stem}.${p}.${k}`;
    const slot = keySlot(tag);
    if (slot >= from && slot < to) return prefix.endsWith('}') ? `{${tag}}` : tag;
  }
}

/**
 * Partition p's keys: subscriber and send keys under its own tag, deployment-wide ones from
 * `base` (a worker of partition p reads the published issue that `publish` wrote once).
 */
function partitionKeys(base: Keys, p: number, count: number): Keys {
  const own = keysFor(partitionPrefix(base.prefix, p, count));
  return {
    ...own,
    confirmToken: base.confirmToken,
    confirmUsed: base.confirmUsed,
    rateLimit: base.rateLimit,
    rendered: base.rendered,
    archiveIndex: base.archiveIndex,
    adminSession: base.adminSession,
    adminImport: base.adminImport,
    webhookSeen: base.webhookSeen,
  };
}

export function partitionsFor(prefix: string, count = 1): Partitions {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS)
    throw new RangeError(`partitions must be an integer from 1 to ${MAX_PARTITIONS}, got ${count}`);
  const base = keysFor(prefix);
  const list = count === 1 ? [base] : Array.from({ length: count }, (_, p) => partitionKeys(base, p, count));
  return {
    count,
    base,
    keys: list,
    ofId: (id) => partitionOfId(id, count),
    ofEmail: (email) => (count === 1 ? 0 : createHash('sha1').update(email).digest().readUInt32BE(0) % count),
  };
}

/** One partition with the given keys (a test's, or a store opened on plain Keys). */
export function singlePartition(keys: Keys): Partitions {
  return { count: 1, base: keys, keys: [keys], ofId: (id) => partitionOfId(id, 1), ofEmail: () => 0 };
}

/**
 * P for a deployment that has none stored. Data from before partitions existed (ids handed out
 * under KEY_PREFIX itself) is one partition: its keys and ids are exactly those of P = 1.
 * Partitioned data without a stored P (the key deleted or lost in a restore) is never guessed
 * at: only a QUEUE_PARTITIONS whose tags are the ones found is taken.
 */
async function firstPartitionCount(redis: Redis, prefix: string, wanted: number | undefined): Promise<number> {
  if ((await redis.exists(keysFor(prefix).subscriberSeq())) === 1) return 1;
  const stem = prefix.endsWith('}') ? prefix.slice(0, -1) : prefix;
  const tags = new Set<string>();
  await forEachKeyPage(redis, `${stem}.*:sub:seq`, async (found) => {
    for (const k of found) tags.add(k.slice(0, -':sub:seq'.length));
  });
  if (tags.size === 0) return wanted ?? Math.min(MAX_PARTITIONS, masters(redis).length);
  const expected = wanted ? new Set(partitionsFor(prefix, wanted).keys.map((k) => k.prefix)) : null;
  if (expected && [...tags].every((t) => expected.has(t))) return wanted!;
  throw new PartitionCountError(
    `Redis holds partitioned subscribers (${[...tags].sort().slice(0, 4).join(', ')}${tags.size > 4 ? ', …' : ''}) but no partition count at ${partitionCountKey(prefix)}; ` +
      `set QUEUE_PARTITIONS to the number this deployment was made with (nothing is written until it matches)`,
  );
}

/** The key that records P once a deployment has data. */
export function partitionCountKey(prefix: string): string {
  return `${prefix}:partitions`;
}

export class PartitionCountError extends UserError {
  override name = 'PartitionCountError';
}

/**
 * The deployment's partitions. P is the stored one; without one, 1 for data from before
 * partitions, else QUEUE_PARTITIONS (`wanted`), or the number of masters on a Redis Cluster, or
 * 1, and that is stored for every later process. QUEUE_PARTITIONS that differs from the stored P is refused: ids and addresses map
 * to partitions through P, so changing it would lose track of every subscriber.
 */
export async function resolvePartitions(redis: Redis, prefix: string, wanted?: number): Promise<Partitions> {
  const key = partitionCountKey(prefix);
  if ((await redis.get(key)) === null) {
    // SET NX then GET (not SET NX GET, which Redis before 7.0 refuses): whoever came first wins.
    await redis.set(key, String(await firstPartitionCount(redis, prefix, wanted)), 'NX');
  }
  const stored = await redis.get(key);
  const count = Number(stored);
  if (!Number.isInteger(count) || count < 1 || count > MAX_PARTITIONS) {
    throw new PartitionCountError(
      `Redis key ${key} holds ${JSON.stringify(stored)}, not a partition count from 1 to ${MAX_PARTITIONS}; set it to the deployment's QUEUE_PARTITIONS`,
    );
  }
  if (wanted !== undefined && wanted !== count) {
    throw new PartitionCountError(
      `QUEUE_PARTITIONS=${wanted}, but this deployment's subscribers and sends are spread over ${count} partition(s) (Redis key ${key}); ` +
        `unset QUEUE_PARTITIONS or set it to ${count} (changing it needs an export and re-import of the subscribers into a new KEY_PREFIX)`,
    );
  }
  return partitionsFor(prefix, count);
}
