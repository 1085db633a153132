// A deliver worker, as a library: runs the deliver and fan-out workers and, when the templates
// are at hand, the transactional (confirmation mail) worker, until close(). Stateless: start as
// many as you like, on any machine pointed at the same Redis. The process around it (config,
// signals, exit) is worker-main.ts; `newsletter dev` and the tests run it in their own process.
//
// close() stops in two steps: no new jobs, and those in flight finish; then SMTP and Redis close.
import type { Worker } from 'bullmq';
import { latestIssueUrl, RedisArchiveSource } from '../archive/archive-source.ts';
import { startCampaignWorkers, type CampaignWorkerOptions } from '../campaign/queue/campaign-workers.ts';
import type { Config } from '../config/index.ts';
import { loadNewsletters, loadTemplates } from '../content/index.ts';
import { UserError } from '../errors.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { createSmtpMailer, encodedSizes, prepareIssueMime } from '../mail/index.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { serveMetrics } from '../metrics/metrics-server.ts';
import { createRedis, watchRedisReachability } from '../redis/connection.ts';
import { redisDurabilityWarnings } from '../redis/redis-durability.ts';
import { resolvePartitions } from '../redis/partitions.ts';
import { lazyRenderer } from '../render/lazy-renderer.ts';
import { fromHeader } from '../subscribers/from-header.ts';
import { startTransactionalWorker } from '../subscribers/transactional-worker.ts';
import { MEMBER_LINK_JOB, memberLinkJob } from '../team/member-link-mail.ts';
import { UserStore } from '../team/user-store.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { signListToken } from '../subscribers/tokens.ts';
import { clickTokenSigner } from '../reports/click-token.ts';

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
  const mailer = createSmtpMailer({
    smtpUrl: config.smtpUrl,
    ehlo: config.smtpEhlo,
    dkim: config.dkim,
    pool: { maxConnections: Math.max(1, Math.min(concurrency, 16)) },
  });

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
        prepareIssueMime(published, {
          from: fromHeader(config.mailFrom, published.senderName ?? published.newsletterName).header,
          publicUrl: config.publicUrl,
          dkim: config.dkim,
          secrets: config.secrets,
          ...(config.bounceAddress ? { verp: { bounceAddress: config.bounceAddress, secrets: config.secrets } } : {}),
          // A list send's campaign id is its issue id; a test send's copy is never tracked.
          clickToken: clickTokenSigner(config.secrets, published.issueId),
        }),
      signToken: (subscriberId, listId) => signListToken(config.secrets, subscriberId, listId),
      log,
      onSmtpReply: (outcome, seconds) => metrics.smtpLatency.observe({ outcome }, seconds),
    },
    {
      concurrency,
      rateLimitPerSecond: config.rateLimitPerSecond,
      lockDurationMs: config.workerLockDurationMs,
      stalledIntervalMs: config.workerStalledIntervalMs,
      ...opts.campaign,
    },
  );

  let transactional: Worker | null = null;
  if (opts.transactional !== false) {
    try {
      const [newsletters, templates] = await Promise.all([loadNewsletters(config.emailsDir), loadTemplates(config.emailsDir)]);
      if (!newsletters.length) throw new UserError(`no newsletter settings in ${config.emailsDir}/newsletters`);
      const latest = latestIssueUrl(new RedisArchiveSource(data, k, partitions.keys), config.publicUrl);
      transactional = startTransactionalWorker({
        config,
        connection,
        prefix: config.keyPrefix,
        store,
        renderer: lazyRenderer(templates, { assetsUrl: config.assetsUrl, encodedSizes }),
        newsletters,
        mailer,
        latestIssueUrl: latest,
        logger: log,
        otherJobs: { [MEMBER_LINK_JOB]: memberLinkJob({ users: new UserStore(data, k), mailer, config }) },
      });
    } catch (error) {
      // Deliveries do not need the templates; say clearly why confirmations are not sent here.
      log.error({ err: (error as Error).message, emailsDir: config.emailsDir }, 'confirmation-mail worker NOT started (set EMAILS_DIR to the emails/ folder)');
    }
  }
  const metricsServer = config.workerMetricsPort
    ? await serveMetrics(metrics, {
        port: config.workerMetricsPort,
        host: config.host,
        ...(config.metricsToken ? { token: config.metricsToken } : {}),
        log: (msg) => log.info(msg),
      })
    : null;
  log.info(
    {
      concurrency,
      rateLimitPerSecond: config.rateLimitPerSecond,
      transactional: transactional !== null,
      ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    },
    'worker started',
  );
  // Without noeviction and AOF, queued jobs can vanish (docs/architecture.md, Delivery
  // semantics). Not awaited: while Redis is unreachable the check waits with every other command.
  // A check still waiting when the worker is told to stop says nothing: its line would come after
  // "worker stopped" (the last line a supervisor reads), and the next start checks again.
  let closing: Promise<void> | null = null;
  void redisDurabilityWarnings(connection).then((warnings) => {
    if (closing !== null) return;
    for (const warning of warnings) log.warn(warning);
  });

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
