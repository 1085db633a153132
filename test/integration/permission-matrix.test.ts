// The permission matrix (issue 31): every console and admin API route, as the server registered
// it, tried by every kind of caller: no session, an ended session, a writer, an editor and an
// admin on the console; no token, a revoked token, ADMIN_TOKEN and a token of each scope on the
// API. A caller the route's permission (src/http/permissions.ts) leaves out gets 403 naming what
// is needed, and nothing more; one it lets in never gets that 403; one without a session goes to
// the login page (GET) or 401 (POST), and one without a valid token gets 401. POSTs carry no
// CSRF token, so an allowed one stops at the CSRF check and changes nothing.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleAllows, API_SCOPES, type ApiScope, type Role, type GuardedRoute } from '../../src/http/permissions.ts';
import type { ConsoleClient } from '../helpers/console-client.ts';
import { inviteAndJoin, logIn, setupSession } from '../helpers/team.ts';
import { ADMIN_TOKEN, startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
const sessions = {} as Record<Role, ConsoleClient>;
let ended: string;
const tokens = {} as Record<ApiScope, string>;
let revokedToken: string;

const SAMPLE: Record<string, string> = {
  queueName: 'transactional',
  id: 'matrix-none',
  issueId: 'matrix-none',
  token: '1.abcdefghijkl.1999999999.x',
  editor: 'e',
  n: '0',
  name: 'x',
  job: 'x',
};
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, p: string) => SAMPLE[p] ?? 'x').replace(/\*$/, 'x');

const PERMISSION_DENIED = /cannot do this: it needs the permission “([a-z:-]+)”/;
const SCOPE_DENIED = /it needs the scope \\?"([a-z:-]+)\\?"/;

async function tokenOf(client: ConsoleClient, name: string, scope: ApiScope): Promise<string> {
  await client.get('/admin/account');
  const res = await h.app.inject({
    method: 'POST',
    url: '/admin/account/tokens',
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: client.lastCsrf, name, scopes: scope }).toString(),
  });
  expect(res.statusCode).toBe(303);
  return /<code data-new-token>([^<]+)<\/code>/.exec((await client.get('/admin/account')).body)![1]!;
}

beforeAll(async () => {
  h = await startHttpHarness();
  sessions.admin = await inviteAndJoin(h.app, await setupSession(h.app, ADMIN_TOKEN), 'ada@matrix.example', 'admin');
  sessions.editor = await inviteAndJoin(h.app, sessions.admin, 'eve@matrix.example', 'editor');
  sessions.writer = await inviteAndJoin(h.app, sessions.admin, 'wen@matrix.example', 'writer');
  const gone = await logIn(h.app, 'eve@matrix.example');
  ended = gone.cookies.get('nl_admin')!;
  await gone.post('/admin/logout', { _csrf: (await gone.get('/admin/account')) && gone.lastCsrf });
  for (const scope of API_SCOPES) tokens[scope] = await tokenOf(sessions.admin, `only ${scope}`, scope);
  revokedToken = await tokenOf(sessions.admin, 'revoked', 'campaigns:read');
  const page = await sessions.admin.get('/admin/account');
  // The account page links the question page; its form posts the revoke.
  const question = await sessions.admin.get(/<tr><td>revoked<\/td>[\s\S]*?href="([^"]+\/revoke)"/.exec(page.body)![1]!);
  await sessions.admin.submit(/<form method="post" action="([^"]+\/revoke)"/.exec(question.body)![1]!);
});
afterAll(async () => {
  await h?.close();
});

function consoleRoutes(): GuardedRoute[] {
  return h.app.guardedRoutes.filter((r) => r.url.startsWith('/admin') && r.method !== 'OPTIONS');
}
function apiRoutes(): GuardedRoute[] {
  return h.app.guardedRoutes.filter((r) => r.url.startsWith('/api') && r.method !== 'OPTIONS');
}

function asConsole(route: GuardedRoute, cookie: string | null): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: '' }),
  });
}

function asApi(route: GuardedRoute, bearer: string | null): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: route.method as 'GET',
    url: concrete(route.url),
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { 'content-type': 'application/json' }),
    },
    ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: '{}' }),
  });
}

