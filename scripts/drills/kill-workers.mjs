#!/usr/bin/env node
// Fault drill (not part of `npm test`: it takes minutes): a real send to N subscribers while
// worker processes are SIGKILLed K times from outside, each replaced by a fresh one, exactly as
// an operator's supervisor would. Everything goes through the CLI an operator uses (import,
// send, worker, status) against the Redis at REDIS_URL; the SMTP sink in this process counts
// every accepted message per recipient. Prints one JSON line: sent at the sink, lost, real
// duplicates and what `status` reported.
//
//   node scripts/drills/kill-workers.mjs [--subscribers 20000] [--kills 20] [--workers 4]
import { spawn, execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SMTPServer } from 'smtp-server';

const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.flatMap((arg, i) => (arg.startsWith('--') ? [[arg.slice(2), argv[i + 1]]] : [])));
const subscribers = Number(args.subscribers ?? 20_000);
const kills = Number(args.kills ?? 20);
const workerCount = Number(args.workers ?? 4);
const root = resolve(new URL('../..', import.meta.url).pathname);
const cli = join(root, 'bin/newsletter.js');
const issueFile = join(root, 'emails/issues/pretrain-weekly-064.yaml');
const run = promisify(execFile);

const received = new Map();
let accepted = 0;
const waiters = [];
const sink = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  maxClients: 10_000,
  size: 50 * 1024 * 1024,
  onData(stream, session, callback) {
    stream.resume();
    stream.on('end', () => {
      for (const to of session.envelope.rcptTo) received.set(to.address, (received.get(to.address) ?? 0) + 1);
      accepted += 1;
      while (waiters.length && waiters[0].at <= accepted) waiters.shift().resolve();
      callback();
    });
  },
});
sink.on('error', () => {});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const reached = (count) => new Promise((resolve) => (accepted >= count ? resolve() : waiters.push({ at: count, resolve })));

const dir = await mkdtemp(join(tmpdir(), 'nl-drill-'));
const env = {
  ...process.env,
  KEY_PREFIX: `{drill-${process.pid}}`,
  SMTP_URL: `smtp://127.0.0.1:${sink.server.address().port}`,
  SECRET: process.env.SECRET ?? 'drill-secret-drill-secret-drill-secret-0001',
  ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? 'drill-admin-token-drill-admin-token',
  LOG_LEVEL: 'warn',
  NO_COLOR: '1',
};
const newsletter = (...argv) => run(process.execPath, [cli, ...argv], { env, cwd: root, maxBuffer: 64 * 1024 * 1024 });

const csv = ['email,name', ...Array.from({ length: subscribers }, (_, i) => `reader-${i + 1}@drill.example,Reader ${i + 1}`)].join('\n');
await writeFile(join(dir, 'list.csv'), `${csv}\n`);
await newsletter('subscribers', 'import', join(dir, 'list.csv'), '--list', 'pretrain-weekly', '--confirmed');

const workers = new Set();
const startWorker = () => {
  const child = spawn(process.execPath, [cli, 'worker'], { env, cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  return child;
};
for (let i = 0; i < workerCount; i++) startWorker();
await newsletter('send', issueFile, '--yes');

// Kills spread evenly over the first 90 % of the send, each at a known message count.
for (let k = 1; k <= kills; k++) {
  await reached(Math.floor((subscribers * 0.9 * k) / (kills + 1)));
  const victims = [...workers];
  const victim = victims[Math.floor(Math.random() * victims.length)];
  victim.kill('SIGKILL');
  await new Promise((r) => victim.once('exit', r));
  startWorker();
}

let status;
for (;;) {
  status = JSON.parse((await newsletter('status', 'pretrain-weekly-064', '--json')).stdout);
  if (status.state === 'done') break;
  await new Promise((r) => setTimeout(r, 500));
}
for (const child of workers) child.kill('SIGTERM');
await Promise.all([...workers].map((c) => new Promise((r) => c.once('exit', r))));

let lost = 0;
let duplicated = 0;
for (let i = 1; i <= subscribers; i++) {
  const n = received.get(`reader-${i}@drill.example`) ?? 0;
  if (n === 0) lost += 1;
  if (n > 1) duplicated += n - 1;
}
const redisCli = (...argv) => run('redis-cli', ['-u', env.REDIS_URL ?? 'redis://127.0.0.1:6379', ...argv]);
const keys = (await redisCli('--scan', '--pattern', `${env.KEY_PREFIX}*`)).stdout.split('\n').filter(Boolean);
for (let i = 0; i < keys.length; i += 500) await redisCli('del', ...keys.slice(i, i + 500));
await rm(dir, { recursive: true, force: true });
sink.close();
console.log(
  JSON.stringify({
    subscribers,
    kills,
    workers: workerCount,
    acceptedAtSink: accepted,
    lost,
    realDuplicates: duplicated,
    status: {
      total: status.total,
      sent: status.sent,
      failed: status.failed,
      bounced: status.bounced,
      skipped: status.skipped,
      unknown: status.unknown,
      possibleDuplicates: status.possibleDuplicates,
    },
  }),
);
process.exit(0);
