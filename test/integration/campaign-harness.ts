// Shared set-up of the campaign tests: real Redis under a fresh prefix (keys AND BullMQ queues),
// a real SMTP sink, the sample issue rendered once through the real renderer, subscribers
// created through the real store, and workers started exactly as `newsletter worker` does.
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { encodedSizes } from '../../src/mail/index.ts';
import { QUEUES } from '../../src/redis/keys.ts';
import { type AppDeps, buildApp } from '../../src/server/app.ts';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { pino } from 'pino';
import type { CampaignQueues } from '../../src/campaign/queue/queues.ts';
import type { Ledger } from '../../src/campaign/records/ledger.ts';
import { openSends, type Sends } from '../../src/campaign/sends.ts';
import { publishIssue, toPublishedIssue } from '../../src/campaign/records/publish.ts';
import { startListSend } from '../../src/campaign/start-send.ts';
import { readSend } from '../../src/campaign/records/campaign-record.ts';
import { getStatus } from '../../src/campaign/status.ts';
import type { CampaignWorkerOptions } from '../../src/campaign/queue/campaign-workers.ts';
import type { CampaignState, CampaignStatus, PublishedIssue } from '../../src/campaign/types.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { loadIssueFile, loadNewsletters } from '../../src/content/index.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { resolvePartitions, type Partitions } from '../../src/redis/partitions.ts';
import { createRenderer } from '../../src/render/index.ts';
import type { RenderedIssue } from '../../src/render/types.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { runWorker, type RunningWorker } from '../../src/worker/run-worker.ts';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';
import { startSmtpSink, type SinkReply, type SmtpSink } from '../helpers/smtp-sink.ts';
import { waitUntil } from '../helpers/wait.ts';

export const SECRET = 'campaign-test-secret-0123456789-abcdefghijklmnop';
export const SAMPLE_ISSUE = 'emails/issues/pretrain-weekly-064.yaml';

/** Small delays so retries and pauses play out within a test's time bound. */
export const FAST: Partial<CampaignWorkerOptions> = {
  backoff: { baseMs: 30, maxMs: 300 },
  deliver: { pauseRecheckMs: 1_000 },
  fanout: { chunkSize: 250, pollMs: 50 },
};

let sample: Promise<{ rendered: RenderedIssue; loaded: Awaited<ReturnType<typeof loadIssueFile>> }> | null = null;

/** The sample issue, rendered once per test file (MJML is the slow part). */
async function renderSample() {
  sample ??= (async () => {
    const loaded = await loadIssueFile(SAMPLE_ISSUE);
    const rendered = await createRenderer(loaded.templates, { encodedSizes }).renderIssue(loaded.issue, loaded.newsletter);
    return { rendered, loaded };
  })();
  return sample;
}

export interface Seeded {
  id: string;
  email: string;
}

