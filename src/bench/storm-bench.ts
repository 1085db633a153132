// Part two of `bench tracking`: what a scanner storm does to a send. The same send of N
// subscribers runs twice through the real pipeline (runPipeline: K worker processes, the SMTP
// sink process), each on its own deployment with its own server (a fresh key prefix, deleted
// after): first quietly, then while a storm (scanner-storm.ts) follows every link of every
// delivered message twice, as a link scanner and as a browser, within the machine window after
// its sending. Afterwards every one of those clicks must have been counted a machine's.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FANOUT } from '../campaign/processors/fan-out.ts';
import { publishIssue, toPublishedIssue } from '../campaign/records/publish.ts';
import { loadIssueFile } from '../content/index.ts';
import { encodedSizes } from '../mail/index.ts';
import { createRedis } from '../redis/connection.ts';
import { resolvePartitions } from '../redis/partitions.ts';
import { createRenderer } from '../render/index.ts';
import { ClickStore } from '../reports/click-store.ts';
import { RedisSubscriberStore } from '../subscribers/redis-store.ts';
import { withTrackedLinks } from '../campaign/records/tracked-links.ts';
import { type StartServer, startBenchServer } from './bench-server.ts';
import { runPipeline } from './pipeline.ts';
import { BROWSER_AGENT } from './redirect-bench.ts';
import { startScannerStorm } from './scanner-storm.ts';
import { seedSubscribers } from './seed-subscribers.ts';
import { startSinkProcess } from './sink.ts';

export const SCANNER_AGENT = 'Mozilla/5.0 (compatible; Proofpoint URL Defense scanner/1.0)';
/** Within the 60 s machine window with room to spare: the token holds whole seconds. */
const CLICK_WITHIN_MS = 50_000;

export interface SendFigures {
  messages: number;
  seconds: number;
  /** Messages per second, first job added → last 250 (the pipeline bench's measure). */
  rate: number;
}

export interface StormBenchResult {
  issueId: string;
  subscribers: number;
  workers: number;
  linksPerMessage: number;
  clickWithinSeconds: number;
  quiet: SendFigures;
  stormy: SendFigures;
  /** In the storm over quiet. */
  rateRatio: number;
  /**
   * The storm's clicks: made (answered), dropped because their message's window was nearly over
   * before a connection was free (a slower machine drops more), failed, answered other than 302.
   */
  clicks: { made: number; late: number; failed: number; non3xx: number; perSecond: number; maxDelayMs: number };
  /** ClickStore.counts() of the stormy send after commit. */
  counted: { human: number; machine: number };
  /** No click counted a person's, and every click made counted a machine's. */
  allMachine: boolean;
}

export interface StormBenchOptions {
  issueFile: string;
  subscribers: number;
  connections: number;
  startServer: StartServer;
  logDir: string;
  log: (line: string) => void;
}

interface OneSend {
  send: SendFigures;
  storm?: { clicks: StormBenchResult['clicks']; counted: StormBenchResult['counted']; links: number };
}

