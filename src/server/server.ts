// The HTTP server's composition root: creates the Redis clients, the subscriber store, the
// newsletters, the transactional queue and the process's one set of deliver and fan-out queues
// (openSends: the app sends through them, /metrics counts them), builds the app and listens. `newsletter serve`
// and `newsletter dev` call startServer; shutdown stops taking requests, lets the ones in
// flight finish, then closes the queues and Redis.
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createLogger, type Logger } from '../logging/logger.ts';
import type { Config } from '../config/index.ts';
import { loadNewsletters } from '../content/index.ts';
import { UserError } from '../errors.ts';
import { createRedis, isConnectionError, requireRedis, watchRedisReachability } from '../redis/connection.ts';
import { openSends } from '../campaign/sends.ts';
import { QUEUES } from '../redis/keys.ts';
import { resolvePartitions } from '../redis/partitions.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { buildApp } from './app.ts';
import { redisDurabilityWarnings } from '../redis/redis-durability.ts';
import { ClickStore } from '../reports/click-store.ts';

export interface RunningServer {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Stops accepting, drains in-flight requests, closes queues and Redis. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Overrides config.port (0: any free port). */
  port?: number;
  host?: string;
  logger?: Logger;
  /** Close on SIGTERM/SIGINT and exit (default true; `dev` handles signals itself). */
  handleSignals?: boolean;
  /** More route groups on the same server (e.g. `dev`'s capture inbox pages). */
  plugins?: FastifyPluginAsync[];
}

const SHUTDOWN_GRACE_MS = 10_000;
/** A person's click is held two seconds for the burst rule (click-store.ts); this counts the held ones whose time is up. */
const CLICK_COMMIT_MS = 1_000;

export async function startServer(config: Readonly<Config>, opts: StartServerOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  await requireRedis(config);
  const newsletters = await loadNewsletters(config.emailsDir);
  if (newsletters.length === 0)
    throw new UserError(`${config.emailsDir}/newsletters: no newsletter settings file (*.yaml); the subscribe page needs at least one`);

  const redis = createRedis(config, { name: 'newsletter-http' });
  const queueConnection = createRedis(config, { forQueues: true, name: 'newsletter-http-queues' });
  // Redis lost after start: one clear line, then quiet retries (counted, reported when it answers again).
  watchRedisReachability([redis, queueConnection], config, { error: (msg) => log.error(msg), info: (obj, msg) => log.info(obj, msg) });
  for (const warning of await redisDurabilityWarnings(redis)) log.warn(warning);

  const partitions = await resolvePartitions(redis, config.keyPrefix, config.queuePartitions);
  const onQueueError = (err: Error, queue: string) => isConnectionError(err) || log.warn({ err: err.message, queue }, 'queue error');
  const transactionalQueue = new Queue(QUEUES.transactional, { connection: queueConnection, prefix: config.keyPrefix });
  transactionalQueue.on('error', (err) => onQueueError(err, transactionalQueue.name));
  // One deliver and one fan-out queue per partition in this process: the app sends through them
  // and /metrics reports them (`deliver@2` for partition 2 of several).
  const sends = openSends(redis, partitions, queueConnection, onQueueError);
  const metricsQueues: Record<string, Queue> = {};
  sends.shards.forEach(({ queues }, p) => {
    const suffix = partitions.count === 1 ? '' : `@${p}`;
    metricsQueues[`${QUEUES.deliver}${suffix}`] = queues.deliver;
    metricsQueues[`${QUEUES.fanout}${suffix}`] = queues.fanout;
  });

  const app = await buildApp({
    config,
    redis,
    store: new RedisSubscriberStore(redis, partitions),
    partitions,
    newsletters,
    transactionalQueue,
    metricsQueues,
    sends,
    logger: log,
  });
  for (const plugin of opts.plugins ?? []) await app.register(plugin);

  // The one place a server commits clicks (the click route only holds them): a held click counts
  // within about 2 s + CLICK_COMMIT_MS. Any number of serve processes may run it: each held
  // click is counted by one commit.
  const stopCommitting = new ClickStore(redis, partitions.base).commitEvery(
    CLICK_COMMIT_MS,
    (error) => isConnectionError(error) || log.warn({ err: error.message }, 'click commit failed'),
  );

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopCommitting();
      await app.close();
      await Promise.allSettled([transactionalQueue.close(), sends.close()]);
      await Promise.allSettled([redis.quit(), queueConnection.quit()]);
    })());

  let url: string;
  try {
    await app.listen({ port: opts.port ?? config.port, host: opts.host ?? config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (opts.port ?? config.port);
    url = `http://${opts.host ?? config.host}:${port}`;
  } catch (error) {
    await close();
    throw error instanceof Error && 'code' in error && error.code === 'EADDRINUSE'
      ? new UserError(`PORT: ${opts.port ?? config.port} is already in use; choose another with --port or PORT`)
      : error;
  }

  if (opts.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down: finishing requests in flight');
      const force = setTimeout(() => {
        log.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      close().then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  // Said after the signal handlers are in place: whoever waits for this line may signal at once.
  log.info({ url, publicUrl: config.publicUrl, newsletters: newsletters.map((n) => n.id) }, `listening on ${url}`);
  return { app, url, close };
}
