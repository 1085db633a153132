// `newsletter users …` as an operator runs it (a child process against the server's Redis), and
// its links followed in the console as the member would: the first admin without ADMIN_TOKEN,
// a reset link, removal, and one clear line for each mistake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareEnv, runCli } from '../helpers/cli.ts';
import { newClient, PASSWORD } from '../helpers/team.ts';
import { SECRET, startHttpHarness, type HttpHarness } from './http-harness.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { AuditLog } from '../../src/team/audit-log.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

const users = (...args: string[]) =>
  runCli(['users', ...args], { env: bareEnv({ REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: h.config.keyPrefix, SECRET, PUBLIC_URL: 'https://news.example.test' }) });

const linkPath = (stdout: string) => new URL(/^link {5}(\S+)$/m.exec(stdout)![1]!).pathname;

describe('newsletter users', () => {
  it('invites the first admin, whose link sets a password that logs in', async () => {
    expect((await users('list')).stdout).toBe('no members yet: `newsletter users add you@example.com --role admin` invites the first admin\n');
    const added = await users('add', 'ada@news.example.test', '--role', 'admin');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^invited ada@news\.example\.test as admin\nlink {5}https:\/\/news\.example\.test\/admin\/invite\/\S+\n$/);
    const browser = newClient(h.app);
    const page = await browser.get(linkPath(added.stdout));
    expect(page.body).toContain('You are joining the newsletter console as ada@news.example.test.');
    expect((await browser.post(linkPath(added.stdout), { password: PASSWORD, confirm: PASSWORD })).statusCode).toBe(303);
    expect((await browser.get('/admin/team')).statusCode).toBe(200);
  });

  it('names each mistake in one line and exits 1', async () => {
    const twice = await users('add', 'ada@news.example.test', '--role', 'admin');
    expect([twice.code, twice.stderr.trim()]).toEqual([
      1,
      'newsletter: ada@news.example.test is already a member (`newsletter users reset ada@news.example.test` sends a new password link)',
    ]);
    const role = await users('add', 'bob@news.example.test', '--role', 'chief');
    expect([role.code, role.stderr.trim()]).toEqual([1, 'newsletter: --role must be one of writer, editor, admin, got "chief"']);
    const unknown = await users('remove', 'nobody@news.example.test');
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      'newsletter: nobody@news.example.test is not a member of the team (see `newsletter users list`)',
    ]);
    const last = await users('remove', 'ada@news.example.test');
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('ada@news.example.test is the last admin');
  });

  it('lists, resets (the old password works until the link is used) and removes', async () => {
    await users('add', 'bob@news.example.test', '--role', 'writer');
    const listed = await users('list', '--json');
    expect(JSON.parse(listed.stdout).map((m: { email: string; role: string; active: boolean }) => [m.email, m.role, m.active])).toEqual([
      ['ada@news.example.test', 'admin', true],
      ['bob@news.example.test', 'writer', false],
    ]);
    const reset = await users('reset', 'ada@news.example.test');
    expect(reset.stdout).toMatch(/^password reset link for ada@news\.example\.test\n/);
    const browser = newClient(h.app);
    await browser.get(linkPath(reset.stdout));
    const fresh = 'another good passphrase';
    expect((await browser.post(linkPath(reset.stdout), { password: fresh, confirm: fresh })).statusCode).toBe(303);
    const again = newClient(h.app);
    await again.get('/admin/login');
    expect((await again.post('/admin/login', { email: 'ada@news.example.test', password: PASSWORD })).statusCode).toBe(401);
    expect((await again.post('/admin/login', { email: 'ada@news.example.test', password: fresh })).statusCode).toBe(303);
    expect((await users('role', 'bob@news.example.test', 'editor', '--newsletter', 'field-notes')).stdout).toBe(
      'bob@news.example.test is editor for field-notes\n',
    );
    expect((await users('role', 'bob@news.example.test', 'editor', '--newsletter', 'nope')).stderr).toContain('--newsletter nope: no such newsletter');
    const roles = JSON.parse((await h.redis.hget(h.keys.user((await h.redis.hget(h.keys.userEmails(), 'bob@news.example.test'))!), 'roles'))!);
    expect(roles).toEqual({ 'field-notes': 'editor' });
    const removed = await users('remove', 'bob@news.example.test');
    expect(removed.stdout).toBe('removed bob@news.example.test; 0 sessions ended, 0 API tokens revoked\n');
    // Each change is in the audit log, by the operator on this machine.
    const { entries } = await new AuditLog(h.redis, h.keys, 400).page({ actor: 'cli (' }, 10);
    expect(entries.map((e) => `${e.action} ${e.target}`)).toEqual([
      'member-remove bob@news.example.test',
      'member-role bob@news.example.test',
      'reset-asked ada@news.example.test',
      'member-invite bob@news.example.test',
      'member-invite ada@news.example.test',
    ]);
    expect((await users('list')).stdout).toMatch(/^ada@news\.example\.test {2}admin {3}active {3}\d+ sessions?\n$/);
  });
});