const cookieOf = (client: ConsoleClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

describe('the permission matrix', () => {
  it('walks every console and API route the server registered', () => {
    expect(consoleRoutes().length).toBeGreaterThan(50);
    expect(apiRoutes().length).toBeGreaterThan(10);
    expect(new Set(h.app.guardedRoutes.map((r) => r.needs))).toContain('users:manage');
  });

  it('gives each role on the console exactly what its permissions allow: 403 naming the permission, or in', async () => {
    const wrong: string[] = [];
    for (const route of consoleRoutes()) {
      for (const role of ROLES) {
        const res = await asConsole(route, cookieOf(sessions[role]));
        // A HEAD has the GET's status without its body.
        const denied = res.statusCode === 403 && (route.method === 'HEAD' || PERMISSION_DENIED.test(res.body));
        const should = !roleAllows(role, route.needs);
        if (denied !== should) wrong.push(`${role} ${route.method} ${route.url} (${route.needs}): ${res.statusCode}`);
        if (denied && route.method !== 'HEAD' && PERMISSION_DENIED.exec(res.body)![1] !== route.needs)
          wrong.push(`${role} ${route.method} ${route.url}: names the wrong permission`);
        if (!denied && (res.statusCode === 401 || res.headers.location === '/admin/login') && route.needs !== 'public')
          wrong.push(`${role} ${route.method} ${route.url}: sent to log in`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses every console POST without its CSRF token, even from an admin, and every write to the read-only queue board', async () => {
    const wrong: string[] = [];
    for (const route of consoleRoutes().filter((r) => !['GET', 'HEAD'].includes(r.method))) {
      const res = await asConsole(route, cookieOf(sessions.admin));
      // Bull Board's own API (not a form): read-only, every write answers 405.
      // ("pause all" and "resume all" pass over read-only queues: 200, nothing paused, checked below.)
      const refused = route.url.startsWith('/admin/queues/')
        ? res.statusCode === 405 || (/^\/admin\/queues\/api\/queues\/(pause|resume)$/.test(route.url) && res.statusCode === 200)
        : res.statusCode === 403 && /This form has expired or did not come from the console/.test(res.body);
      if (!refused) wrong.push(`${route.method} ${route.url}: ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
    expect(await h.transactionalQueue.isPaused()).toBe(false);
  });

  it('sends a caller with no session, or an ended one, to the login page (GET) or 401 (POST), except on the public pages', async () => {
    const wrong: string[] = [];
    for (const route of consoleRoutes()) {
      for (const cookie of [null, `nl_admin=${ended}`]) {
        const res = await asConsole(route, cookie);
        if (route.needs === 'public') {
          // The code step, with no login waiting for a code, sends back to the login page itself.
          const backToLogin = route.url === '/admin/login/code' && route.method !== 'POST';
          if (res.statusCode === 401 || (res.headers.location === '/admin/login' && !backToLogin) || PERMISSION_DENIED.test(res.body))
            wrong.push(`${route.method} ${route.url} is public but answered ${res.statusCode}`);
          continue;
        }
        const ok =
          route.method === 'GET' || route.method === 'HEAD' ? res.statusCode === 303 && res.headers.location === '/admin/login' : res.statusCode === 401;
        if (!ok) wrong.push(`${cookie ? 'ended' : 'none'} ${route.method} ${route.url}: ${res.statusCode} ${res.headers.location ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives each API token exactly its scope, ADMIN_TOKEN everything, and a missing, revoked or console credential 401', async () => {
    const wrong: string[] = [];
    for (const route of apiRoutes()) {
      for (const scope of API_SCOPES) {
        const res = await asApi(route, tokens[scope]);
        const denied = res.statusCode === 403 && (route.method === 'HEAD' || SCOPE_DENIED.test(res.body));
        const should = route.needs !== 'signed-in' && route.needs !== scope;
        if (denied !== should) wrong.push(`${scope} ${route.method} ${route.url} (${route.needs}): ${res.statusCode}`);
        if (res.statusCode === 401) wrong.push(`${scope} ${route.method} ${route.url}: 401`);
      }
      const admin = await asApi(route, ADMIN_TOKEN);
      if (admin.statusCode === 401 || admin.statusCode === 403) wrong.push(`ADMIN_TOKEN ${route.method} ${route.url}: ${admin.statusCode}`);
      for (const [who, bearer] of [
        ['none', null],
        ['revoked', revokedToken],
        ['session cookie as bearer', sessions.admin.cookies.get('nl_admin')!],
      ] as const) {
        const res = await asApi(route, bearer);
        if (res.statusCode !== 401) wrong.push(`${who} ${route.method} ${route.url}: ${res.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets no API token into the console', async () => {
    for (const route of consoleRoutes().filter((r) => r.needs !== 'public' && r.method === 'GET')) {
      const res = await h.app.inject({ method: 'GET', url: concrete(route.url), headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(res.headers.location, route.url).toBe('/admin/login');
    }
  });
});
