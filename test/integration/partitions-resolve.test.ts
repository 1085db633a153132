// resolvePartitions against a real Redis: the first process stores P, later ones follow it, and
// a QUEUE_PARTITIONS that disagrees with the stored P is refused with what to do (ids and
// addresses map to partitions through P: a silent change would lose every subscriber).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { partitionCountKey, PartitionCountError, partitionPrefix, resolvePartitions } from '../../src/redis/partitions.ts';
import { testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis();
});
afterEach(async () => {
  await t.cleanup();
});

describe('resolvePartitions', () => {
  it('one Redis and nothing asked: one partition, stored', async () => {
    const parts = await resolvePartitions(t.redis, t.prefix);
    expect(parts.count).toBe(1);
    expect(parts.keys[0]!.prefix).toBe(t.prefix);
    expect(await t.redis.get(partitionCountKey(t.prefix))).toBe('1');
  });

  it('QUEUE_PARTITIONS is stored by the first process; later ones follow it without being told', async () => {
    expect((await resolvePartitions(t.redis, t.prefix, 3)).count).toBe(3);
    expect((await resolvePartitions(t.redis, t.prefix)).count).toBe(3);
    expect((await resolvePartitions(t.redis, t.prefix, 3)).keys.map((k) => k.prefix)).toEqual([0, 1, 2].map((p) => partitionPrefix(t.prefix, p, 3)));
  });

  it('a QUEUE_PARTITIONS that disagrees with the stored P is refused, naming both and the way out', async () => {
    await resolvePartitions(t.redis, t.prefix, 2);
    const error = await resolvePartitions(t.redis, t.prefix, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionCountError);
    expect((error as Error).message).toMatch(/QUEUE_PARTITIONS=4.*2 partition\(s\).*set it to 2/);
    expect(await t.redis.get(partitionCountKey(t.prefix))).toBe('2');
  });

  it('a stored value that is no count is refused, not guessed', async () => {
    await t.redis.set(partitionCountKey(t.prefix), 'many');
    await expect(resolvePartitions(t.redis, t.prefix)).rejects.toThrow(/not a partition count from 1 to 64/);
  });
});

describe('QUEUE_PARTITIONS in the config', () => {
  const base = { SECRET: 'x'.repeat(32), ADMIN_TOKEN: 'y'.repeat(24) };
  it('is optional, a whole number from 1 to 64', () => {
    expect(loadConfig(base).queuePartitions).toBeUndefined();
    expect(loadConfig({ ...base, QUEUE_PARTITIONS: '3' }).queuePartitions).toBe(3);
    for (const bad of ['0', '65', '1.5', 'three']) expect(() => loadConfig({ ...base, QUEUE_PARTITIONS: bad }), bad).toThrow(/QUEUE_PARTITIONS/);
  });
});

describe('a deployment from before partitions', () => {
  it('is one partition, whatever the cluster or QUEUE_PARTITIONS would choose; a different QUEUE_PARTITIONS is refused', async () => {
    await t.redis.set(`${t.prefix}:sub:seq`, '41');
    await expect(resolvePartitions(t.redis, t.prefix, 3)).rejects.toThrow(PartitionCountError);
    expect((await resolvePartitions(t.redis, t.prefix)).count).toBe(1);
    expect(await t.redis.get(partitionCountKey(t.prefix))).toBe('1');
  });
});
