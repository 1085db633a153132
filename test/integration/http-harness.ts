// Shared set-up of the HTTP tests: the real app on real Redis (fresh prefix), the real
// transactional worker rendering through MJML, a real SMTP sink, and mailparser to read mail.
import type { DoctorOptions } from '../../src/doctor/run-doctor.ts';
import type { SesWebhookOptions } from '../../src/http/routes/ses-webhook.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { Queue, type Worker } from 'bullmq';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import { loadConfig, type Config } from '../../src/config/index.ts';
import type { Newsletter } from '../../src/content/schema.ts';
import { loadNewsletters, loadTemplates } from '../../src/content/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { latestIssueUrl, RedisArchiveSource } from '../../src/archive/archive-source.ts';
import { createSmtpMailer } from '../../src/mail/index.ts';
import { keys as keysFor, QUEUES, type Keys } from '../../src/redis/keys.ts';
import { createRenderer } from '../../src/render/index.ts';
import { startTransactionalWorker } from '../../src/subscribers/transactional-worker.ts';
import { MEMBER_LINK_JOB, memberLinkJob } from '../../src/team/member-link-mail.ts';
import { UserStore } from '../../src/team/user-store.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { freePort } from '../../src/dev/free-port.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { waitUntil } from '../helpers/wait.ts';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const ADMIN_TOKEN = 'admin-token-0123456789-abcdefghij';
/** Each its own secret, never the admin token (an env of '' turns its route off). */
export const METRICS_TOKEN = 'metrics-token-0123456789-klmnopqrst';
export const WEBHOOK_TOKEN = 'webhook-token-0123456789-uvwxyzabcd';