export interface CampaignHarness {
  t: TestRedis;
  redis: Redis;
  keys: Keys;
  config: Readonly<Config>;
  env: NodeJS.ProcessEnv;
  store: RedisSubscriberStore;
  /** The deployment's partitions (opts.partitions, default 1) and every partition's shard of the sends. */
  partitions: Partitions;
  sends: Sends;
  /** The first partition's queues and ledger (the only ones with one partition). */
  queues: CampaignQueues;
  ledger: Ledger;
  sink: SmtpSink;
  listId: string;
  /** Creates `n` active subscribers of the sample list: `<tag>-<i>@example.test`. */
  seed(n: number, tag?: string): Promise<Seeded[]>;
  /** The sample issue as `send` would publish it under `issueId` (default: its own id), not stored. */
  unpublished(issueId?: string): Promise<PublishedIssue>;
  /** Publishes the sample issue under `issueId` (default: its own id). */
  publish(issueId?: string): Promise<PublishedIssue>;
  send(published: PublishedIssue): Promise<void>;
  startWorker(options?: Partial<CampaignWorkerOptions>, concurrency?: number): Promise<RunningWorker>;
  status(campaignId: string): Promise<CampaignStatus>;
  waitForState(campaignId: string, states: CampaignState[], timeoutMs?: number): Promise<CampaignStatus>;
  /** Waits until no deliver or fan-out job runs or waits to run (parked, delayed ones may remain). */
  waitForDeliverQueueAtRest(): Promise<void>;
  /** Messages the sink accepted, per recipient address (of one issue when `issueId` is given). */
  receivedPerAddress(issueId?: string): Map<string, number>;
  /** The app (site, admin API, console) over this harness's Redis, store and partitions; closed with the harness. */
  openApp(overrides?: Partial<AppDeps>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export async function startCampaignHarness(
  opts: {
    reply?: (to: string) => SinkReply | 'lose-reply' | null;
    rateLimitPerSecond?: number;
    login?: { user: string; pass: string; accept: (user: string, pass: string) => boolean };
    env?: Record<string, string>;
    cluster?: string;
    partitions?: number;
  } = {},
): Promise<CampaignHarness> {
  const t = await testRedis({ forQueues: true, ...(opts.cluster ? { cluster: opts.cluster } : {}) });
  const sink = await startSmtpSink({ ...(opts.reply ? { reply: opts.reply } : {}), ...(opts.login ? { acceptLogin: opts.login.accept } : {}) });
  const env: NodeJS.ProcessEnv = {
    REDIS_URL: opts.cluster ?? TEST_REDIS_URL,
    ...(opts.cluster ? { REDIS_CLUSTER: 'true' } : {}),
    KEY_PREFIX: t.prefix,
    SMTP_URL: opts.login ? sink.url.replace('smtp://', `smtp://${encodeURIComponent(opts.login.user)}:${encodeURIComponent(opts.login.pass)}@`) : sink.url,
    PUBLIC_URL: 'https://news.example.test',
    MAIL_FROM: 'Weekly <weekly@news.example.test>',
    SECRET,
    LOG_LEVEL: 'silent',
    // A killed worker's jobs come back after ~lock + stalled interval: short, so tests wait less.
    WORKER_LOCK_DURATION_MS: '5000',
    WORKER_STALLED_INTERVAL_MS: '2000',
    RATE_LIMIT_PER_SECOND: String(opts.rateLimitPerSecond ?? 0),
    ...(opts.partitions ? { QUEUE_PARTITIONS: String(opts.partitions) } : {}),
    ...opts.env,
  };
  const config = loadConfig(env, ['SECRET']);
  const partitions = await resolvePartitions(t.redis, t.prefix, opts.partitions ?? 1);
  const k = partitions.base;
  const store = new RedisSubscriberStore(t.redis, partitions);
  const sends = openSends(t.redis, partitions);
  const { queues, ledger } = sends.shards[0]!;
  const workers: RunningWorker[] = [];
  const apps: FastifyInstance[] = [];
  let transactional: Queue | undefined;
  const { loaded } = await renderSample();
  const listId = loaded.newsletter.listId;

  const h: CampaignHarness = {
    t,
    redis: t.redis,
    keys: k,
    config,
    env,
    store,
    partitions,
    sends,
    queues,
    ledger,
    sink,
    listId,
    async seed(n, tag = 'reader') {
      const inputs = Array.from({ length: n }, (_, i) => ({ email: `${tag}-${i}@example.test`, lists: [listId], status: 'active' as const }));
      const out: Seeded[] = [];
      for (let i = 0; i < inputs.length; i += 500) {
        const chunk = inputs.slice(i, i + 500);
        const created = await store.createMany(chunk);
        for (const [j, c] of created.entries()) out.push({ id: c.id, email: chunk[j]!.email });
      }
      return out;
    },
    async unpublished(issueId) {
      const { rendered, loaded: l } = await renderSample();
      const issue = { ...l.issue, id: issueId ?? l.issue.id };
      return toPublishedIssue({ ...rendered, issueId: issue.id }, issue, l.newsletter);
    },
    async publish(issueId) {
      return (await publishIssue(t.redis, k, await h.unpublished(issueId))).published;
    },
    async send(published) {
      await startListSend({ ...sends, store }, published);
    },
    async startWorker(options = {}, concurrency = 16) {
      const worker = await runWorker(config, { concurrency, transactional: false, log: pino({ level: 'silent' }), campaign: { ...FAST, ...options } });
      workers.push(worker);
      return worker;
    },
    status: (campaignId) => getStatus(sends, campaignId),
    async waitForState(campaignId, states, timeoutMs = 90_000) {
      let status = await getStatus(sends, campaignId);
      await waitUntil(
        `campaign ${campaignId} to be ${states.join('/')}`,
        async () => {
          status = await getStatus(sends, campaignId);
          return states.includes(status.state);
        },
        timeoutMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(status)}`);
      });
      return status;
    },
    async waitForDeliverQueueAtRest() {
      const busy = async () => {
        const counts = await Promise.all(
          sends.shards.flatMap((s) => [
            s.queues.deliver.getJobCounts('active', 'waiting', 'prioritized'),
            s.queues.fanout.getJobCounts('active', 'waiting', 'prioritized'),
          ]),
        );
        return counts.some((c) => Object.values(c).some((n) => n > 0));
      };
      await waitUntil('the deliver and fan-out queues to be at rest', async () => !(await busy()));
    },
    receivedPerAddress(issueId) {
      const counts = new Map<string, number>();
      for (const m of sink.messages) {
        if (issueId && !m.raw.includes(`Message-ID: <${issueId}.`)) continue;
        for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      }
      return counts;
    },
    async openApp(overrides = {}) {
      transactional ??= new Queue(QUEUES.transactional, { connection: t.redis, prefix: config.keyPrefix });
      const app = await buildApp({
        config,
        redis: t.redis,
        store,
        newsletters: await loadNewsletters('emails'),
        transactionalQueue: transactional,
        logger: false,
        partitions,
        ...overrides,
      });
      apps.push(app);
      return app;
    },
    async close() {
      await Promise.all(apps.map((a) => a.close()));
      await transactional?.close();
      await Promise.all(workers.map((w) => w.close()));
      await sends.close();
      await sink.close();
      await t.cleanup();
    },
  };
  return h;
}

/**
 * The status counters against the ledger itself (call when the send is at rest: done, cancelled
 * and settled, or paused and settled): each final state's entries tally to its counter, the
 * rest (queued or in flight) to `queued`, and the entries number `total`. Returns the status.
 */
export async function expectLedgerMatches(h: CampaignHarness, campaignId: string): Promise<CampaignStatus> {
  const status = await h.status(campaignId);
  // Every partition's ledger (one hash each), read as one.
  const entries = (await Promise.all(h.partitions.keys.map((k) => h.redis.hgetall(k.ledger(campaignId))))).flatMap((ledger) => Object.values(ledger));
  const tally = { sent: 0, bounced: 0, failed: 0, skipped: 0, unknown: 0, queued: 0 };
  for (const state of entries) {
    if (state in tally && state !== 'queued') tally[state as keyof typeof tally]++;
    else if (state === 'queued' || /^[fdp]:/.test(state)) tally.queued++;
    else throw new Error(`ledger of ${campaignId}: unexpected state "${state}"`);
  }
  // Subscribers the fan-out never reached (cancelled first, or left first) have no entry: the
  // status counts them skipped, on top of the ledger's own.
  const record = (await readSend(h.redis, h.partitions.keys, campaignId))!;
  const unreached = status.total - record.total;
  expect(unreached, 'unreached subscribers').toBeGreaterThanOrEqual(0);
  if (unreached > 0) expect(record.fanoutDone, 'only a finished fan-out leaves some unreached').toBe(true);
  expect(entries.length, 'ledger entries vs total').toBe(record.total);
  expect(tally).toEqual({
    sent: status.sent,
    bounced: status.bounced,
    failed: status.failed,
    skipped: status.skipped - unreached,
    unknown: status.unknown,
    queued: status.queued,
  });
  return status;
}
