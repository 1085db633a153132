// Composition root of a deliver worker process (`newsletter worker`, or `node --import tsx
// workers/worker.ts`, configured through the environment only). Runs the deliver and fan-out
// workers and, when the templates are at hand, the transactional (confirmation mail) worker.
// Stateless: start as many as you like, on any machine pointed at the same Redis.
//
// Shutdown in two steps (SIGTERM/SIGINT): stop taking jobs and wait for those in flight, then
// close SMTP and Redis and exit 0. A second signal exits at once (the ledger and BullMQ's
// stalled-job check make even that safe: in-flight jobs come back to another worker).
import { encodedSizes } from '../src/mail/index.ts';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'bullmq';
import { createLogger, type Logger } from '../src/logging/logger.ts';
import { startCampaignWorkers, type CampaignWorkerOptions } from '../src/campaign/campaign-workers.ts';
import { guardSecrets, loadConfig, readEnvironment, type Config } from '../src/config/index.ts';
import { loadNewsletters, loadTemplates } from '../src/content/index.ts';
import { UserError } from '../src/errors.ts';
import { createSmtpMailer, prepareIssueMime } from '../src/mail/index.ts';
import { latestIssueUrl, RedisArchiveSource } from '../src/http/archive-source.ts';
import { redisDurabilityWarnings } from '../src/http/redis-durability.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { serveMetrics } from '../src/metrics/metrics-server.ts';
import { createRedis, watchRedisReachability } from '../src/redis/connection.ts';
import { resolvePartitions } from '../src/redis/partitions.ts';
import { lazyRenderer } from '../src/render/lazy-renderer.ts';
import { fromHeader, startTransactionalWorker } from '../src/subscribers/confirmation-mail.ts';
import { RedisSubscriberStore } from '../src/subscribers/redis-store.ts';
import { signListToken } from '../src/subscribers/tokens.ts';

export interface RunWorkerOptions {
  /** Deliver jobs in flight in this process; default config.workerConcurrency. */
  concurrency?: number;
  log?: Logger;
  /** Overrides for tests (short backoff, short pause re-check…). */
  campaign?: Partial<CampaignWorkerOptions>;
  /** Skip the confirmation-mail worker (e.g. a machine without emails/). Default: start it. */
  transactional?: boolean;
}

export interface RunningWorker {
  /** Two-step stop: no new jobs, in-flight ones finish; then SMTP and Redis are closed. */
  close(): Promise<void>;
}

export async function runWorker(config: Readonly<Config>, opts: RunWorkerOptions = {}): Promise<RunningWorker> {
  const log = opts.log ?? createLogger({ level: config.logLevel, base: { pid: process.pid, role: 'worker' } });
  const concurrency = opts.concurrency ?? config.workerConcurrency;
  const connection = createRedis(config, { forQueues: true, name: 'newsletter-worker' });
  // Our own per-message commands (subscriber reads, ledger) on a second, auto-pipelined client.
  const data = createRedis(config, { forQueues: true, autoPipelining: true, name: 'newsletter-worker-data' });
  // Redis down: one clear line, then quiet retries (counted, reported when it answers again).
  const stopWatching = watchRedisReachability([connection, data], config, { error: (msg) => log.error(msg), info: (obj, msg) => log.info(obj, msg) });
  const partitions = await resolvePartitions(data, config.keyPrefix, config.queuePartitions);
  const k = partitions.base;
  const store = new RedisSubscriberStore(data, partitions);
  // One pooled transport per process, shared by every job; the queue owns retries, not the pool.
  const mailer = createSmtpMailer({ smtpUrl: config.smtpUrl, ehlo: config.smtpEhlo, dkim: config.dkim, pool: { maxConnections: Math.max(1, Math.min(concurrency, 16)) } });

  const metrics = createMetrics();
  const campaign = startCampaignWorkers(
    {
      connection,
      data,
      partitions,
      store,
      mailer,
      // The address from MAIL_FROM, the display name of the issue's newsletter.
      prepare: (published) =>
        prepareIssueMime(published, { from: fromHeader(config.mailFrom, published.senderName ?? published.newsletterName).header, publicUrl: config.publicUrl, dkim: config.dkim, secrets: config.secrets, ...(config.bounceAddress ? { verp: { bounceAddress: config.bounceAddress, secrets: config.secrets } } : {}) }),
      signToken: (subscriberId, listId) => signListToken(config.secrets, subscriberId, listId),
      log,
      onSmtpReply: (outcome, seconds) => metrics.smtpLatency.observe({ outcome }, seconds),
    },
    { concurrency, rateLimitPerSecond: config.rateLimitPerSecond, lockDurationMs: config.workerLockDurationMs, stalledIntervalMs: config.workerStalledIntervalMs, ...opts.campaign },
  );

  let transactional: Worker | null = null;
  if (opts.transactional !== false) {
    try {
      const [newsletters, templates] = await Promise.all([loadNewsletters(config.emailsDir), loadTemplates(config.emailsDir)]);
      if (!newsletters.length) throw new UserError(`no newsletter settings in ${config.emailsDir}/newsletters`);
      const latest = latestIssueUrl(new RedisArchiveSource(data, k, partitions.keys), config.publicUrl);
      transactional = startTransactionalWorker({ config, connection, prefix: config.keyPrefix, store, renderer: lazyRenderer(templates, { assetsUrl: config.assetsUrl, encodedSizes }), newsletters, mailer, latestIssueUrl: latest, logger: log });
    } catch (error) {
      // Deliveries do not need the templates; say clearly why confirmations are not sent here.
      log.error({ err: (error as Error).message, emailsDir: config.emailsDir }, 'confirmation-mail worker NOT started (set EMAILS_DIR to the emails/ folder)');
    }
  }
  const metricsServer = config.workerMetricsPort ? await serveMetrics(metrics, { port: config.workerMetricsPort, host: config.host, ...(config.metricsToken ? { token: config.metricsToken } : {}), log: (msg) => log.info(msg) }) : null;
  log.info({ concurrency, rateLimitPerSecond: config.rateLimitPerSecond, transactional: transactional !== null, ...(metricsServer ? { metricsPort: metricsServer.port } : {}) }, 'worker started');
  // Without noeviction and AOF, queued jobs can vanish (docs/architecture.md, Delivery
  // semantics). Not awaited: while Redis is unreachable the check waits with every other command.
  void redisDurabilityWarnings(connection).then((warnings) => {
    for (const warning of warnings) log.warn(warning);
  });

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        log.info('worker stopping: no new jobs, waiting for those in flight');
        await Promise.all([campaign.close(), transactional?.close(), metricsServer?.close()]);
        await mailer.close();
        stopWatching();
        await Promise.all([connection, data].map((client) => client.quit().catch(() => client.disconnect())));
        log.info('worker stopped');
      })();
      return closing;
    },
  };
}

