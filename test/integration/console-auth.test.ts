// The console's login, session and CSRF through Fastify inject on real Redis: the cookie's
// attributes, a wrong token that sets nothing and is rate-limited, a POST without a valid
// CSRF token refused with 403, and logout that ends the session on the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../helpers/console-client.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
beforeAll(async () => {
  h = await startHttpHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('without a session', () => {
  it('redirects every console page to the login form, which has one labelled token field', async () => {
    const browser = new ConsoleClient(h.app);
    for (const url of ['/admin', '/admin/issues/pretrain-weekly-064', '/admin/queues']) {
      const res = await browser.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/login');
    }
    const login = await browser.get('/admin/login');
    expect(login.statusCode).toBe(200);
    expect(login.body).toMatch(/<label for="token">Admin token<\/label>/);
    expect(login.body).toMatch(/<input type="password" id="token" name="token"/);
    expect(login.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  it('answers a state-changing POST with 401 and changes nothing', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/issues/pretrain-weekly-064/send', {});
    expect(res.statusCode).toBe(401);
    expect(await h.redis.exists(h.keys.campaign('pretrain-weekly-064'))).toBe(0);
  });
});

describe('login', () => {
  it('sets a signed, HttpOnly, SameSite=Strict, Secure (https PUBLIC_URL), expiring session cookie for the right token', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { token: ADMIN_TOKEN });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin');
    const setCookie = [res.headers['set-cookie']].flat().join('\n');
    const session = setCookie.split('\n').find((c) => c.startsWith('nl_admin='));
    expect(session).toBeDefined();
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Strict/i);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; Max-Age=28800/);
    expect(session).toMatch(/; Path=\/admin/);
    // Signed: value "<id>.<signature>".
    expect(decodeURIComponent(session!.split(';')[0]!.split('=')[1]!)).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/_-]+$/);
    const home = await browser.get('/admin');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('pretrain-weekly-064');
    expect(home.body).toContain('field-notes-012');
  });

  it('sets nothing for a wrong token and refuses a tampered cookie', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { token: 'not-the-token' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body).toContain('That admin token is not right');
    browser.cookies.set('nl_admin', `${'A'.repeat(43)}.forged`);
    expect((await browser.get('/admin')).statusCode).toBe(303);
  });

  it('rate-limits wrong tokens per client: the 11th attempt in a minute answers 429', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.get('/admin/login');
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push(
        (
          await h.app.inject({
            method: 'POST',
            url: '/admin/login',
            remoteAddress: '203.0.113.9',
            headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
            payload: `token=wrong&_csrf=${encodeURIComponent(browser.lastCsrf)}`,
          })
        ).statusCode,
      );
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes[10]).toBe(429);
  });

  it('refuses a login POST without the CSRF token (403) and starts no session', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.get('/admin/login');
    const res = await browser.post('/admin/login', { token: ADMIN_TOKEN, _csrf: null });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This form has expired');
    expect(browser.cookies.has('nl_admin')).toBe(false);
  });
});

describe('CSRF and logout', () => {
  it('answers 403 to a POST with a missing or forged _csrf and keeps the session', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.login(ADMIN_TOKEN);
    await browser.get('/admin');
    expect((await browser.post('/admin/logout', { _csrf: null })).statusCode).toBe(403);
    expect((await browser.post('/admin/logout', { _csrf: 'forged-token' })).statusCode).toBe(403);
    expect((await browser.get('/admin')).statusCode).toBe(200);
  });

  it('logout ends the session on the server: the old cookie no longer opens the console', async () => {
    const browser = new ConsoleClient(h.app);
    await browser.login(ADMIN_TOKEN);
    await browser.get('/admin');
    const stolen = browser.cookies.get('nl_admin')!;
    const out = await browser.post('/admin/logout');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/login?done=logout');
    expect((await browser.get('/admin')).statusCode).toBe(303);
    const replay = await h.app.inject({ method: 'GET', url: '/admin', headers: { cookie: `nl_admin=${stolen}` } });
    expect(replay.statusCode).toBe(303);
    // A form sent with the ended session: the login page says so, and that nothing was done.
    const form = await h.app.inject({ method: 'POST', url: '/admin/account/sessions/end-others', headers: { cookie: `nl_admin=${stolen}` } });
    expect(form.statusCode).toBe(401);
    expect(form.body).toContain('You are not logged in: your session ended or expired, so what you sent was not done.');
  });
});

describe('languages', () => {
  it('speaks Chinese to a zh browser and remembers a choice made with ?lang=', async () => {
    const browser = new ConsoleClient(h.app);
    const zh = await browser.get('/admin/login', { 'accept-language': 'zh-CN,zh;q=0.9' });
    expect(zh.body).toContain('<html lang="zh-CN">');
    expect(zh.body).toContain('登录管理台');
    await browser.get('/admin/login?lang=en', { 'accept-language': 'zh-CN' });
    const en = await browser.get('/admin/login', { 'accept-language': 'zh-CN' });
    expect(en.body).toContain('<html lang="en">');
  });
});

describe('queues (Bull Board)', () => {
  it('is behind the session, loads with its own same-origin CSP, and is read-only', async () => {
    const browser = new ConsoleClient(h.app);
    expect((await browser.get('/admin/queues')).statusCode).toBe(303);
    expect((await browser.get('/admin/queues/api/queues')).statusCode).toBe(303);
    await browser.login(ADMIN_TOKEN);
    const board = await browser.get('/admin/queues');
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('<base href="/admin/queues/"');
    expect(board.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);
    // Nothing on the page that its CSP would block (the board's web font from Google was), and a way back.
    const external = [...board.body.matchAll(/(?:href|src)="(https?:[^"]+)"/g)].map((m) => m[1]);
    expect(external).toEqual([]);
    expect(board.body).toContain('<a href="/admin"');
    const script = /src="(static\/js\/main[^"]+)"/.exec(board.body)![1]!;
    expect((await browser.get(`/admin/queues/${script}`)).statusCode).toBe(200);
    const api = await browser.get('/admin/queues/api/queues');
    expect(api.statusCode).toBe(200);
    const queues = api.json().queues as Array<{ name: string; readOnlyMode: boolean }>;
    expect(queues.map((q) => q.name)).toContain('transactional');
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    const retry = await h.app.inject({
      method: 'PUT',
      url: '/admin/queues/api/queues/transactional/retry/failed',
      headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(retry.statusCode).toBeGreaterThanOrEqual(400);
    expect(retry.statusCode).toBeLessThan(500);
  });
});
