// The audit log (issue 31) over Fastify inject on real Redis: each step of a team's day leaves
// one entry with who, when, from where and what (and one log line); admins read it with filters
// and as CSV (no cell a spreadsheet would run), writers cannot; the studio's versions name their
// author; entries past AUDIT_RETENTION_DAYS go.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { inviteAndJoin, newClient, setupSession } from '../helpers/team.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';
import { keys as keysFor } from '../../src/redis/keys.ts';
import { AuditLog } from '../../src/team/audit-log.ts';

const unescapeHtml = (s: string) =>
  s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

const ISSUE = 'field-notes-012';
let h: HttpHarness;
let dir: string;
let admin: ConsoleClient;
let editor: ConsoleClient;
let writer: ConsoleClient;
const lines: { msg?: string; audit?: Record<string, string> }[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  // A copy of emails/: the studio writes the issue file.
  dir = await mkdtemp(join(tmpdir(), 'nl-audit-'));
  await cp('emails', join(dir, 'emails'), { recursive: true });
  h = await startHttpHarness({ publicUrl: 'http://127.0.0.1:3000', logger, env: { EMAILS_DIR: join(dir, 'emails') } });
  for (let i = 1; i <= 3; i++)
    await h.store.create({
      email: `reader-${i}@audit.example`,
      lists: [h.en.listId],
      status: 'active',
      consent: { at: new Date().toISOString(), textVersion: 't', source: 'import' },
    });
  admin = await inviteAndJoin(h.app, await setupSession(h.app, ADMIN_TOKEN), 'ada@news.example.test', 'admin');
  editor = await inviteAndJoin(h.app, admin, 'eve@news.example.test', 'editor');
  writer = await inviteAndJoin(h.app, admin, 'wen@news.example.test', 'writer');
});
afterAll(async () => {
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The audit page's rows as [actor, action, target, detail]. */
async function rows(query = ''): Promise<string[][]> {
  const page = await admin.get(`/admin/audit${query}`);
  expect(page.statusCode).toBe(200);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')).slice(1, 5),
  );
}

describe('the audit log', () => {
  it('records the setup, invitations, passwords and logins, newest first', async () => {
    const all = await rows();
    const oldestFirst = [...all].reverse().map(([actor, action, target]) => `${actor} ${action} ${target}`);
    expect(oldestFirst.slice(0, 4)).toEqual([
      'ADMIN_TOKEN login setup',
      'ADMIN_TOKEN member-invite ada@news.example.test',
      'ada@news.example.test password-set ada@news.example.test',
      'ada@news.example.test member-invite eve@news.example.test',
    ]);
    expect(all.find(([, action, target]) => action === 'member-invite' && target === 'wen@news.example.test')?.[3]).toBe('role=writer');
  });

  it('records a failed login with the address typed and why, and each entry is also one log line', async () => {
    const client = newClient(h.app);
    await client.get('/admin/login');
    await client.post('/admin/login', { email: 'eve@news.example.test', password: 'not her password' });
    await client.post('/admin/login', { email: '=HYPERLINK("x")@evil.example', password: 'whatever it is' });
    const failed = await rows('?action=login-failed');
    expect(failed.map(([actor, , , detail]) => `${actor} ${detail}`)).toEqual([
      '=HYPERLINK(&quot;x&quot;)@evil.example reason=unknown-address',
      'eve@news.example.test reason=password',
    ]);
    const line = lines.find((l) => l.msg === 'audit: login-failed by eve@news.example.test');
    expect(line?.audit).toMatchObject({ action: 'login-failed', actor: 'eve@news.example.test', detail: 'reason=password' });
    expect(JSON.stringify(lines)).not.toContain('not her password');
  });

  it('records a send with who and how many, then pause, resume and cancel', async () => {
    await editor.get(`/admin/issues/${ISSUE}/send?at=`);
    expect((await editor.post(`/admin/issues/${ISSUE}/send`, { at: '', confirm: 'yes' })).statusCode).toBe(303);
    for (const action of ['pause', 'resume']) {
      await editor.get(`/admin/sends/${ISSUE}`);
      await editor.post(`/admin/sends/${ISSUE}/${action}`);
    }
    const sends = await rows(`?actor=eve%40news&target=${ISSUE}`);
    expect(sends.map(([actor, action, target, detail]) => [actor, action, target, detail])).toEqual(
      expect.arrayContaining([
        ['eve@news.example.test', 'send', ISSUE, 'recipients=3'],
        ['eve@news.example.test', 'pause', ISSUE, ''],
      ]),
    );
    expect((await rows('?action=send')).map(([actor]) => actor)).toEqual(['eve@news.example.test']);
  });

  it('exports the filter as CSV, oldest first, with no cell a spreadsheet would run', async () => {
    const csv = await admin.get('/admin/audit.csv?action=login-failed');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...records] = csv.body.trim().split('\n');
    expect(header).toBe('at,action,actor,actor_id,ip,target,detail');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,login-failed,eve@news\.example\.test,[A-Za-z0-9_-]{12},10\.9\.\d+\.\d+,,reason=password$/);
    expect(records[1]).toContain(`"'=HYPERLINK(""x"")@evil.example"`);
  });

  it('takes a date before 1970 (a typo for 2020) as the start of time, in the page and the CSV', async () => {
    const everything = await admin.get('/admin/audit.csv?action=login-failed&since=0202-01-01');
    expect(everything.statusCode).toBe(200);
    expect(everything.body.trim().split('\n')).toHaveLength(3);
    const nothing = await admin.get('/admin/audit.csv?until=1969-12-31');
    expect(nothing.statusCode).toBe(200);
    expect(nothing.body.trim()).toBe('at,action,actor,actor_id,ip,target,detail');
    const page = await admin.get('/admin/audit?since=0202-01-01&until=1969-12-31');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('min="1970-01-01"');
  });

  it('is for admins only', async () => {
    expect((await writer.get('/admin/audit')).statusCode).toBe(403);
    expect((await editor.get('/admin/audit.csv')).statusCode).toBe(403);
  });

  it('names the author of a saved version in the studio from the same actor', async () => {
    const open = await writer.get('/admin/issues/pretrain-weekly-064/edit');
    const editorUrl = String(open.headers.location);
    const form = await writer.get(editorUrl);
    const values: Record<string, string> = {};
    for (const m of form.body.matchAll(/<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"/g)) values[m[1]!] = unescapeHtml(m[2]!);
    for (const m of form.body.matchAll(/<textarea id="[^"]+" name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) values[m[1]!] = unescapeHtml(m[2]!);
    expect(values.subject).toBeTruthy();
    const saved = await writer.submit(editorUrl, { ...values, subject: `${values.subject} (Wen)`, op: 'save' });
    expect(saved.body).toContain('Saved.');
    const versions = await writer.get('/admin/issues/pretrain-weekly-064/revisions');
    expect(versions.body).toContain('wen@news.example.test');
    expect((await rows('?action=issue-save'))[0]?.slice(0, 3)).toEqual(['wen@news.example.test', 'issue-save', 'pretrain-weekly-064']);
  });

  it('drops entries older than AUDIT_RETENTION_DAYS as new ones are added', async () => {
    const keys = keysFor(`${h.config.keyPrefix}:retention`);
    const day = 24 * 3600 * 1000;
    const fields = ['action', 'export', 'actor', 'old', 'actorId', '', 'ip', '', 'target', 'all', 'detail', ''];
    await h.redis.xadd(keys.auditLog(), `${Date.now() - 401 * day}-0`, ...fields);
    await h.redis.xadd(keys.auditLog(), `${Date.now() - 399 * day}-0`, ...fields);
    await new AuditLog(h.redis, keys, 400).record({ action: 'export', actor: 'new', actorId: '', ip: '', target: 'all', detail: '' });
    const left = (await h.redis.xrange(keys.auditLog(), '-', '+')).map(([id]) => Math.round((Date.now() - Number(id.split('-')[0])) / day));
    expect(left).toEqual([399, 0]);
  });
});
