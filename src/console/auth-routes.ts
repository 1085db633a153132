// Logging in and out of the console, and the guard in front of every other console page.
// Members log in with their address and password (argon2id, src/team/password.ts); the admin
// token opens the console only until an admin has set a password (the setup: inviting the first
// admin), and its sessions end then. Login
// is rate-limited per client (every server process shares the count) and per address
// (src/team/login-throttle.ts); each login starts a new session with a new id, named by a
// signed cookie. The guard reads the member afresh on every request, so a removed member or a
// changed role takes effect at once, and checks the permission the route declared
// (src/http/permissions.ts).
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { sameSecret } from '../crypto/same-secret.ts';
import { clientIp } from '../http/client-ip.ts';
import { routePermission } from '../http/permissions.ts';
import { sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { type Actor, actorAllows, actorLabel, actorUserId, newsletterToAsk, roleFor } from '../team/actor.ts';
import type { Config } from '../config/index.ts';
import { CHALLENGE_TTL_SECONDS, type LoginChallenges } from '../team/login-challenge.ts';
import { openTotpSecret, totpStepOf } from '../team/totp.ts';
import type { LoginThrottle } from '../team/login-throttle.ts';
import { passwordMatches } from '../team/password.ts';
import { SESSION_TTL_SECONDS, type AdminSessionStore } from '../team/session-store.ts';
import type { UserStore } from '../team/user-store.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleCookie, consoleLanguage, SESSION_COOKIE, sessionId, type CookiePolicy } from './console-request.ts';
import { consolePage } from './layout.ts';

/** Login attempts a client may make per minute (every server process shares the count). */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

const loginBody = z.object({
  email: z.string().max(320).default(''),
  password: z.string().max(1024).default(''),
  token: z.string().max(1024).optional(),
  _csrf: z.string().optional(),
});

export interface AuthDeps {
  adminToken: string;
  sessions: AdminSessionStore;
  users: UserStore;
  throttle: LoginThrottle;
  challenges: LoginChallenges;
  secrets: Config['secrets'];
  cookies: CookiePolicy;
  /** The newsletter a request's issue or send belongs to (a member's role there may differ). */
  newsletterOf?: (request: FastifyRequest) => Promise<string | null>;
}

/** The cookie of a login waiting for its one-time code. */
const CHALLENGE_COOKIE = 'nl_login';
const codeBody = z.object({ code: z.string().max(32).default('') });

function codePage(m: ConsoleMessages, csrf: string, error?: string): SafeHtml {
  const t = m.team;
  return html`<section class="card narrow"><h1>${t.codeTitle}</h1>
${error ? html`<p class="notice error" role="alert" id="code-error">${error}</p>` : ''}
<p>${t.codeIntro}</p>
<form method="post" action="/admin/login/code">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="code">${t.codeLabel}</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus${error ? html` aria-invalid="true" aria-describedby="code-error"` : ''}>
<p><button type="submit">${m.loginButton}</button></p>
</form></section>`;
}

interface Notice {
  text: string;
  error: boolean;
}

function loginPage(m: ConsoleMessages, csrf: string, setup: boolean, notice?: Notice, email = ''): SafeHtml {
  const t = m.team;
  const alert = notice ? html`<p class="notice${notice.error ? ' error' : ''}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : '';
  const invalid = notice?.error ? html` aria-invalid="true"` : '';
  const form = setup
    ? html`<h1>${t.setupTitle}</h1>
${alert}
<p>${t.setupIntro}</p>
<form method="post" action="/admin/login">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="token">${m.tokenLabel}</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus aria-describedby="token-hint"${invalid}>
<p class="hint" id="token-hint">${m.tokenHint}</p>
<button type="submit">${m.loginButton}</button>
</form>`
    : html`<h1>${m.loginTitle}</h1>
${alert}
<p>${m.loginIntro}</p>
<form method="post" action="/admin/login">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="email">${t.emailLabel}</label>
<input type="email" id="email" name="email" autocomplete="username" required autofocus value="${email}"${invalid}>
<label for="password">${t.passwordLabel}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required aria-describedby="password-hint"${invalid}>
<p class="hint" id="password-hint">${t.sessionHint}</p>
<button type="submit">${m.loginButton}</button>
</form>
<p><a href="/admin/reset">${t.forgotLink}</a></p>`;
  return html`<section class="card narrow">${form}</section>`;
}

async function showLogin(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, status: number, notice?: Notice, email?: string) {
  const m = consoleLanguage(request, reply, deps.cookies);
  const setup = !(await deps.users.hasActiveAdmin());
  return sendPage(reply, status, consolePage({ m, title: m.loginTitle, path: '/admin/login', body: loginPage(m, reply.generateCsrf(), setup, notice, email) }));
}

/** The actor a session cookie stands for, or null (no session, ended, member removed, setup over). */
export async function sessionActor(deps: Pick<AuthDeps, 'sessions' | 'users'>, request: FastifyRequest): Promise<Actor | null> {
  const found = await sessionOf(deps, request);
  return 'actor' in found ? found.actor : null;
}

/** The session's actor, or why there is none: `setup-over` for an ADMIN_TOKEN session once an admin has a password. */
async function sessionOf(
  deps: Pick<AuthDeps, 'sessions' | 'users'>,
  request: FastifyRequest,
): Promise<{ actor: Actor } | { none: 'no-session' | 'setup-over' }> {
  const session = await deps.sessions.get(sessionId(request));
  if (!session) return { none: 'no-session' };
  if (session.userId) {
    const member = await deps.users.byId(session.userId);
    if (member?.active) return { actor: { kind: 'member', member, session: session.handle } };
  } else if (!(await deps.users.hasActiveAdmin())) {
    return { actor: { kind: 'setup' } };
  }
  await deps.sessions.end(session.handle);
  return { none: session.userId ? 'no-session' : 'setup-over' };
}

/** Every console route but the login pages: a member (or setup) session holding the route's permission. */
export function requireSession(deps: AuthDeps): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const found = await sessionOf(deps, request);
    if (!('actor' in found)) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        await reply.code(303).header('location', '/admin/login').header('cache-control', 'no-store').send();
        return;
      }
      // A form sent without a session: the login page says why, and that nothing was done.
      const m = consoleLanguage(request, reply, deps.cookies);
      await showLogin(deps, request, reply, 401, { text: found.none === 'setup-over' ? m.team.setupEnded : m.team.loggedOut, error: true });
      return;
    }
    const { actor } = found;
    request.actor = actor;
    const needs = routePermission(request);
    const newsletterOf = deps.newsletterOf;
    const newsletter = needs && newsletterOf ? await newsletterToAsk(actor, needs, () => newsletterOf(request)) : null;
    if (needs && !actorAllows(actor, needs, newsletter)) {
      const m = consoleLanguage(request, reply, deps.cookies);
      const who = actor.kind === 'member' ? `${actor.member.email} (${m.team.roleNames[roleFor(actor.member, newsletter)]})` : actorLabel(actor);
      await sendPage(
        reply,
        403,
        consolePage({
          m,
          title: m.team.forbiddenTitle,
          path: request.url.split('?')[0] ?? '/admin',
          session: { csrf: reply.generateCsrf(), can: canOf(request) },
          body: html`<h1>${m.team.forbiddenTitle}</h1><p class="notice error" role="alert">${m.team.forbidden(who, needs)}</p><p><a href="/admin">${m.back}</a></p>`,
        }),
      );
    }
  };
}

/** Starts a new session (a new id, whatever cookie came in) and goes to the console. */
export async function startSession(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, userId: string | null, location = '/admin') {
  await deps.sessions.destroy(sessionId(request));
  const id = await deps.sessions.create({ userId, ip: clientIp(request) ?? '', userAgent: request.headers['user-agent'] ?? '' });
  reply.setCookie(SESSION_COOKIE, id, consoleCookie(deps.cookies, SESSION_TTL_SECONDS));
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

export function authRoutes(deps: AuthDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/login', async (request, reply) => {
      if (await sessionActor(deps, request)) return reply.code(303).header('location', '/admin').send();
      const m = consoleLanguage(request, reply, deps.cookies);
      const done = (request.query as { done?: unknown }).done;
      const notice = done === 'logout' ? m.loggedOut : done === 'password' ? m.team.passwordSavedLogIn : null;
      return showLogin(deps, request, reply, 200, notice ? { text: notice, error: false } : undefined);
    });

    app.post(
      '/login',
      { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
      async (request, reply) => {
        const m = consoleLanguage(request, reply, deps.cookies);
        const parsed = loginBody.safeParse(request.body ?? {});
        const body = parsed.success ? parsed.data : { email: '', password: '', token: undefined };
        if (body.token !== undefined) {
          // The admin token: only while the team has no members (the first admin's setup).
          const setup = !(await deps.users.hasActiveAdmin());
          if (setup && sameSecret(body.token, deps.adminToken)) {
            audit(request, 'login', 'setup', undefined, { label: 'ADMIN_TOKEN' });
            return startSession(deps, request, reply, null);
          }
          request.log.warn({ ip: clientIp(request) }, 'console: admin token refused');
          audit(request, 'login-failed', 'setup', { reason: setup ? 'wrong-token' : 'setup-over' }, { label: 'ADMIN_TOKEN' });
          return showLogin(deps, request, reply, 401, { text: setup ? m.loginFailed : m.team.setupEnded, error: true });
        }
        const email = body.email.trim();
        // The address as typed, for the audit log: bounded, on one line.
        const typed = { label: email.slice(0, 320).replace(/[\r\n]/g, ' ') };
        if (await deps.throttle.isBlocked(email)) {
          audit(request, 'login-failed', '', { reason: 'throttled' }, typed);
          return showLogin(deps, request, reply, 429, { text: m.team.loginThrottled, error: true }, email);
        }
        const found = await deps.users.credentials(email);
        // Verified against a decoy when the address is unknown: the same time either way.
        const ok = (await passwordMatches(found?.passwordHash, body.password)) && found?.member.active === true;
        if (!ok || !found) {
          await deps.throttle.failed(email);
          request.log.warn({ ip: clientIp(request) }, 'console: login failed');
          audit(
            request,
            'login-failed',
            '',
            { reason: found ? 'password' : 'unknown-address' },
            found ? { label: found.member.email, id: found.member.id } : typed,
          );
          return showLogin(deps, request, reply, 401, { text: m.team.loginFailed, error: true }, email);
        }
        if (found.member.twoFactor) {
          // The password was right; the session waits for the code (no session id yet).
          const challenge = await deps.challenges.create(found.member.id);
          reply.setCookie(CHALLENGE_COOKIE, challenge, consoleCookie(deps.cookies, CHALLENGE_TTL_SECONDS));
          return reply.code(303).header('location', '/admin/login/code').header('cache-control', 'no-store').send();
        }
        // The address's wrong tries are forgiven only when the whole login succeeds (a code too, above).
        await deps.throttle.succeeded(email);
        audit(request, 'login', '', undefined, { label: found.member.email, id: found.member.id });
        return startSession(deps, request, reply, found.member.id);
      },
    );

    const challengeOf = (request: FastifyRequest) => {
      const raw = request.cookies?.[CHALLENGE_COOKIE];
      const unsigned = raw ? request.unsignCookie(raw) : null;
      return unsigned?.valid && unsigned.value ? unsigned.value : undefined;
    };

    app.get('/login/code', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      if (!(await deps.challenges.userOf(challengeOf(request)))) return reply.code(303).header('location', '/admin/login').send();
      return sendPage(reply, 200, consolePage({ m, title: m.team.codeTitle, path: '/admin/login', body: codePage(m, reply.generateCsrf()) }));
    });

    app.post(
      '/login/code',
      { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
      async (request, reply) => {
        const m = consoleLanguage(request, reply, deps.cookies);
        const challenge = challengeOf(request);
        const userId = await deps.challenges.userOf(challenge);
        const member = userId ? await deps.users.byId(userId) : null;
        if (!challenge || !member?.active) return showLogin(deps, request, reply, 401, { text: m.team.codeExpired, error: true });
        // Wrong codes count against the address as wrong passwords do: blocked, no code is tried.
        if (await deps.throttle.isBlocked(member.email)) {
          await deps.challenges.end(challenge);
          return showLogin(deps, request, reply, 429, { text: m.team.loginThrottled, error: true });
        }
        const parsed = codeBody.safeParse(request.body ?? {});
        const sealed = (await deps.users.totpSecrets(member.id)).active;
        const secret = sealed ? openTotpSecret(deps.secrets, sealed) : null;
        const step = secret && parsed.success ? totpStepOf(secret, parsed.data.code) : null;
        if (step !== null && (await deps.users.useTotpStep(member.id, step))) {
          await deps.challenges.end(challenge);
          await deps.throttle.succeeded(member.email);
          reply.clearCookie(CHALLENGE_COOKIE, consoleCookie(deps.cookies));
          audit(request, 'login', '', { twoFactor: true }, { label: member.email, id: member.id });
          return startSession(deps, request, reply, member.id);
        }
        await deps.throttle.failed(member.email);
        audit(request, 'login-failed', '', { reason: 'code' }, { label: member.email, id: member.id });
        if (!(await deps.challenges.wrong(challenge))) {
          reply.clearCookie(CHALLENGE_COOKIE, consoleCookie(deps.cookies));
          return showLogin(deps, request, reply, 401, { text: m.team.codeExpired, error: true });
        }
        return sendPage(
          reply,
          401,
          consolePage({ m, title: m.team.codeTitle, path: '/admin/login', body: codePage(m, reply.generateCsrf(), m.team.codeWrong) }),
        );
      },
    );

    app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
      const actor = await sessionActor(deps, request);
      if (actor) audit(request, 'logout', '', undefined, { label: actorLabel(actor), id: actorUserId(actor) ?? '' });
      await deps.sessions.destroy(sessionId(request));
      reply.clearCookie(SESSION_COOKIE, consoleCookie(deps.cookies));
      return reply.code(303).header('location', '/admin/login?done=logout').send();
    });
  };
}