export interface HttpHarness {
  app: FastifyInstance;
  config: Readonly<Config>;
  keys: Keys;
  redis: Redis;
  store: RedisSubscriberStore;
  newsletters: Newsletter[];
  zh: Newsletter;
  en: Newsletter;
  sink: SmtpSink;
  transactionalQueue: Queue;
  /** Parsed messages the sink received for `address`, in arrival order. */
  mailTo(address: string): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startHttpHarness(
  opts: {
    publicUrl?: string;
    rateLimitPerMinute?: number;
    logger?: boolean | FastifyBaseLogger;
    env?: Record<string, string>;
    ses?: SesWebhookOptions;
    doctor?: DoctorOptions;
  } = {},
): Promise<HttpHarness> {
  const t: TestRedis = await testRedis();
  const sink = await startSmtpSink();
  const config = loadConfig(
    {
      SECRET,
      ADMIN_TOKEN,
      METRICS_TOKEN,
      WEBHOOK_TOKEN,
      KEY_PREFIX: t.prefix,
      REDIS_URL: TEST_REDIS_URL,
      SMTP_URL: sink.url,
      PUBLIC_URL: opts.publicUrl ?? 'https://news.example.test',
      MAIL_FROM: 'Newsletter <news@news.example.test>',
      SUBSCRIBE_RATE_LIMIT_PER_MINUTE: String(opts.rateLimitPerMinute ?? 5),
      LOG_LEVEL: 'silent',
      DEFAULT_NEWSLETTER: 'pretrain-weekly',
      ...opts.env,
    },
    ['SECRET', 'ADMIN_TOKEN'],
  );
  const keys = keysFor(config.keyPrefix);
  const newsletters = await loadNewsletters('emails');
  const zh = newsletters.find((n) => n.locale === 'zh-CN');
  const en = newsletters.find((n) => n.locale === 'en');
  if (!zh || !en) throw new Error('the tests need one zh-CN and one en newsletter in emails/newsletters');
  const renderer = createRenderer(await loadTemplates('emails'), { encodedSizes });
  const store = new RedisSubscriberStore(t.redis, keys);
  const queueConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const transactionalQueue = new Queue(QUEUES.transactional, { connection: queueConnection, prefix: config.keyPrefix });
  const mailer = createSmtpMailer({ smtpUrl: sink.url, ehlo: config.smtpEhlo });
  const worker: Worker = startTransactionalWorker({
    config,
    connection: queueConnection,
    prefix: config.keyPrefix,
    store,
    renderer,
    newsletters,
    mailer,
    latestIssueUrl: latestIssueUrl(new RedisArchiveSource(t.redis, keys), config.publicUrl),
    otherJobs: { [MEMBER_LINK_JOB]: memberLinkJob({ users: new UserStore(t.redis, keys), mailer, config }) },
  });
  const app = await buildApp({
    config,
    redis: t.redis,
    store,
    newsletters,
    transactionalQueue,
    logger: opts.logger ?? false,
    ...(opts.ses ? { ses: opts.ses } : {}),
    ...(opts.doctor ? { doctor: opts.doctor } : {}),
  });
  await app.ready();

  return {
    app,
    config,
    keys,
    redis: t.redis,
    store,
    newsletters,
    zh,
    en,
    sink,
    transactionalQueue,
    async mailTo(address) {
      const mine = sink.messages.filter((m) => m.to.includes(address));
      return Promise.all(mine.map((m) => simpleParser(m.raw)));
    },
    async close() {
      await app.close();
      await worker.close();
      await transactionalQueue.close();
      await mailer.close();
      await sink.close();
      queueConnection.disconnect();
      await t.cleanup();
    },
  };
}

/** Waits until `address` has received `count` messages (the worker sends asynchronously). */
export async function waitForMail(h: HttpHarness, address: string, count = 1): Promise<ParsedMail[]> {
  await waitUntil(`${count} message(s) to ${address}`, () => h.sink.messages.filter((m) => m.to.includes(address)).length >= count);
  return h.mailTo(address);
}

/** Waits until the confirmation-mail queue has nothing left to do: every mail that will go has gone. */
export async function waitForTransactionalIdle(h: HttpHarness): Promise<void> {
  await waitUntil('the confirmation-mail queue to be idle', async () => {
    const counts = await h.transactionalQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  });
}

/** The confirmation link's path (`/confirm/<token>`) from a parsed confirmation email. */
/**
 * A person's click on the confirmation link: the GET shows a button (it confirms nothing), the
 * button POSTs, and the answer's redirect leads back to the page, which now says "subscribed".
 * Returns that last page.
 */
export async function confirmByClick(app: FastifyInstance, path: string): Promise<Awaited<ReturnType<FastifyInstance['inject']>>> {
  const asked = await app.inject({ method: 'GET', url: path });
  if (asked.statusCode !== 200 || !asked.body.includes(`<form method="post" action="${path}">`)) return asked;
  const clicked = await app.inject({ method: 'POST', url: path });
  if (clicked.statusCode !== 303) return clicked;
  return app.inject({ method: 'GET', url: String(clicked.headers.location) });
}

/** The harness listening on a free loopback port, as a browser test needs it; `base` is its address (and PUBLIC_URL). */
export async function startListeningHarness(opts: Omit<Parameters<typeof startHttpHarness>[0], 'publicUrl'> = {}): Promise<{ h: HttpHarness; base: string }> {
  // The port must be known before the app (it is PUBLIC_URL), so it is free only when asked: a
  // connection opened meanwhile (Redis, the sink) may take it. Then the harness starts again.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const h = await startHttpHarness({ ...opts, publicUrl: base });
    try {
      await h.app.listen({ port, host: '127.0.0.1' });
      return { h, base };
    } catch (error) {
      await h.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 5) throw error;
    }
  }
}

export function confirmPathFrom(mail: ParsedMail, publicUrl: string): string {
  const html = typeof mail.html === 'string' ? mail.html : '';
  const match = /href="([^"]*\/confirm\/[^"]+)"/.exec(html);
  if (!match) throw new Error('no confirmation link in the email');
  const url = match[1]!.replace(/&amp;/g, '&');
  if (!url.startsWith(`${publicUrl}/confirm/`)) throw new Error(`confirmation link does not start with PUBLIC_URL: ${url}`);
  return url.slice(publicUrl.length);
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

let ipCounter = 0;
/** A distinct client address per call, so the per-IP rate limit of one test does not hit another. */
export function nextIp(): string {
  ipCounter += 1;
  return `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}
