// What the Redis server reports about itself: memory (INFO memory → used_memory), CPU time
// (INFO cpu), per-command counters (INFO commandstats), and the bytes held by the keys under one
// prefix (MEMORY USAGE), which other clients of the same Redis cannot disturb. On a Redis
// Cluster each figure is the sum over its masters (INFO answers for one node only), and the CPU
// is also given per node: one shard's CPU per message is what bounds a send on it.
import { masters, type Redis } from '../redis/connection.ts';
import { forEachKeyPage } from '../redis/scan-keys.ts';

async function sumOverMasters(redis: Redis, read: (node: Redis) => Promise<number>): Promise<number> {
  let total = 0;
  for (const node of masters(redis)) total += await read(node);
  return total;
}

export async function usedMemory(redis: Redis): Promise<number> {
  return sumOverMasters(redis, async (node) => {
    const info = await node.info('memory');
    const match = /^used_memory:(\d+)/m.exec(info);
    if (!match) throw new Error('Redis INFO memory has no used_memory field');
    return Number(match[1]);
  });
}

async function nodeCpuMs(node: Redis): Promise<number> {
  const info = await node.info('cpu');
  const user = /^used_cpu_user:([\d.]+)/m.exec(info);
  const sys = /^used_cpu_sys:([\d.]+)/m.exec(info);
  return (Number(user?.[1] ?? 0) + Number(sys?.[1] ?? 0)) * 1000;
}

/** CPU time each Redis master has used (INFO cpu: user + sys), in ms, by `host:port`: one entry for a single Redis; every client's work counts. */
export async function redisCpuMsByNode(redis: Redis): Promise<Map<string, number>> {
  const byNode = new Map<string, number>();
  for (const node of masters(redis)) byNode.set(`${node.options.host ?? '?'}:${node.options.port ?? '?'}`, await nodeCpuMs(node));
  return byNode;
}

/**
 * Which master holds each partition's shard of a send (`keyOf(p)`: a key of partition p): by
 * `host:port`, the partitions it holds. A master that does not own the key's slot answers MOVED.
 */
export async function partitionsByNode(redis: Redis, count: number, keyOf: (p: number) => string): Promise<Map<string, number[]>> {
  const nodes = masters(redis);
  const byNode = new Map<string, number[]>();
  for (let p = 0; p < count; p++) {
    for (const node of nodes) {
      const owns =
        nodes.length === 1 ||
        (await node.exists(keyOf(p)).then(
          () => true,
          (e: Error) => (/^MOVED/.test(e.message) ? false : Promise.reject(e)),
        ));
      if (!owns) continue;
      const name = `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
      byNode.set(name, [...(byNode.get(name) ?? []), p]);
      break;
    }
  }
  return byNode;
}

export type CommandStats = Map<string, { calls: number; usec: number }>;

/** INFO commandstats. Commands run inside Lua scripts are counted too (and inside evalsha's time). */
export async function commandStats(redis: Redis): Promise<CommandStats> {
  const stats: CommandStats = new Map();
  for (const node of masters(redis)) {
    for (const match of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      const seen = stats.get(match[1]!) ?? { calls: 0, usec: 0 };
      stats.set(match[1]!, { calls: seen.calls + Number(match[2]), usec: seen.usec + Number(match[3]) });
    }
  }
  return stats;
}

/** Per-message calls and server µs of the `top` costliest commands between two snapshots. */
export function commandsPerMessage(
  before: CommandStats,
  after: CommandStats,
  messages: number,
  top = 8,
): Array<{ command: string; calls: number; usec: number }> {
  const rows = [...after].map(([command, a]) => {
    const b = before.get(command) ?? { calls: 0, usec: 0 };
    return { command, calls: (a.calls - b.calls) / messages, usec: (a.usec - b.usec) / messages };
  });
  return rows
    .filter((r) => r.calls > 0)
    .sort((x, y) => y.usec - x.usec)
    .slice(0, top);
}

/** Sum of MEMORY USAGE over every key matching `pattern` (SAMPLES 0: exact, not sampled). */
export async function keysMemory(redis: Redis, pattern: string): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let keys = 0;
  await forEachKeyPage(redis, pattern, async (found, node) => {
    const pipeline = node.pipeline();
    for (const key of found) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    for (const [error, value] of (await pipeline.exec()) ?? []) {
      if (!error && typeof value === 'number') {
        bytes += value;
        keys += 1;
      }
    }
  });
  return { bytes, keys };
}

/** Polls used_memory every `intervalMs` and keeps the highest value seen. */
export function startMemoryPoller(redis: Redis, intervalMs = 100): { peak(): number; stop(): Promise<number> } {
  let peak = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      peak = Math.max(peak, await usedMemory(redis));
    } catch {
      // a missed sample is acceptable; the next one comes 100 ms later
    } finally {
      busy = false;
    }
  };
  void sample();
  const timer = setInterval(sample, intervalMs);
  return {
    peak: () => peak,
    async stop() {
      clearInterval(timer);
      await sample();
      return peak;
    },
  };
}
