// SIGTERM stops `worker` and `serve` cleanly as the deploy files start them (issue #26 item 19):
// the commands in deploy/ (Procfile, systemd units, compose) run the bin itself, never npx; each
// is run here, sent SIGTERM, and must exit 0 having said so ("worker stopped", "stopped"). The
// same for `node bin/newsletter.js worker`, and for `npx newsletter worker`: npx passes SIGTERM
// only to the shell it starts the bin through, and the bin must stop all the same (once).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEST_REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'newsletter.js');
const DEPLOY = join(ROOT, 'deploy');
/** Where the systemd units expect the checkout. */
const SERVICE_ROOT = '/srv/newsletter/';

/** Every command line the deploy files start, as written (with SERVICE_ROOT taken off). */
async function deployCommands(): Promise<Array<{ file: string; command: string }>> {
  const found: Array<{ file: string; command: string }> = [];
  for (const line of (await readFile(join(DEPLOY, 'Procfile'), 'utf8')).split('\n')) {
    const m = /^(\w+):\s*(.+)$/.exec(line.trim());
    if (m && !line.trim().startsWith('#')) found.push({ file: 'deploy/Procfile', command: m[2]! });
  }
  for (const unit of await readdir(join(DEPLOY, 'systemd'))) {
    for (const line of (await readFile(join(DEPLOY, 'systemd', unit), 'utf8')).split('\n')) {
      const m = /^ExecStart=(.+)$/.exec(line.trim());
      if (m) found.push({ file: `deploy/systemd/${unit}`, command: m[1]! });
    }
  }
  const compose = parse(await readFile(join(DEPLOY, 'compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[] | string }> };
  for (const service of Object.values(compose.services)) {
    if (service.command) found.push({ file: 'deploy/compose.yml', command: Array.isArray(service.command) ? service.command.join(' ') : service.command });
  }
  return found.map(({ file, command }) => ({ file, command: command.startsWith(SERVICE_ROOT) ? command.slice(SERVICE_ROOT.length) : command }));
}

/** The JSON log lines of a child's stdout, and a wait for the first whose msg matches. */
function logOf(child: ChildProcess) {
  const lines: string[] = [];
  const messages: string[] = [];
  const rl = createInterface({ input: child.stdout! });
  const waitFor = (match: (msg: string) => boolean) =>
    new Promise<Record<string, unknown>>((resolveLine, reject) => {
      const check = (line: string) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (typeof entry.msg === 'string' && match(entry.msg)) {
            rl.off('line', check);
            resolveLine(entry);
          }
        } catch {
          // not a log line
        }
      };
      for (const line of lines) check(line);
      rl.on('line', check);
      rl.once('close', () => reject(new Error(`output ended without the line; it was:\n${lines.join('\n')}`)));
    });
  rl.on('line', (line) => {
    lines.push(line);
    try {
      messages.push(String((JSON.parse(line) as { msg?: unknown }).msg));
    } catch {
      messages.push(line);
    }
  });
  const closed = once(rl, 'close');
  return { lines, messages, waitFor, closed };
}

/** The two steps of a clean stop, once each, "worker stopped" last. */
function expectWorkerStopped(messages: string[]): void {
  expect(messages.filter((m) => m.startsWith('worker stop'))).toEqual(['worker stopping: no new jobs, waiting for those in flight', 'worker stopped']);
  expect(messages.at(-1)).toBe('worker stopped');
  expect(messages.filter((m) => m.startsWith('second signal'))).toEqual([]);
}

describe('SIGTERM stops worker and serve as deployed', () => {
  let t: TestRedis;
  let env: NodeJS.ProcessEnv;
  /** Processes a failed test may have left running (by pid: the npx worker is no child of ours), stopped at the end. */
  const leftRunning = new Set<number>();

  beforeAll(async () => {
    t = await testRedis({ forQueues: true });
    env = {
      ...process.env,
      REDIS_URL: TEST_REDIS_URL,
      KEY_PREFIX: t.prefix,
      // Nothing is sent: the worker only connects to SMTP for a message.
      SMTP_URL: 'smtp://127.0.0.1:2',
      PUBLIC_URL: 'https://news.example.test',
      MAIL_FROM: 'Weekly <weekly@news.example.test>',
      SECRET: 'deploy-signals-secret-8f3a1c5e9b7d2f4a6c8e0b1d3f5a7c9e',
      ADMIN_TOKEN: 'deploy-signals-admin-2b4d6f8a0c2e4a6c8e0a2c4e6a8c0e2a',
      EMAILS_DIR: join(ROOT, 'emails'),
      PORT: '0',
      LOG_LEVEL: 'info',
      npm_config_update_notifier: 'false',
    };
  });
  afterAll(async () => {
    for (const pid of leftRunning) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await t?.cleanup();
  });

  it('the deploy files run the bin itself, never npx', async () => {
    const commands = await deployCommands();
    expect(commands.filter((c) => /\bnpx\b/.test(c.command))).toEqual([]);
    expect(new Set(commands.map((c) => c.command))).toEqual(new Set(['bin/newsletter.js serve', 'bin/newsletter.js worker']));
    // systemd runs it by absolute path; every file has both roles except the per-role units.
    expect(commands.map((c) => c.file).sort()).toEqual([
      'deploy/Procfile',
      'deploy/Procfile',
      'deploy/compose.yml',
      'deploy/compose.yml',
      'deploy/systemd/newsletter-serve.service',
      'deploy/systemd/newsletter-worker@.service',
    ]);
  });

  /** Starts `file args…` in the checkout, waits for `ready`, sends SIGTERM; resolves with the exit code and the log. */
  async function stopBySigterm(file: string, args: string[], ready: string) {
    const child = spawn(file, args, { cwd: ROOT, env });
    if (child.pid) leftRunning.add(child.pid);
    child.once('exit', () => leftRunning.delete(child.pid!));
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    const log = logOf(child);
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await log.waitFor((msg) => msg.startsWith(ready));
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstderr:\n${stderr.join('')}`);
    }
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    await log.closed;
    return { code, signal, messages: log.messages };
  }

  for (const role of ['worker', 'serve'] as const) {
    it(`bin/newsletter.js ${role}, as the deploy files start it: SIGTERM, then exit 0`, async () => {
      expect((await deployCommands()).map((c) => c.command)).toContain(`bin/newsletter.js ${role}`);
      // Executed itself, as systemd, a Procfile runner and compose do: its shebang starts node.
      const run = await stopBySigterm(BIN, [role], role === 'worker' ? 'worker started' : 'listening on');
      expect(run).toMatchObject({ code: 0, signal: null });
      if (role === 'worker') expectWorkerStopped(run.messages);
      else expect(run.messages).toEqual(expect.arrayContaining(['shutting down: finishing requests in flight', 'stopped']));
    });
  }

  it('node bin/newsletter.js worker: SIGTERM, then "worker stopped" and exit 0', async () => {
    const run = await stopBySigterm(process.execPath, [BIN, 'worker'], 'worker started');
    expect(run).toMatchObject({ code: 0, signal: null });
    expectWorkerStopped(run.messages);
  });

  it('npx newsletter worker: SIGTERM to npx stops the worker it started (once, cleanly)', async () => {
    // A project that has the bin in node_modules/.bin, as after `npm install newsletter`: npx
    // runs it as npm → sh -c 'newsletter' worker → node, and passes SIGTERM only to the shell.
    const dir = await mkdtemp(join(tmpdir(), 'npx-worker-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'npx-worker', version: '1.0.0', private: true }));
    await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
    await symlink(BIN, join(dir, 'node_modules', '.bin', 'newsletter'));
    const child = spawn('npx', ['newsletter', 'worker'], { cwd: dir, env });
    const log = logOf(child);
    let workerPid: number | undefined;
    try {
      const started = await log.waitFor((msg) => msg === 'worker started');
      workerPid = Number(started.pid);
      leftRunning.add(workerPid);
      expect(workerPid).not.toBe(child.pid); // node runs two levels below npx
      child.kill('SIGTERM');
      await once(child, 'exit');
      // npx is gone; the worker, orphaned, stops as on its own SIGTERM (its stdout then closes).
      await log.waitFor((msg) => msg === 'worker stopped');
      await log.closed;
      leftRunning.delete(workerPid);
      expectWorkerStopped(log.messages);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