/** How long a graceful stop may take: a job in flight holds its lock at most this long, plus margin. */
const closeTimeoutMs = (config: Readonly<Config>) => config.workerLockDurationMs + 5_000;

/** `--concurrency N` from the command line (the CLI command passes it; env is the default). */
function concurrencyFromArgs(argv: string[]): number | undefined {
  const i = argv.indexOf('--concurrency');
  if (i < 0) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new UserError(`--concurrency must be a whole number ≥ 1, got "${argv[i + 1] ?? ''}"`);
  return value;
}

/** Runs until SIGTERM/SIGINT; used by this file as an entry and by `newsletter worker`. */
export async function main(argv = process.argv.slice(2), env = readEnvironment(), concurrency?: number): Promise<void> {
  const config = loadConfig(env, ['SECRET']);
  // It signs unsubscribe links with SECRET: no change-me placeholder for a public site (whichever entry started it).
  const warning = guardSecrets(env, config, { command: 'worker' });
  if (warning) process.stderr.write(`newsletter worker: ${warning}\n`);
  // A worker's garbage lives for one SMTP transaction, long enough to be promoted, so V8 let
  // the old generation grow ~3.4× past the live heap (~22 MB) before collecting it: RSS 148–174
  // MB in a 10,000 send. Doubling at most keeps it at 126–133 MB with the same CPU per message
  // (bench, interleaved; README "Worker memory"). Read at every GC, so setting it now works.
  setFlagsFromString('--heap-growing-percent=100');
  const log = createLogger({ level: config.logLevel, base: { pid: process.pid, role: 'worker' } });
  // One handler per signal for the whole life of the process, installed before the worker
  // starts: a signal that comes while it starts (after it logged "worker started", before
  // runWorker returned) is kept and acted on once it is up. Swapping handlers instead would lose
  // it: Node hands a signal to the handler that was listening when the loop next runs, and one
  // removed in between takes the signal with it (the process neither stops nor dies of it).
  let worker: RunningWorker | null = null;
  let pending: string | null = null;
  let signals = 0;
  const stop = (signal: string) => {
    if (!worker) {
      pending ??= signal;
      return;
    }
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now (in-flight jobs return to the queue)');
      process.exit(1);
    }
    // BullMQ's close waits for Redis; while Redis is unreachable it would wait forever. In-flight
    // jobs are safe either way (the ledger and the stalled-job check bring them back).
    const timer = setTimeout(() => {
      log.error({ signal, timeoutMs: closeTimeoutMs(config) }, 'worker did not stop in time (is Redis reachable?); exiting');
      process.exit(1);
    }, closeTimeoutMs(config));
    timer.unref();
    worker.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  worker = await runWorker(config, { log, concurrency: concurrency ?? concurrencyFromArgs(argv) });
  if (pending) stop(pending);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`newsletter worker: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
}
