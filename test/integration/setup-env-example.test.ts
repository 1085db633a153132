// The operator's local run from README: `cp .env.example .env`, then `newsletter inbox`,
// `newsletter serve` and `newsletter worker` as three processes. A subscription on the form
// sends its confirmation mail through the worker into the capture inbox (SMTP_URL of
// .env.example points there), it is listed decoded on the web inbox, its link confirms at
// PUBLIC_URL, and SIGTERM ends all three. Only the ports differ from the file (free ones, so the
// test runs beside anything), and the Redis key prefix.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/dev/free-port.ts';
import { deleteByPrefix, testRedis, type TestRedis } from '../helpers/redis.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { waitUntil } from '../helpers/wait.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'newsletter.js');

interface Proc {
  name: string;
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waitFor(pattern: RegExp): Promise<string>;
}

function start(name: string, args: string[], cwd: string, extra: Record<string, string>): Proc {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[key] !== undefined) env[key] = process.env[key];
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, ...extra } });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const take = (line: string) => {
    lines.push(line);
    for (const w of [...waiters])
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  };
  createInterface({ input: child.stdout }).on('line', take);
  createInterface({ input: child.stderr }).on('line', take);
  return {
    name,
    child,
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        waiters.push({ pattern, resolve: resolveLine });
        child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      });
    },
  };
}

let dir: string;
let t: TestRedis;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'setup-env-'));
  await symlink(join(ROOT, 'emails'), join(dir, 'emails'));
  await copyFile(join(ROOT, '.env.example'), join(dir, '.env'));
  t = await testRedis();
});
afterAll(async () => {
  await deleteByPrefix(t.redis, t.prefix);
  t.redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('cp .env.example .env; newsletter inbox + serve + worker', () => {
  it('a subscription’s confirmation mail lands in the capture inbox, listed decoded, and its link confirms', async () => {
    const [smtpPort, inboxPort, port] = [await freePort(), await freePort(), await freePort()];
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      KEY_PREFIX: t.prefix,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      LOG_LEVEL: 'info',
    };
    const procs = [
      start('inbox', ['inbox', '--smtp-port', String(smtpPort), '--port', String(inboxPort)], dir, env),
      start('serve', ['serve'], dir, env),
      start('worker', ['worker'], dir, env),
    ];
    const [inbox, serve, worker] = procs as [Proc, Proc, Proc];
    try {
      await inbox.waitFor(/^ready /);
      await serve.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
      await worker.waitFor(/worker started/);
      expect(inbox.lines.slice(0, 2)).toEqual([
        `inbox    SMTP smtp://127.0.0.1:${smtpPort} → .data/inbox/ (one .eml file per message)`,
        `web      http://127.0.0.1:${inboxPort}/inbox`,
      ]);
      // Accepted on this machine, with one warning each, naming the variables and never their values.
      for (const p of [serve, worker]) {
        expect(
          p.lines.filter((l) => l.includes('change-me placeholders')),
          p.name,
        ).toEqual([expect.stringMatching(new RegExp(`^newsletter ${p.name}: warning: SECRET and ADMIN_TOKEN are still`))]);
        expect(p.lines.join('\n')).not.toContain('change-me-to-');
      }

      const email = 'ada@example.org';
      const subscribed = await fetch(`http://127.0.0.1:${port}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, newsletter: 'pretrain-weekly' }),
      });
      expect(subscribed.status).toBe(202);

      const mailDir = join(dir, '.data', 'inbox');
      // Only whole messages: the inbox writes `.<n>.part` first and renames it to `<name>.eml`.
      const messages = async () => (await readdir(mailDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
      await waitUntil('the confirmation mail in .data/inbox', async () => (await messages()).length > 0);
      const [file] = await messages();
      const page = await (await fetch(`http://127.0.0.1:${inboxPort}/inbox`)).text();
      expect(page).toContain(`<a href="/inbox/${file!.replace(/\.eml$/, '')}">请确认订阅《预训练周刊》</a>`);
      expect(page).toContain(`<dt>To</dt><dd>${email}</dd>`);

      const mail = await simpleParser(await readFile(join(mailDir, file!)));
      const link = /href="(http:\/\/127\.0\.0\.1:\d+\/confirm\/[^"]+)"/.exec(String(mail.html))?.[1]?.replace(/&amp;/g, '&');
      expect(link?.startsWith(`http://127.0.0.1:${port}/confirm/`)).toBe(true);
      const confirmed = await fetch(link!, { method: 'POST', redirect: 'manual' });
      expect(confirmed.status).toBe(303);
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
    }
    for (const p of procs) {
      const [code] = p.child.exitCode === null ? await once(p.child, 'exit') : [p.child.exitCode];
      expect(code, `${p.name}:\n${p.lines.join('\n')}`).toBe(0);
    }
  });
});
