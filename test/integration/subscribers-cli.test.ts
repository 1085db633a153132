// `newsletter subscribers …` as an operator runs it: a child process against a real Redis.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/redis/keys.ts';
import { deleteByPrefix, TEST_REDIS_URL, testRedis, uniquePrefix, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let dir: string;
const otherPrefix = uniquePrefix();

beforeAll(async () => {
  t = await testRedis();
  dir = await mkdtemp(join(tmpdir(), 'nl-cli-'));
});
afterAll(async () => {
  await deleteByPrefix(t.redis, otherPrefix);
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a confirmation link is derived from (tokens.ts): the commands that queue confirmation mails need it. */
const SECRET = 'cli-test-secret-0123456789-abcdefghijklmnop';

function cli(args: string[], opts: { prefix?: string; redisUrl?: string; env?: Record<string, string> } = {}): Promise<Run> {
  // Only what the command needs: SECRET (for confirmation links), never ADMIN_TOKEN, which these commands must not require.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: opts.redisUrl ?? TEST_REDIS_URL,
    KEY_PREFIX: opts.prefix ?? t.prefix,
    SECRET,
    ...opts.env,
  };
  return new Promise((resolve) => {
    execFile('node', ['bin/newsletter.js', 'subscribers', ...args], { env, cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The jobs waiting on this test's transactional queue (no worker runs here). */
async function transactionalJobs(): Promise<
  Array<{ name: string; delay: number; data: { subscriberId: string; listId: string; nonce?: string; keyVersion?: number; token?: string } }>
> {
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUES.transactional, { connection, prefix: t.prefix });
  try {
    return await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

// Each run starts a Node process with tsx (seconds on a busy machine): generous time limits.
describe('newsletter subscribers', { timeout: 180_000 }, () => {
  it('adds, and refuses bad input with one line', async () => {
    const added = await cli(['add', 'Reader@Example.COM', '--name', '读者']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(
      /^added Reader@example\.com \(id \d+\) to pretrain-weekly as pending; confirmation mail queued \(a running `newsletter worker` sends it\)\n$/,
    );
    // Pending without a confirmation mail could never become active: one job waits for the worker.
    const id = /\(id (\d+)\)/.exec(added.stdout)![1];
    const jobs = await transactionalJobs();
    expect(jobs.map((j) => [j.name, j.data.subscriberId, j.data.listId])).toEqual([['confirm', id, 'pretrain-weekly']]);
    // A seed the worker derives the link from under SECRET, never the token itself (Bull Board shows job data).
    expect(jobs[0]!.data).toEqual({
      subscriberId: id,
      listId: 'pretrain-weekly',
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      keyVersion: expect.any(Number),
    });
    // Within the resend window a second add queues nothing more, and says so.
    const twice = await cli(['add', 'Reader@Example.COM']);
    expect(twice.stdout).toMatch(/already there: pending in pretrain-weekly; a confirmation mail was queued less than 60 s ago/);
    expect(await transactionalJobs()).toHaveLength(1);

    // Without SECRET no confirmation can be queued: one line says so (a confirmed add needs none).
    const noSecret = await cli(['add', 'nosecret@example.com'], { env: { SECRET: '' } });
    expect(noSecret).toMatchObject({ code: 1, stdout: '' });
    expect(noSecret.stderr).toMatch(/SECRET: is missing; set it to 32 or more random characters/);
    expect(noSecret.stderr).not.toMatch(/\n\s+at /);
    expect(await transactionalJobs()).toHaveLength(1);

    const confirmed = await cli(['add', 'fan@example.com', '--confirmed', '--list', 'field-notes-readers'], { env: { SECRET: '' } });
    expect(confirmed.stdout).toMatch(/to field-notes-readers as active/);
    const again = await cli(['add', 'fan@example.com', '--confirmed', '--list', 'field-notes-readers']);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/already there: active in field-notes-readers/);

    // --confirmed queues no mail.
    expect(await transactionalJobs()).toHaveLength(1);

    const unknownList = await cli(['add', 'typo@example.com', '--list', 'nope']);
    expect(unknownList).toMatchObject({ code: 1, stdout: '' });
    expect(unknownList.stderr).toBe(
      'newsletter: --list nope: no newsletter sends to this list (known lists: field-notes-readers, pretrain-weekly, shipping-log)\n',
    );

    const bad = await cli(['add', 'x@y.com\r\nBcc: z@w.org']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^newsletter: not a valid email address/);
  });

  it('lists, as text or JSON, filtered by status', async () => {
    const list = await cli(['list']);
    expect(list.code).toBe(0);
    const rows = list.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    expect(rows.map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ['Reader@example.com', 'pending', 'pretrain-weekly', '读者'],
      ['fan@example.com', 'active', 'field-notes-readers', ''],
    ]);
    expect(list.stderr).toMatch(/2 subscribers shown; all lists: pending 1, active 1/);

    const json = await cli(['list', '--json', '--status', 'active']);
    const parsed = JSON.parse(json.stdout) as Array<{ email: string; status: string; consent?: { source: string } }>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ email: 'fan@example.com', status: 'active', consent: { source: 'api' } });

    const badStatus = await cli(['list', '--status', 'gone']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/--status: unknown status "gone"/);
  });

  it('imports a file: bad rows as FILE:LINE, then a summary; exit 0', async () => {
    const file = join(dir, 'readers.csv');
    await writeFile(file, 'email,name,locale\nok1@example.com,One,zh-CN\nbroken,Two,en\nok2@example.com,Three,en\nfan@example.com,Fan,\n');
    const run = await cli(['import', file, '--confirmed']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`${file}:3 invalid email address "broken"\n`);
    expect(run.stdout).toMatch(/: 2 imported .*, 1 updated, 0 skipped .*, 1 bad row\n$/);

    const second = await cli(['import', file, '--confirmed']);
    expect(second.stdout).toMatch(/: 0 imported .*, 0 updated, 3 skipped/);
    expect(second.code).toBe(0);
  });

  it('exits 1 with one line for an unusable file, importing nothing', async () => {
    const file = join(dir, 'wrong.csv');
    await writeFile(file, 'mail,name\nx@example.com,X\n');
    const run = await cli(['import', file]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      `newsletter: ${file}:1 unknown column "mail" (allowed: email, name, status, lists, locale, source, consented_at, consent_ip, consent_user_agent, consent_text, confirmed_at, created_at)\n`,
    );

    const unknownList = await cli(['import', file, '--list', 'nope']);
    expect(unknownList).toMatchObject({ code: 1, stdout: '' });
    expect(unknownList.stderr).toMatch(
      /^newsletter: --list nope: no newsletter sends to this list \(known lists: field-notes-readers, pretrain-weekly, shipping-log\)\n$/,
    );

    const missing = await cli(['import', join(dir, 'absent.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/absent\.csv: no such file/);

    const allBad = join(dir, 'all-bad.csv');
    await writeFile(allBad, 'email\nnope\nalso nope\n');
    const bad = await cli(['import', allBad]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect((await cli(['list'])).stdout).not.toMatch(/x@example\.com|nope/);
  });

  it('exports to a private file and the export imports into an empty deployment unchanged', async () => {
    const out = join(dir, 'export.csv');
    const run = await cli(['export', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`exported 4 subscribers to ${out}\n`);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const text = await readFile(out, 'utf8');
    expect(text.split('\n')[0]).toBe('email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at');

    const stdout = await cli(['export', '--list', 'field-notes-readers']);
    expect(stdout.stdout.trim().split('\n')).toHaveLength(2);
    expect(stdout.stdout).toMatch(/^fan@example\.com,Fan,active,field-notes-readers pretrain-weekly,,\w*,/m);

    const restored = await cli(['import', out], { prefix: otherPrefix });
    expect(restored.stdout).toMatch(/: 4 imported/);
    const copy = await cli(['export'], { prefix: otherPrefix });
    expect(copy.stdout).toBe(text);
  });

  it('removes an address for good, and says so when there is none', async () => {
    const run = await cli(['remove', 'Reader@example.com']);
    expect(run.stdout).toMatch(/^removed Reader@example\.com \(id \d+\)\n$/);
    const again = await cli(['remove', 'Reader@example.com']);
    expect(again).toMatchObject({ code: 1, stderr: 'newsletter: no subscriber with the address Reader@example.com\n' });
    expect((await cli(['list'])).stdout).not.toContain('Reader@example.com');
  });

  it('fails with one line when Redis cannot be reached', async () => {
    const run = await cli(['list'], { redisUrl: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^newsletter: REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('import without --confirmed queues a confirmation mail per new address, spaced at the send rate, and says how many', async () => {
    const file = join(dir, 'unconfirmed.csv');
    await writeFile(file, 'email,name\nu1@unconfirmed.example,U1\nu2@unconfirmed.example,U2\nu3@unconfirmed.example,U3\n');
    const before = (await transactionalJobs()).length;
    const run = await cli(['import', file, '--list', 'field-notes-readers'], { env: { RATE_LIMIT_PER_SECOND: '2' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('3 imported (pending unless the file says otherwise)');
    expect(run.stdout).toContain('queued 3 confirmation mails at 2/s (RATE_LIMIT_PER_SECOND); a running `newsletter worker` sends them');
    const jobs = (await transactionalJobs()).filter((j) => j.name === 'confirm').slice(-3);
    expect((await transactionalJobs()).length - before).toBe(3);
    expect(jobs.map((j) => j.delay).sort((a, b) => a - b)).toEqual([0, 500, 1000]);
    // Importing the same file again queues nothing: nobody new.
    const again = await cli(['import', file, '--list', 'field-notes-readers']);
    expect(again.stdout).not.toContain('queued');
  });
});
