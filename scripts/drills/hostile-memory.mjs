#!/usr/bin/env node
// Memory drill (not part of `npm test`: it measures, and machines are noisy): starts `serve` as
// an operator does (the bin, so its node flags apply), sends it rounds of hostile and ordinary
// requests 20 at a time, and prints the server's RSS from /proc before and after each round,
// with the status codes it answered. Issue #11 asks for < 20 MB growth over 10,000 requests.
//
//   node scripts/drills/hostile-memory.mjs [--requests 10000] [--rounds 2] [--limits off]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const argv = process.argv.slice(2);
const args = Object.fromEntries(argv.flatMap((arg, i) => (arg.startsWith('--') ? [[arg.slice(2), argv[i + 1]]] : [])));
const requests = Number(args.requests ?? 10_000);
const rounds = Number(args.rounds ?? 2);
const root = resolve(new URL('../..', import.meta.url).pathname);
const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const prefix = `{hostile-${process.pid}}`;
const env = {
  ...process.env,
  PORT: String(port),
  KEY_PREFIX: prefix,
  LOG_LEVEL: 'warn',
  SECRET: 'hostile-drill-secret-hostile-drill-secret',
  ADMIN_TOKEN: 'hostile-drill-admin-token-0001',
  ...(args.limits === 'off' ? { SUBSCRIBE_RATE_LIMIT_PER_MINUTE: '1000000', LINK_RATE_LIMIT_PER_MINUTE: '1000000' } : {}),
};
const server = spawn(join(root, 'bin/newsletter.js'), ['serve'], { env, cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    /* not listening yet */
  }
  await new Promise((r) => setTimeout(r, 100));
}
const rss = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024);

const kinds = [
  () => ['POST', '/subscribe', 'multipart/form-data', 'x'],
  () => ['POST', '/subscribe', 'multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@y.z'],
  () => ['POST', '/api/subscribers', 'application/json', '{"email":'],
  () => ['POST', '/subscribe', 'application/x-www-form-urlencoded', 'email=%zz&name=%'],
  () => ['GET', `/unsubscribe/${'A'.repeat(Math.floor(Math.random() * 300))}`],
  () => ['GET', '/confirm/%E0%A4%A'],
  () => ['POST', '/subscribe', 'application/x-www-form-urlencoded', `email=u${Math.random()}@example.org&newsletter=pretrain-weekly`],
  () => ['POST', '/unsubscribe/zzzz', 'text/plain', 'List-Unsubscribe=One-Click'],
  () => ['GET', `/issues/${'x'.repeat(5000)}`],
  () => ['POST', '/subscribe', 'application/json', 'x'.repeat(2_000_000)],
  () => ['GET', `/nope?${'a=1&'.repeat(200)}`],
  () => ['GET', '/issues'],
];
let i = 0;
for (let round = 1; round <= rounds; round++) {
  const codes = {};
  const before = rss();
  const one = async () => {
    const [method, path, type, body] = kinds[i++ % kinds.length]();
    try {
      const res = await fetch(base + path, { method, headers: type ? { 'content-type': type } : {}, body });
      await res.arrayBuffer();
      codes[res.status] = (codes[res.status] ?? 0) + 1;
    } catch {
      codes['connection closed'] = (codes['connection closed'] ?? 0) + 1; // 413 answered before the body was read
    }
  };
  for (let k = 0; k < requests; k += 20) await Promise.all(Array.from({ length: 20 }, one));
  console.log(JSON.stringify({ round, requests, rssBeforeMB: before, rssAfterMB: rss(), codes }));
}
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
const { execFileSync } = await import('node:child_process');
const keys = execFileSync('redis-cli', ['--scan', '--pattern', `${prefix}*`], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);
for (let k = 0; k < keys.length; k += 500) execFileSync('redis-cli', ['del', ...keys.slice(k, k + 500)]);
