// Creates ioredis clients: one Redis, or (REDIS_CLUSTER=true) ioredis' Cluster client over the
// seed nodes in REDIS_URL. Composition roots call this; library code receives the client.
//
// A Cluster client is handed on typed as `Redis`: ioredis gives both the same command API
// (commands, pipelines, MULTI, defineCommand scripts, which it routes by key slot), and every
// key we use carries a hash tag so multi-key commands and scripts stay on one slot. The one
// thing that is per node, SCAN, goes through `masters()` below; nothing else may look inside.
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import type { Config } from '../config/index.ts';
import { UserError } from '../errors.ts';

export type { Redis } from 'ioredis';

/** Where Redis is: Config's two fields (a test may pass its own). */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisCluster'>;

/** The seed nodes of a cluster REDIS_URL (`redis://a:7000,redis://b:7001`), with their options. */
function seeds(target: RedisTarget): { nodes: ClusterNode[]; options: RedisOptions } {
  const urls = target.redisUrl.split(',').map((u) => new URL(u.trim()));
  const first = urls[0]!;
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    options: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

/**
 * `autoPipelining` sends every command issued in one event-loop turn in one write: for a
 * process running many jobs at once (a deliver worker) that saves a socket write and a Redis
 * read per command. Not for clients handed to BullMQ (its maintainers have not vouched for it).
 *
 * `forQueues` clients are handed to BullMQ Workers/Queues, which need
 * `maxRetriesPerRequest: null` so that blocking commands survive a Redis restart.
 */
export function createRedis(target: RedisTarget, opts: { forQueues?: boolean; name?: string; autoPipelining?: boolean } = {}): Redis {
  const common = { connectionName: opts.name, maxRetriesPerRequest: opts.forQueues ? null : 3, enableReadyCheck: true };
  if (!target.redisCluster) {
    return new Redis(target.redisUrl, { ...common, lazyConnect: false, enableAutoPipelining: opts.autoPipelining ?? false });
  }
  const { nodes, options } = seeds(target);
  const cluster = new Cluster(nodes, {
    redisOptions: { ...options, ...common },
    enableReadyCheck: true,
    enableAutoPipelining: opts.autoPipelining ?? false,
    // BullMQ's blocking commands must wait out a failover as they wait out a restart.
    ...(opts.forQueues ? { maxRedirections: 32, retryDelayOnFailover: 200 } : {}),
  });
  return cluster as unknown as Redis;
}

/** The client itself, or each master of a cluster: for per-node commands (SCAN). */
export function masters(client: Redis): Redis[] {
  const cluster = client as unknown as Partial<Cluster>;
  return cluster.isCluster && cluster.nodes ? (cluster.nodes('master') as Redis[]) : [client];
}

/** The URL(s) with passwords masked, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url
    .split(',')
    .map((one) => {
      try {
        const u = new URL(one.trim());
        if (u.password) u.password = '***';
        return u.toString();
      } catch {
        return '(unparsable REDIS_URL)';
      }
    })
    .join(',');
}

/**
 * For composition roots: checks that Redis answers before anything is built on it, so a
 * stopped Redis is one clear line (naming REDIS_URL, password masked), not a retry loop.
 */
export async function requireRedis(target: RedisTarget): Promise<void> {
  try {
    await pingRedis(target);
  } catch (error) {
    throw new UserError(unreachableRedis(target, error));
  }
}

/** The one line that says Redis cannot be reached, naming REDIS_URL (password masked) and what to do. */
export function unreachableRedis(target: RedisTarget, error: unknown): string {
  const reason = error instanceof Error && error.message ? error.message : 'connection refused';
  const what = target.redisCluster ? 'a Redis Cluster' : 'Redis';
  return `REDIS_URL: cannot reach ${what} at ${redactRedisUrl(target.redisUrl)} (${reason}); start one (redis-server) or set REDIS_URL${target.redisCluster ? ' and REDIS_CLUSTER' : ''}`;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** An error that only says Redis is out of reach (watchRedisReachability reports those, once). */
export function isConnectionError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    /^(Connection is closed|connect E[A-Z]+|Stream isn't writeable|Reached the max retries)/.test(error.message)
  );
}

/**
 * For long-running processes whose clients retry on their own (a worker): says once that Redis
 * cannot be reached (the same line as requireRedis), then counts the failed attempts quietly and
 * says how many when it answers again. Returns a function that stops watching.
 */
export function watchRedisReachability(
  clients: readonly Redis[],
  target: RedisTarget,
  log: { error(msg: string): void; info(obj: object, msg: string): void },
): () => void {
  let failures = 0;
  const onError = (error: Error) => {
    if (failures++ === 0) log.error(`${unreachableRedis(target, error)} (retrying until it answers)`);
  };
  const onReady = () => {
    if (failures > 0) log.info({ failedAttempts: failures }, 'redis reachable again');
    failures = 0;
  };
  for (const client of clients) client.on('error', onError).on('ready', onReady);
  return () => {
    for (const client of clients) client.off('error', onError).off('ready', onReady);
  };
}

/** Resolves when Redis (every slot of a cluster) answers, rejects with a one-line reason after `timeoutMs`. */
export async function pingRedis(target: RedisTarget | string, timeoutMs = 1500): Promise<void> {
  const t: RedisTarget = typeof target === 'string' ? { redisUrl: target, redisCluster: false } : target;
  if (!t.redisCluster) {
    const client = new Redis(t.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
    return;
  }
  const { nodes, options } = seeds(t);
  const cluster = new Cluster(nodes, {
    lazyConnect: true,
    clusterRetryStrategy: () => null,
    enableOfflineQueue: true,
    redisOptions: { ...options, connectTimeout: timeoutMs, maxRetriesPerRequest: 0 },
  });
  cluster.on('error', () => {});
  const timer = setTimeout(() => cluster.disconnect(), timeoutMs * 2);
  try {
    await cluster.connect();
    const info = String(await cluster.cluster('INFO'));
    if (!/cluster_state:ok/.test(info)) throw new Error('the cluster is not ready (cluster_state is not ok: are all slots assigned?)');
  } finally {
    clearTimeout(timer);
    cluster.disconnect();
  }
}