async function oneSend(o: StormBenchOptions, withStorm: boolean): Promise<OneSend & { links: number; issueId: string; workers: number }> {
  const name = withStorm ? 'stormy' : 'quiet';
  const deployment = await startBenchServer({ name: 'tracking', logFile: join(o.logDir, `${name}-server.log`), startServer: o.startServer });
  const { config } = deployment;
  const redis = createRedis(config, { name: 'bench-tracking-send' });
  const queueConnection = createRedis(config, { forQueues: true, name: 'bench-tracking-queues' });
  const sink = await startSinkProcess();
  let storm: Awaited<ReturnType<typeof startScannerStorm>> | null = null;
  try {
    const parts = await resolvePartitions(redis, config.keyPrefix, config.queuePartitions);
    const { issue, newsletter, templates } = await loadIssueFile(o.issueFile);
    const store = new RedisSubscriberStore(redis, parts);
    o.log(`bench tracking: ${name} send, creating ${o.subscribers.toLocaleString('en-US')} subscribers`);
    await seedSubscribers(store, newsletter.listId, o.subscribers);
    const rendered = await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter);
    const clicks = new ClickStore(redis, parts.base);
    // As a list send publishes (src/use-cases/send-issue.ts): links tracked, the table saved before any message leaves.
    const tracked = await withTrackedLinks(toPublishedIssue(rendered, issue, newsletter), config.publicUrl, clicks);
    if (!tracked.clicks) throw new Error(`bench tracking: ${o.issueFile}: its newsletter does not track clicks (tracking.clicks)`);
    const { published } = await publishIssue(redis, parts.base, tracked);
    await clicks.saveLinks(published.issueId, tracked.clicks.links);
    const links = tracked.clicks.links.length;
    const workers = cpus().length;
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: config.redisUrl,
      KEY_PREFIX: config.keyPrefix,
      SMTP_URL: sink.smtpUrl,
      SECRET: config.secrets[0]!.key,
      SECRET_PREVIOUS: '',
      PUBLIC_URL: config.publicUrl,
      ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      WORKER_CONCURRENCY: String(config.workerConcurrency),
      RATE_LIMIT_PER_SECOND: '0',
      QUEUE_PARTITIONS: String(parts.count),
      LOG_LEVEL: 'warn',
      DKIM_DOMAIN: '',
      DKIM_SELECTOR: '',
      DKIM_PRIVATE_KEY: '',
    };
    if (withStorm)
      storm = await startScannerStorm(sink, published.issueId, {
        baseUrl: deployment.server.url,
        campaignId: published.issueId,
        links,
        secrets: config.secrets,
        scannerAgent: SCANNER_AGENT,
        browserAgent: BROWSER_AGENT,
        connections: o.connections,
        clickWithinMs: CLICK_WITHIN_MS,
      });
    o.log(`bench tracking: ${name} send, ${workers} worker processes${withStorm ? `, storm of ${links} links × 2 per message` : ''}`);
    const pipeline = await runPipeline({
      redis,
      queueConnection,
      partitions: parts,
      store,
      published,
      subscribers: o.subscribers,
      sink,
      workers,
      workerEnv,
      window: DEFAULT_FANOUT.window,
      log: o.log,
    });
    const send = { messages: pipeline.messages, seconds: pipeline.seconds, rate: pipeline.rate };
    if (!storm) return { send, links, issueId: published.issueId, workers };
    o.log('bench tracking: send done, waiting for the storm to finish its clicks');
    const figures = await storm.finish();
    const counts = await clicks.counts(published.issueId);
    const seconds = Math.max(0.001, (figures.lastAt - figures.firstAt) / 1000);
    return {
      send,
      links,
      issueId: published.issueId,
      workers,
      storm: {
        links,
        clicks: {
          made: figures.made,
          late: figures.late,
          failed: figures.failed,
          non3xx: figures.non3xx,
          perSecond: figures.made / seconds,
          maxDelayMs: figures.maxDelayMs,
        },
        counted: { human: counts.human, machine: counts.machine },
      },
    };
  } finally {
    await storm?.stop();
    await sink.stop();
    redis.disconnect();
    queueConnection.disconnect();
    await deployment.close();
  }
}

export async function runStormBench(o: StormBenchOptions): Promise<StormBenchResult> {
  const quiet = await oneSend(o, false);
  const stormy = await oneSend(o, true);
  const s = stormy.storm!;
  return {
    issueId: stormy.issueId,
    subscribers: o.subscribers,
    workers: stormy.workers,
    linksPerMessage: stormy.links,
    clickWithinSeconds: CLICK_WITHIN_MS / 1000,
    quiet: quiet.send,
    stormy: stormy.send,
    rateRatio: stormy.send.rate / quiet.send.rate,
    clicks: s.clicks,
    counted: s.counted,
    allMachine: s.counted.human === 0 && s.counted.machine === s.clicks.made && s.clicks.made > 0,
  };
}
