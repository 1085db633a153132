// The welcome job on its own worker, real Redis and SMTP sink: a newsletter with `welcome: false`
// sends none, and nobody who left the list between the click and the job gets one.
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { loadNewsletters, loadTemplates } from '../../src/content/index.ts';
import { createSmtpMailer, encodedSizes } from '../../src/mail/index.ts';
import { keys as keysFor, QUEUES } from '../../src/redis/keys.ts';
import { createRenderer } from '../../src/render/index.ts';
import { enqueueWelcomeMail } from '../../src/subscribers/transactional-jobs.ts';
import { startTransactionalWorker } from '../../src/subscribers/transactional-worker.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let sink: SmtpSink;
let queue: Queue;
let events: QueueEvents;
let connection: Redis;
let close: () => Promise<void>;
let store: RedisSubscriberStore;
let listOn: string;
let listOff: string;

beforeAll(async () => {
  t = await testRedis();
  sink = await startSmtpSink();
  const config = loadConfig(
    { SECRET: 'welcome-test-secret-0123456789-abcdefghij', KEY_PREFIX: t.prefix, SMTP_URL: sink.url, PUBLIC_URL: 'https://news.example.test' },
    ['SECRET'],
  );
  const all = await loadNewsletters('emails');
  const zh = all.find((n) => n.locale === 'zh-CN')!;
  const en = all.find((n) => n.locale === 'en')!;
  listOn = zh.listId;
  listOff = en.listId;
  store = new RedisSubscriberStore(t.redis, keysFor(t.prefix));
  connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(QUEUES.transactional, { connection, prefix: t.prefix });
  events = new QueueEvents(QUEUES.transactional, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix: t.prefix });
  await events.waitUntilReady();
  const worker = startTransactionalWorker({
    config,
    connection,
    prefix: t.prefix,
    store,
    renderer: createRenderer(await loadTemplates('emails'), { encodedSizes }),
    newsletters: [zh, { ...en, welcome: false }],
    mailer: createSmtpMailer({ smtpUrl: sink.url }),
  });
  close = async () => {
    await worker.close();
    await events.close();
    await queue.close();
    connection.disconnect();
  };
});
afterAll(async () => {
  await close?.();
  await sink?.close();
  await t?.cleanup();
});

async function welcome(subscriberId: string, listId: string): Promise<unknown> {
  await enqueueWelcomeMail(queue, { subscriberId, listId });
  const job = (await queue.getJob(`welcome-${subscriberId}-${listId}`))!;
  return job.waitUntilFinished(events);
}

it('sends none for a newsletter with welcome: false, and none to someone no longer on the list', async () => {
  const off = (await store.create({ email: 'off@welcome.example', lists: [listOff], status: 'active' })).subscriber;
  expect(await welcome(off.id, listOff)).toBe('skipped');
  const left = (await store.create({ email: 'left@welcome.example', lists: [listOn], status: 'active' })).subscriber;
  await store.removeFromList(left.id, listOn);
  expect(await welcome(left.id, listOn)).toBe('skipped');
  const stays = (await store.create({ email: 'stays@welcome.example', lists: [listOn], status: 'active' })).subscriber;
  expect(await welcome(stays.id, listOn)).toBe('sent');
  expect(sink.messages.map((m) => m.to[0])).toEqual(['stays@welcome.example']);
});
