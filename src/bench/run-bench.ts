// The benchmark's composition root: one run, on this machine, with real Redis under a fresh
// key prefix (deleted at the end) and a real SMTP sink process. Order: seed the list, measure
// one waiting job's cost, publish (timed), build the message once for the ceiling, run the
// ceilings, the naive baseline, the pipeline, then the ceilings again (the machine's speed
// drifts; a ceiling on each side of the pipeline keeps P / C fair). Everything started is
// stopped at the end, on error and on Ctrl-C.
import { encodedSizes } from '../mail/index.ts';
import { randomBytes } from 'node:crypto';
import { DEFAULT_FANOUT } from '../campaign/processors/fan-out.ts';
import { publishIssue, toPublishedIssue } from '../campaign/records/publish.ts';
import type { Config } from '../config/index.ts';
import { loadIssueFile } from '../content/index.ts';
import { prepareIssueMime } from '../mail/index.ts';
import { createRedis, requireRedis } from '../redis/connection.ts';
import { deleteDeploymentKeys } from '../redis/delete-by-prefix.ts';
import { resolvePartitions } from '../redis/partitions.ts';
import { createRenderer } from '../render/index.ts';
import { plural } from '../render/locales/format.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { fromHeader } from '../subscribers/from-header.ts';
import { signListToken } from '../subscribers/tokens.ts';
import type { BlastPath } from './blast-process.ts';
import { runCeiling, summariseCeiling, type CeilingRun } from './ceiling.ts';
import { killAllNow, stopAll } from './children.ts';
import { measureLedgerEntryCost, measureWaitingJobCost } from './redis-costs.ts';
import { NAIVE_FORM, runNaive } from './naive.ts';
import { runPipeline } from './pipeline.ts';
import { keysMemory, partitionsByNode, usedMemory } from './redis-info.ts';
import { checkTargets, machineInfo, type BenchResult } from './result.ts';
import { seedSubscribers } from './seed-subscribers.ts';
import { measurePersonalise, measureTrackedPersonalise } from './personalise-cost.ts';
import { startSinkProcess, type SinkHandle } from './sink.ts';

export interface BenchOptions {
  config: Readonly<Config>;
  issueFile: string;
  subscribers: number;
  workers: number;
  naive: number;
  ceilingMessages: number;
  /** QUEUE_PARTITIONS of the bench deployment; default as a deployment's (1 on one Redis, the masters on a cluster). */
  partitions?: number;
  /** Deliver jobs in flight per worker; the ceiling's blasters use the same. */
  concurrency: number;
  cpuProfDir?: string;
  log: (line: string) => void;
}

/** The SMTP pool size workers/worker.ts gives a worker of this concurrency; the ceiling uses the same. */
function mailPoolSize(concurrency: number): number {
  return Math.max(1, Math.min(concurrency, 16));
}

