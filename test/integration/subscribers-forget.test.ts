// `newsletter subscribers forget ADDR` as an operator answering an erasure request runs it:
// afterwards Redis holds nothing of the person but a hash, and neither the form, an import nor
// the admin API brings the address back until `unforget` lifts the entry.
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSubscribers } from '../../src/subscribers/csv-import.ts';
import {
  ADMIN_TOKEN,
  confirmByClick,
  confirmPathFrom,
  formBody,
  nextIp,
  startHttpHarness,
  waitForMail,
  waitForTransactionalIdle,
  type HttpHarness,
} from './http-harness.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: h.config.keyPrefix };
  return new Promise((resolve) => {
    execFile('node', ['bin/newsletter.js', 'subscribers', ...args], { env, cwd: process.cwd() }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function subscribe(email: string, name: string) {
  return h.app.inject({
    method: 'POST',
    url: '/subscribe',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Forget-Test/1.0' },
    payload: formBody({ email, name, newsletter: h.en.id }),
    remoteAddress: nextIp(),
  });
}

/** Every string Redis holds under this test's prefix: key names, values, hash fields, members. */
async function everythingStored(): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await h.redis.scan(cursor, 'MATCH', `${h.config.keyPrefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      out.push(key);
      const type = await h.redis.type(key);
      if (type === 'string') out.push((await h.redis.get(key)) ?? '');
      else if (type === 'hash') out.push(JSON.stringify(await h.redis.hgetall(key)));
      else if (type === 'set') out.push(...(await h.redis.smembers(key)));
      else if (type === 'zset') out.push(...(await h.redis.zrange(key, '0', '-1')));
      else if (type === 'list') out.push(...(await h.redis.lrange(key, '0', '-1')));
      else if (type === 'stream') out.push(JSON.stringify(await h.redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return out.join('\n');
}

describe('subscribers forget', { timeout: 120_000 }, () => {
  it('erases the person, keeps a hash, and lets nothing add the address back until unforget', async () => {
    const email = 'erase.me@example.com';
    expect((await subscribe(email, 'Grace Forgettable')).statusCode).toBe(202);
    const [confirmation] = await waitForMail(h, email);
    expect((await confirmByClick(h.app, confirmPathFrom(confirmation!, h.config.publicUrl))).statusCode).toBe(200);
    await waitForMail(h, email, 2); // the welcome mail
    await waitForTransactionalIdle(h);
    const before = await h.store.findByEmail(email);
    expect(before).toMatchObject({ status: 'active', name: 'Grace Forgettable' });
    expect(await everythingStored()).toContain(email);

    const forgot = await cli(['forget', 'erase.me@EXAMPLE.com']);
    expect(forgot).toMatchObject({ code: 0, stderr: '' });
    expect(forgot.stdout).toBe(
      `erased the record of erase.me@example.com (id ${before!.id}); kept a hashed suppression entry: imports, the API and the form will not add it again\n`,
    );
    expect(await h.store.findByEmail(email)).toBeNull();
    expect(await h.store.get(before!.id)).toBeNull();
    const stored = await everythingStored();
    for (const personal of [email, 'erase.me', 'Grace', 'Forget-Test/1.0']) expect(stored).not.toContain(personal);
    expect(await h.store.countByStatus(h.en.listId)).toMatchObject({ active: 0 });

    // The form answers as for anyone, and no mail goes out.
    const mailsBefore = h.sink.messages.length;
    // The hash ignores case: the same person typing their address differently stays out.
    const again = await subscribe('Erase.Me@example.com', 'Grace');
    expect(again.statusCode).toBe(202);
    const fresh = await subscribe('someone.new@example.com', 'New');
    expect(again.body.replaceAll('Erase.Me@example.com', 'X')).toBe(fresh.body.replaceAll('someone.new@example.com', 'X'));
    await waitForMail(h, 'someone.new@example.com');
    await waitForTransactionalIdle(h);
    expect(h.sink.messages.slice(mailsBefore).flatMap((m) => m.to)).toEqual(['someone.new@example.com']);
    expect(await h.store.findByEmail(email)).toBeNull();

    // An old CSV does not bring them back; it says it skipped a row.
    const imported = await importSubscribers(h.store, Readable.from([`email,name\n${email},Grace\nkept@example.com,Kept\n`]), {
      listId: h.en.listId,
      confirmed: true,
    });
    expect(imported).toMatchObject({ imported: 1, skipped: 1, errors: [] });
    expect(await h.store.findByEmail(email)).toBeNull();

    // Neither does the admin API: a 400 that says why and how to lift it.
    const api = await h.app.inject({
      method: 'POST',
      url: '/api/subscribers',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { email, list: h.en.listId, confirmed: true },
    });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toMatchObject({ message: expect.stringMatching(/erased on request .*unforget/) });
    // Nor `subscribers add`.
    const added = await cli(['add', email, '--confirmed', '--list', h.en.listId]);
    expect(added.code).toBe(1);
    expect(added.stderr).toMatch(/erased on request/);

    // Forgetting again is harmless and says so; unforget lifts the entry once.
    expect((await cli(['forget', email])).stdout).toBe(`no record of ${email}; its hashed suppression entry was already there\n`);
    expect(await cli(['unforget', email])).toMatchObject({
      code: 0,
      stdout: `lifted the suppression entry of ${email}: it can subscribe (and be added) again\n`,
    });
    expect((await cli(['unforget', email])).code).toBe(1);
    expect((await subscribe(email, 'Grace')).statusCode).toBe(202);
    await waitForMail(h, email, 3);
    expect(await h.store.findByEmail(email)).toMatchObject({ status: 'pending' });
  });
});
