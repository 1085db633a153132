// One mailbox is one subscriber: a case-variant of an address already on the list never makes a
// second record, whichever way it comes in (subscribe form, admin API, console, CLI add, CSV
// import), and a lookup in any case finds it. Each part runs against the real app and Redis.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { ADMIN_TOKEN, formBody, nextIp, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let dir: string;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  h = await startHttpHarness({ rateLimitPerMinute: 100 });
  dir = await mkdtemp(join(tmpdir(), 'nl-mailbox-'));
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: h.config.keyPrefix };
  return new Promise((resolve) => {
    execFile('node', ['bin/newsletter.js', 'subscribers', ...args], { env, cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every subscriber record whose address is `email` in any case. */
async function recordsOf(email: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof h.store.pageAll>> = await h.store.pageAll(null, cursor, 1000);
    for (const s of page.subscribers) if (s.email.toLowerCase() === email.toLowerCase()) ids.push(s.id);
    cursor = page.next;
  } while (cursor);
  return ids;
}

describe('one mailbox, one subscriber, through every entry point', () => {
  it('the form, the API, the console, CLI add and the import all find dave@ when DAVE@Example.COM comes in', async () => {
    const dave = (await h.store.create({ email: 'dave@example.com', name: 'Dave', lists: [h.en.listId], status: 'active' })).subscriber;

    const form = await h.app.inject({
      method: 'POST',
      url: '/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody({ email: 'DAVE@Example.COM', newsletter: h.en.id }),
      remoteAddress: nextIp(),
    });
    expect(form.statusCode).toBe(202);

    const api = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: auth,
      payload: { email: 'Dave@EXAMPLE.com', list: h.en.listId, confirmed: true },
    });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ created: false, subscriber: { id: dave.id, email: 'dave@example.com' } });
    const lookup = await h.app.inject({ method: 'GET', url: '/api/subscribers?email=DAVE%40example.com', headers: auth });
    expect(lookup.json().subscribers.map((s: { id: string }) => s.id)).toEqual([dave.id]);

    const browser = new ConsoleClient(h.app);
    await browser.login(ADMIN_TOKEN);
    await browser.get('/admin/subscribers');
    const added = await browser.submit('/admin/subscribers/add', { email: 'dAVE@example.com', list: h.en.listId, confirmed: 'yes' });
    expect(added.statusCode).toBe(200);
    const found = await browser.get('/admin/subscribers?q=DAVE@Example.com');
    expect(found.body).toContain('aria-label="Open dave@example.com">dave@example.com</a>');

    const cliAdd = await cli(['add', 'DAVE@Example.COM', '--list', h.en.listId, '--confirmed']);
    expect(cliAdd.stderr).toBe('');
    expect(cliAdd.stdout).toContain(`(id ${dave.id})`);

    const csv = join(dir, 'variants.csv');
    await writeFile(csv, 'email,name\nDave@Example.com,D\nNew.Person@example.com,N\nnew.person@EXAMPLE.com,N2\n');
    const imported = await cli(['import', csv, '--list', h.en.listId, '--confirmed']);
    expect(imported.code).toBe(0);

    expect(await recordsOf('dave@example.com')).toEqual([dave.id]);
    expect(await recordsOf('new.person@example.com')).toHaveLength(1);
    expect((await h.store.get(dave.id))?.email).toBe('dave@example.com');
  });

  it('forget reaches the mailbox in any case, and keeps every spelling out', async () => {
    const erin = (await h.store.create({ email: 'Erin@example.com', lists: [h.en.listId], status: 'active' })).subscriber;
    const forgot = await cli(['forget', 'ERIN@example.com']);
    expect(forgot.code).toBe(0);
    expect(await h.store.get(erin.id)).toBeNull();
    expect(await h.store.isForgotten('erin@EXAMPLE.com')).toBe(true);
    const back = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: auth,
      payload: { email: 'erin@example.com', list: h.en.listId, confirmed: true },
    });
    expect(back.statusCode).toBe(400);
    expect(back.body).toContain('was erased on request');
  });
});

describe('subscribers reindex', () => {
  it('merges the records an earlier version let in for one mailbox and prints what it merged', async () => {
    const a = (
      await h.store.create({
        email: 'twice@example.com',
        lists: [h.en.listId],
        status: 'active',
        consent: { at: '2024-02-02T00:00:00.000Z', textVersion: 'v1', source: 'form' },
      })
    ).subscriber;
    await h.redis.hdel(h.keys.emailIndex(), 'twice@example.com');
    const b = (await h.store.create({ email: 'TWICE@example.com', lists: [h.zh.listId], status: 'active' })).subscriber;
    await h.redis.hset(h.keys.emailIndex(), 'twice@example.com', b.id);
    expect(await recordsOf('twice@example.com')).toHaveLength(2);

    const run = await cli(['reindex']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`merged TWICE@example.com (id ${b.id}) into twice@example.com (id ${a.id}): active, lists`);
    expect(run.stdout).toMatch(/merged 1 mailbox that had more than one record/);
    expect(await recordsOf('twice@example.com')).toEqual([a.id]);
    expect((await h.store.get(a.id))?.lists.sort()).toEqual([h.en.listId, h.zh.listId].sort());
  });
});