export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const { config, log } = o;
  const startedAt = new Date().toISOString();
  await requireRedis(config);
  const prefix = `{bench-${randomBytes(4).toString('hex')}}`;
  const redis = createRedis(config, { name: 'bench' });
  const queueConnection = createRedis(config, { forQueues: true, name: 'bench-queues' });
  let sink: SinkHandle | null = null;

  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await stopAll(5_000).catch(() => {});
      await sink?.stop().catch(() => {});
      await deleteDeploymentKeys(redis, prefix).catch((e: Error) => log(`could not delete ${prefix}* from Redis: ${e.message}`));
      redis.disconnect();
      queueConnection.disconnect();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the sink and workers, deleting ${prefix}* …`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', killAllNow);

  try {
    const { issue, newsletter, templates } = await loadIssueFile(o.issueFile);
    const listId = newsletter.listId;
    // Workers verify nothing the bench signs, but they need a key: a throwaway one, never the real SECRET.
    const secret = randomBytes(32).toString('base64url');
    const secrets = [{ version: 1, key: secret }];

    const parts = await resolvePartitions(redis, prefix, o.partitions);
    const k = parts.base;
    log(
      `bench: Redis prefix ${prefix} (${parts.count} ${plural('en', parts.count, { one: 'partition', other: 'partitions' })}), starting the SMTP sink process`,
    );
    sink = await startSinkProcess();

    log(`bench: creating ${o.subscribers.toLocaleString('en-US')} active subscribers`);
    const store = new RedisSubscriberStore(redis, parts);
    await seedSubscribers(store, listId, o.subscribers);
    let subscriberBytes = 0;
    for (const pk of parts.keys)
      subscriberBytes += (await keysMemory(redis, `${pk.prefix}:sub*`)).bytes + (await keysMemory(redis, `${pk.prefix}:list:*`)).bytes;

    const window = DEFAULT_FANOUT.window;
    log(`bench: measuring Redis bytes per waiting job (${window.toLocaleString('en-US')} jobs)`);
    const jobCost = await measureWaitingJobCost(queueConnection, prefix, { campaignId: issue.id, count: window, firstSubscriberId: o.subscribers + 1 });

    const baselineBytes = await usedMemory(redis);
    log('bench: publishing (render once + store)');
    // Loading the mjml package is start-up, not publishing: it is imported before the timer, as
    // it was when the renderer imported it eagerly (it became lazy so that workers never load it).
    await import('mjml');
    const publishStart = performance.now();
    const rendered = await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter);
    const { published } = await publishIssue(redis, k, toPublishedIssue(rendered, issue, newsletter));
    const publishMs = performance.now() - publishStart;
    // The first render in a process pays MJML's lazy loading and JIT warm-up, as `newsletter send`
    // does; a second one shows the steady cost.
    const warmStart = performance.now();
    await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter);
    const renderWarmMs = performance.now() - warmStart;
    const personaliseUs = measurePersonalise(rendered);
    const personaliseTracked = measureTrackedPersonalise(rendered);

    // The ceiling's message: the mail fast path's output for one real recipient of the list.
    // From as workers/worker.ts builds it: MAIL_FROM's address, the newsletter's display name.
    const from = fromHeader(config.mailFrom, published.senderName ?? published.newsletterName).header;
    const prepared = prepareIssueMime(published, { from, publicUrl: config.publicUrl });
    const [sample] = (await store.pageAll(null, null, 1)).subscribers;
    if (!sample) throw new Error('bench: no subscriber after seeding');
    const message = prepared.build({
      subscriberId: sample.id,
      email: sample.email,
      ...(sample.name ? { name: sample.name } : {}),
      unsubscribeToken: signListToken(secrets, sample.id, listId),
    });
    const raw = Buffer.isBuffer(message.raw) ? message.raw : Buffer.from(message.raw, 'utf8');
    const messageBytes = raw.length;
    const pool = mailPoolSize(o.concurrency);

    const ceilingRuns: CeilingRun[] = [];
    const blast = async (when: CeilingRun['when']) => {
      for (const path of ['nodemailer', 'raw-path'] satisfies BlastPath[]) {
        log(
          `bench: ceiling (${path}, ${when} the pipeline), ${o.ceilingMessages.toLocaleString('en-US')} × the prebuilt message (${messageBytes.toLocaleString('en-US')} bytes), ${o.workers} processes × pool ${pool}`,
        );
        const run = await runCeiling({
          sink: sink!,
          envelope: message.envelope,
          raw,
          path,
          messages: o.ceilingMessages,
          processes: o.workers,
          maxConnections: pool,
          concurrency: o.concurrency,
        });
        ceilingRuns.push({ ...run, path, when });
      }
    };
    await blast('before');

    log(`bench: naive baseline, ${o.naive} messages (${NAIVE_FORM})`);
    await sink.reset();
    const naive = await runNaive({ smtpUrl: sink.smtpUrl, issue, newsletter, templates, messages: o.naive, from, publicUrl: config.publicUrl });

    log(`bench: pipeline, ${o.subscribers.toLocaleString('en-US')} subscribers, ${o.workers} worker processes × concurrency ${o.concurrency}`);
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: config.redisUrl,
      KEY_PREFIX: prefix,
      SMTP_URL: sink.smtpUrl,
      SECRET: secret,
      SECRET_PREVIOUS: '',
      ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      WORKER_CONCURRENCY: String(o.concurrency),
      RATE_LIMIT_PER_SECOND: '0',
      QUEUE_PARTITIONS: String(parts.count),
      LOG_LEVEL: 'warn',
      // DKIM off on both sides: the ceiling does not sign either.
      DKIM_DOMAIN: '',
      DKIM_SELECTOR: '',
      DKIM_PRIVATE_KEY: '',
    };
    const pipeline = await runPipeline({
      redis,
      queueConnection,
      partitions: parts,
      store,
      published,
      subscribers: o.subscribers,
      sink,
      workers: o.workers,
      workerEnv,
      window,
      cpuProfDir: o.cpuProfDir,
      log,
    });
    await blast('after');
    const ceiling = summariseCeiling(ceilingRuns, 'nodemailer');
    const rawPath = summariseCeiling(ceilingRuns, 'raw-path');

    let ledgerBytes = 0;
    let renderedBytes = (await keysMemory(redis, k.rendered(issue.id))).bytes;
    for (const pk of parts.keys) {
      ledgerBytes += (await keysMemory(redis, pk.ledger(issue.id))).bytes;
      renderedBytes += (await keysMemory(redis, pk.campaign(issue.id))).bytes;
    }
    const hosts = await partitionsByNode(redis, parts.count, (p) => parts.keys[p]!.campaign(issue.id));
    const ledgerEntryBytes = await measureLedgerEntryCost(redis, `${prefix}:bench:ledger-scratch`);
    const bytesPerWaitingJob = Math.max(jobCost.bytesPerJobInfo, jobCost.bytesPerJobKeys);
    // The larger of the real ledger's cost and a hash-table-sized one (see measureLedgerEntryCost).
    const ledgerPerSub = Math.max(ledgerBytes / o.subscribers, ledgerEntryBytes);
    const subscriberPerSub = subscriberBytes / o.subscribers;
    const million = 1_000_000;
    const queueBytes = window * bytesPerWaitingJob;
    const sendBytes = queueBytes + million * ledgerPerSub + renderedBytes;

    const partial: Omit<BenchResult, 'targets'> = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo(),
      issueId: issue.id,
      subscribers: o.subscribers,
      messageBytes,
      rates: { ceiling: ceiling.rate, ceilingRawPath: rawPath.rate, naive: naive.rate, pipeline: pipeline.rate, enqueue: pipeline.enqueueRate },
      ratios: {
        pipelineOverNaive: pipeline.rate / naive.rate,
        pipelineOverCeiling: pipeline.rate / ceiling.rate,
        pipelineOverRawPath: pipeline.rate / rawPath.rate,
      },
      publishMs,
      renderWarmMs,
      personaliseUs,
      personaliseTracked,
      latency: pipeline.latency,
      redis: {
        bytesPerWaitingJob,
        bytesPerWaitingJobKeys: jobCost.bytesPerJobKeys,
        peakBytes: Math.max(0, pipeline.peakUsedMemory - baselineBytes),
        baselineBytes,
        ledgerBytesPerSubscriber: ledgerPerSub,
        subscriberBytesPerSubscriber: subscriberPerSub,
      },
      workers: {
        count: o.workers,
        concurrency: o.concurrency,
        maxRssBytes: pipeline.workerMaxRssBytes,
        cpuMsPerMessage: pipeline.workerCpuMs / Math.max(1, pipeline.messages),
      },
      cpuMsPerMessage: {
        pipelineWorkers: pipeline.workerCpuMs / Math.max(1, pipeline.messages),
        pipelineSink: pipeline.sinkCpuMsPerMessage,
        pipelineRedis: pipeline.redisCpuMsPerMessage,
        pipelineBench: pipeline.benchCpuMsPerMessage,
        ceilingClients: ceiling.clientCpuMsPerMessage,
        ceilingSink: ceiling.sinkCpuMsPerMessage,
        rawPathClients: rawPath.clientCpuMsPerMessage,
        rawPathSink: rawPath.sinkCpuMsPerMessage,
      },
      redisCommandsPerMessage: pipeline.redisCommands,
      redisNodes: { partitions: parts.count, cpuMsPerMessage: pipeline.redisCpuMsPerMessageByNode.map((x) => ({ ...x, partitions: hosts.get(x.node) ?? [] })) },
      utilisation: { ceiling: ceiling.utilisation, pipeline: pipeline.utilisation },
      ceiling: {
        messages: ceiling.messages,
        seconds: ceiling.seconds,
        processes: o.workers,
        maxConnections: pool,
        concurrency: o.concurrency,
        runs: ceilingRuns.map((r) => ({
          path: r.path,
          when: r.when,
          messages: r.messages,
          seconds: r.seconds,
          rate: r.rate,
          clientCpuMsPerMessage: r.clientCpuMsPerMessage,
          sinkCpuMsPerMessage: r.sinkCpuMsPerMessage,
        })),
      },
      naive: { messages: naive.messages, seconds: naive.seconds, form: NAIVE_FORM },
      pipeline: {
        messages: pipeline.messages,
        seconds: pipeline.seconds,
        state: pipeline.status.state,
        sent: pipeline.status.sent,
        failed: pipeline.status.failed,
        windowJobs: window,
      },
      projection1M: {
        method: 'computed',
        subscribers: million,
        windowJobs: window,
        queueBytes,
        ledgerBytes: million * ledgerPerSub,
        renderedBytes,
        sendBytes,
        subscriberStoreBytes: million * subscriberPerSub,
        totalBytes: sendBytes + million * subscriberPerSub,
      },
    };
    return { ...partial, targets: checkTargets(partial) };
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', killAllNow);
  }
}
