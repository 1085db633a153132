// CSV import and export against a real Redis, each scenario under its own key prefix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys as makeKeys } from '../../src/redis/keys.ts';
import { exportSubscribers } from '../../src/subscribers/csv-export.ts';
import { CsvFileError, importSubscribers, MAX_LISTED_ERRORS, type ImportOptions, type ImportProgress } from '../../src/subscribers/csv-import.ts';
import { RedisSubscriberStore } from '../../src/subscribers/redis-store.ts';
import { deleteByPrefix, testRedis, uniquePrefix, type TestRedis } from '../helpers/redis.ts';

let t: TestRedis;
let dir: string;
const prefixes: string[] = [];

beforeAll(async () => {
  t = await testRedis();
  dir = await mkdtemp(join(tmpdir(), 'nl-csv-'));
});
afterAll(async () => {
  for (const p of prefixes) await deleteByPrefix(t.redis, p);
  await t.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** A store under a fresh prefix (an empty deployment). */
function freshStore(): RedisSubscriberStore {
  const prefix = `${t.prefix.slice(0, -1)}-${uniquePrefix().slice(3)}`;
  prefixes.push(prefix);
  return new RedisSubscriberStore(t.redis, makeKeys(prefix));
}

async function csvFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function exportText(store: RedisSubscriberStore, listId?: string): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportSubscribers(store, out, { listId });
  return Buffer.concat(chunks).toString('utf8');
}

const imp = (store: RedisSubscriberStore, text: string, opts: ImportOptions = {}) => importSubscribers(store, Readable.from([text]), opts);

describe('import', () => {
  it('imports the good rows and reports each bad one with its line number', async () => {
    const store = freshStore();
    const file = await csvFile(
      'mixed.csv',
      [
        'Email,Name,Locale', // 1 (header names are case-insensitive)
        'li.wei@example.com,李伟,zh-CN', // 2
        'not-an-address,Bad,', // 3
        'a@example.com\r\nBcc: x@y.org,Inject,', // 4 → the \r\n ends the row; line 5 is its own bad row
        '', // 6 empty, ignored
        'ok@example.org,"Multi', // 7 a quoted name spanning two lines
        'line",en', // 8
        'x@example.org,X,klingon!!', // 9 bad locale
        'y@example.org,Y,en,extra', // 10 too many values
        ',Nobody,en', // 11 no address
        'last@example.org,"Last",', // 12
      ].join('\n'),
    );
    const result = await importSubscribers(store, file);
    expect(result.errors).toEqual([
      { line: 3, message: 'invalid email address "not-an-address"' },
      { line: 5, message: 'invalid email address "Bcc: x@y.org"' },
      { line: 9, message: expect.stringMatching(/^invalid locale "klingon!!"/) },
      { line: 10, message: expect.stringMatching(/^4 values but the header has 3 columns/) },
      { line: 11, message: 'no email address' },
    ]);
    expect(result).toMatchObject({ imported: 4, updated: 0, skipped: 0 });
    const ok = await store.findByEmail('ok@example.org');
    expect(ok).toMatchObject({ name: 'Multi line', locale: 'en', status: 'pending', lists: ['pretrain-weekly'] });
    expect((await store.findByEmail('a@example.com'))?.name).toBeUndefined();
    expect(ok?.consent).toBeUndefined();
    expect(await store.countByStatus('pretrain-weekly')).toMatchObject({ pending: 4, active: 0 });
  });

  it('counts lines right in a Windows (CRLF) file with a multi-line value', async () => {
    const store = freshStore();
    const result = await imp(store, 'email,name\r\na@example.com,"Two\r\nLines"\r\n\r\nbad,B\r\nc@example.com,C\r\n');
    expect(result.errors).toEqual([{ line: 5, message: 'invalid email address "bad"' }]);
    expect(await store.findByEmail('a@example.com')).toMatchObject({ name: 'Two Lines' });
    expect(result.imported).toBe(2);
  });

  it('reports a broken quote with its line and imports the rows before it', async () => {
    const store = freshStore();
    const result = await imp(store, 'email,name\na@example.com,A\nb@example.com,B"roken\nc@example.com,"never closed\nd@example.com,D\n');
    expect(result.errors.map((e) => e.line)).toEqual([3, 4]); // the unclosed quote opens on line 4
    expect(result.errors[0]!.message).toMatch(/quote/);
    expect(result.imported).toBe(1);
  });

  it.each([
    ['an unknown column', 'email,name,phone\na@example.com,A,1\n', /:1 unknown column "phone"/],
    ['no email column', 'name,locale\nA,en\n', /:1 no "email" column/],
    ['data instead of a header', 'a@example.com,A\n', /unknown column "a@example.com".*header row/],
    ['a repeated column', 'email,name,Name\na@example.com,A,B\n', /column "name" appears twice/],
    ['an empty file', '', /the file is empty/],
  ])('refuses the whole file for %s, writing nothing', async (_label, text, message) => {
    const store = freshStore();
    const path = await csvFile('bad-header.csv', text);
    const error = await importSubscribers(store, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect(await store.countByStatus(null)).toMatchObject({ pending: 0, active: 0 });
  });

  it('refuses a missing file with a one-line error', async () => {
    await expect(importSubscribers(freshStore(), join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
    await expect(importSubscribers(freshStore(), dir)).rejects.toThrow(/not a file/);
  });

  it('is idempotent: the same file twice creates nothing the second time', async () => {
    const store = freshStore();
    const rows = Array.from({ length: 2500 }, (_, i) => `user${i}@example.com,User ${i},${i % 2 ? 'en' : 'zh-CN'}`);
    const text = ['email,name,locale', ...rows, 'user7@example.com,Duplicate,en'].join('\n');
    const first = await imp(store, text, { confirmed: true, batchSize: 1000 });
    expect(first).toMatchObject({ imported: 2500, updated: 0, skipped: 1, errors: [] });
    const before = await exportText(store);
    const second = await imp(store, text, { confirmed: true, batchSize: 1000 });
    expect(second).toMatchObject({ imported: 0, updated: 0, skipped: 2501, errors: [], pending: [] });
    expect(await exportText(store)).toBe(before);
    expect(await store.countByStatus('pretrain-weekly')).toMatchObject({ active: 2500, pending: 0 });
    expect((await store.findByEmail('user7@example.com'))?.name).toBe('User 7'); // first row wins
  });

  it('reports progress after every batch, and at the end the same counts as the result', async () => {
    const store = freshStore();
    await imp(store, 'email,name\nexisting@example.com,Old\n', { confirmed: true });
    const rows = Array.from({ length: 2300 }, (_, i) => `p${i}@example.com,P ${i}`);
    // Repeats across batches (another case, another name), an existing address twice, two bad rows.
    const text = [
      'email,name',
      'existing@example.com,New',
      ...rows.slice(0, 1200),
      'P5@Example.com,Not Me',
      'not-an-address,X',
      ...rows.slice(1200),
      'existing@example.com,Newer',
      ',Nobody',
    ].join('\n');
    const seen: ImportProgress[] = [];
    const result = await imp(store, text, { confirmed: true, batchSize: 500, onProgress: (p) => seen.push(p) });
    expect(result).toMatchObject({ imported: 2300, updated: 1, skipped: 2, errorCount: 2 });
    expect(result.errors.map((e) => e.line)).toEqual([1204, 2306]);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < seen.length; i++) {
      for (const key of ['rows', 'imported', 'updated', 'skipped', 'errors'] as const) expect(seen[i]![key]).toBeGreaterThanOrEqual(seen[i - 1]![key]);
    }
    for (const p of seen) expect(p.rows).toBe(p.imported + p.updated + p.skipped + p.errors);
    expect(seen.at(-1)).toEqual({ rows: 2305, imported: 2300, updated: 1, skipped: 2, errors: 2 });
    // The first row of a mailbox wins, whichever batch the repeat is in.
    expect(await store.findByEmail('p5@example.com')).toMatchObject({ email: 'p5@example.com', name: 'P 5' });
    expect(await store.findByEmail('existing@example.com')).toMatchObject({ name: 'New' });
    // The search indexes follow the import (and the rename of the existing one).
    expect(await store.search({ text: 'p 22', kind: 'name', limit: 100 })).toMatchObject({ count: 111, countIsExact: true });
    expect((await store.search({ text: 'new', kind: 'name', limit: 5 })).subscribers.map((s) => s.email)).toEqual(['existing@example.com']);
  });

  it('counts every bad row but lists the first ten thousand', async () => {
    const store = freshStore();
    const bad = Array.from({ length: MAX_LISTED_ERRORS + 5 }, (_, i) => `bad${i}`);
    let last: ImportProgress | undefined;
    const result = await imp(store, ['email', ...bad, 'good@example.com'].join('\n'), { onProgress: (p) => (last = p) });
    expect(result.imported).toBe(1);
    expect(result.errorCount).toBe(MAX_LISTED_ERRORS + 5);
    expect(result.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(result.errors[0]).toEqual({ line: 2, message: 'invalid email address "bad0"' });
    expect(last).toEqual({ rows: MAX_LISTED_ERRORS + 6, imported: 1, updated: 0, skipped: 0, errors: MAX_LISTED_ERRORS + 5 });
  });

  it('--confirmed imports as active with an import consent record; without it, pending', async () => {
    const store = freshStore();
    await imp(store, 'email\npending@example.com\n');
    expect(await store.findByEmail('pending@example.com')).toMatchObject({ status: 'pending' });
    expect((await store.pageActive('pretrain-weekly', null, 10)).ids).toEqual([]);

    const result = await imp(store, 'email\npending@example.com\nactive@example.com\n', { confirmed: true });
    expect(result).toMatchObject({ imported: 1, updated: 1, skipped: 0 });
    for (const email of ['pending@example.com', 'active@example.com']) {
      const s = await store.findByEmail(email);
      expect(s).toMatchObject({ status: 'active', consent: { source: 'import', textVersion: 'import' } });
      expect(Date.parse(s!.consent!.at)).not.toBeNaN();
    }
    expect((await store.pageActive('pretrain-weekly', null, 10)).ids).toHaveLength(2);
  });

  it('puts rows in --list, and adds existing subscribers to it', async () => {
    const store = freshStore();
    await imp(store, 'email\nboth@example.com\n', { confirmed: true });
    const result = await imp(store, 'email\nboth@example.com\nnew@example.com\n', { confirmed: true, listId: 'en-weekly' });
    expect(result).toMatchObject({ imported: 1, updated: 1 });
    expect((await store.findByEmail('both@example.com'))?.lists).toEqual(['pretrain-weekly', 'en-weekly']);
    expect((await store.pageActive('en-weekly', null, 10)).ids).toHaveLength(2);
    await expect(imp(store, 'email\nx@example.com\n', { listId: 'Bad List' })).rejects.toThrow(/list id/);
  });

  it('never reactivates an unsubscribed, bounced or complained address', async () => {
    const store = freshStore();
    await imp(store, 'email\nleft@example.com\nbounced@example.com\ncomplained@example.com\nstays@example.com\n', { confirmed: true });
    const left = (await store.findByEmail('left@example.com'))!;
    await store.removeFromList(left.id, 'pretrain-weekly');
    await store.setStatus((await store.findByEmail('bounced@example.com'))!.id, 'bounced');
    await store.setStatus((await store.findByEmail('complained@example.com'))!.id, 'complained');

    const text = 'email,name,status\nleft@example.com,Left,\nbounced@example.com,,active\ncomplained@example.com,,\nstays@example.com,,\n';
    const result = await imp(store, text, { confirmed: true, listId: 'pretrain-weekly' });
    expect(result).toMatchObject({ imported: 0, updated: 0, skipped: 4, errors: [], pending: [] });
    expect(await store.findByEmail('left@example.com')).toMatchObject({ status: 'unsubscribed', lists: [] });
    expect((await store.findByEmail('left@example.com'))?.name).toBeUndefined();
    expect((await store.findByEmail('bounced@example.com'))?.status).toBe('bounced');
    expect((await store.findByEmail('complained@example.com'))?.status).toBe('complained');
    expect((await store.pageActive('pretrain-weekly', null, 10)).ids).toEqual([(await store.findByEmail('stays@example.com'))!.id]);
  });

  it('keeps a consent_ip only when it is an address (anything else in the column is dropped)', async () => {
    const store = freshStore();
    const text = [
      'email,status,consented_at,consent_ip',
      'ip4@example.com,active,2026-01-02T03:04:05.000Z,198.51.100.7',
      'ip6@example.com,active,2026-01-02T03:04:05.000Z,2001:db8::1',
      'junk@example.com,active,2026-01-02T03:04:05.000Z,not-an-ip <script>',
    ].join('\n');
    expect(await imp(store, text)).toMatchObject({ imported: 3, errorCount: 0 });
    expect((await store.findByEmail('ip4@example.com'))?.consent?.ip).toBe('198.51.100.7');
    expect((await store.findByEmail('ip6@example.com'))?.consent?.ip).toBe('2001:db8::1');
    const junk = await store.findByEmail('junk@example.com');
    expect(junk?.consent).toMatchObject({ at: '2026-01-02T03:04:05.000Z' });
    expect(junk?.consent?.ip).toBeUndefined();
  });

  it('requires --confirmed or consent_at for an explicit active status, and applies explicit refusals', async () => {
    const store = freshStore();
    await imp(store, 'email\nwas-active@example.com\n', { confirmed: true });
    const result = await imp(
      store,
      'email,status,consent_at\nnoproof@example.com,active,\nproof@example.com,active,2024-05-01T10:00:00Z\nwas-active@example.com,unsubscribed,\nodd@example.com,gone,\n',
    );
    expect(result.errors).toEqual([
      { line: 2, message: 'status "active" without consented_at: pass --confirmed if these addresses already consented' },
      { line: 5, message: expect.stringMatching(/^unknown status "gone"/) },
    ]);
    expect(await store.findByEmail('noproof@example.com')).toBeNull();
    expect(await store.findByEmail('proof@example.com')).toMatchObject({ status: 'active', consent: { at: '2024-05-01T10:00:00.000Z', source: 'import' } });
    expect((await store.findByEmail('was-active@example.com'))?.status).toBe('unsubscribed');
    expect(result).toMatchObject({ imported: 1, updated: 1 });
  });
});

describe('export', () => {
  it('round-trips into an empty deployment: addresses, names, statuses, lists, dates', async () => {
    const source = freshStore();
    const consent = {
      at: '2024-01-02T03:04:05.000Z',
      source: 'form' as const,
      textVersion: 'subscribe-form-v1',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11)',
      confirmedAt: '2024-01-02T03:10:00.000Z',
    };
    const made = await source.createMany([
      { email: 'Active@Example.com', name: '张三', locale: 'zh-CN', lists: ['pretrain-weekly', 'en-weekly'], status: 'active', consent },
      { email: 'pending@example.com', name: 'Pending, Person', lists: ['pretrain-weekly'], status: 'pending' },
      { email: '-dash@example.com', name: '=HYPERLINK("http://evil")', lists: ['pretrain-weekly'], status: 'active', consent },
      { email: 'quote@example.com', name: 'Say "hi"', lists: ['en-weekly'], status: 'bounced', consent },
      { email: 'complained@example.com', lists: ['pretrain-weekly'], status: 'complained', consent },
      { email: 'left@example.com', name: 'Left', lists: ['pretrain-weekly'], status: 'active', consent },
    ]);
    await source.removeFromList(made[5]!.id, 'pretrain-weekly'); // unsubscribed, on no list

    const text = await exportText(source);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at');
    expect(lines).toHaveLength(7);
    // The consent record: source, when, from where, to which words, when confirmed.
    expect(lines[1]).toMatch(
      /^Active@example\.com,张三,active,pretrain-weekly en-weekly,zh-CN,form,2024-01-02T03:04:05\.000Z,203\.0\.113\.7,Mozilla\/5\.0 \(X11\),subscribe-form-v1,2024-01-02T03:10:00\.000Z,\d{4}-.*Z$/,
    );
    // Spreadsheet formulas are neutralised in the file…
    expect(lines[3]).toContain(`'-dash@example.com,"'=HYPERLINK(""http://evil"")"`);

    const target = freshStore();
    const result = await importSubscribers(target, Readable.from([text]));
    expect(result).toMatchObject({ imported: 6, updated: 0, skipped: 0, errors: [] });
    // …and restored on import: the export of the copy is the same file.
    expect(await exportText(target)).toBe(text);
    expect(await target.findByEmail('-dash@example.com')).toMatchObject({ name: '=HYPERLINK("http://evil")', status: 'active' });
    expect(await target.findByEmail('left@example.com')).toMatchObject({ status: 'unsubscribed', lists: [] });
    expect(await target.countByStatus(null)).toEqual(await source.countByStatus(null));
    // Which lists someone left is not a column of the file: the copy's lists count members only.
    for (const list of ['pretrain-weekly', 'en-weekly']) {
      const left = (await source.getMany(made.map((m) => m.id))).filter((s) => s?.left?.includes(list)).length;
      const counts = await source.countByStatus(list);
      expect(await target.countByStatus(list)).toEqual({ ...counts, unsubscribed: counts.unsubscribed - left });
    }
    expect(await exportText(target, 'en-weekly')).toBe(await exportText(source, 'en-weekly'));
  });

  it('writes only the header for an empty list', async () => {
    expect(await exportText(freshStore(), 'pretrain-weekly')).toBe(
      'email,name,status,lists,locale,source,consented_at,consent_ip,consent_user_agent,consent_text,confirmed_at,created_at\n',
    );
  });
});
