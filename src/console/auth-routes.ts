// Logging in and out of the console, and the guard in front of every other console page.
// Login takes the admin token from a form (never a query string), compares it in constant time,
// is rate-limited per client in Redis, and on success starts a Redis-backed session named by a
// signed cookie. A wrong token sets nothing.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { sameSecret } from '../crypto/same-secret.ts';
import { html } from '../http/views/html.ts';
import { sendPage } from '../http/respond.ts';
import { consolePage } from './layout.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleCookie, consoleLanguage, SESSION_COOKIE, sessionId, type CookiePolicy } from './console-request.ts';
import { SESSION_TTL_SECONDS, type AdminSessionStore } from './session-store.ts';
import { clientIp } from '../http/client-ip.ts';

/** Wrong tokens a client may try per minute (every server process shares the count). */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

const loginBody = z.object({ token: z.string().max(1024).default(''), _csrf: z.string().optional() });

export interface AuthDeps {
  adminToken: string;
  sessions: AdminSessionStore;
  cookies: CookiePolicy;
}

function loginPage(m: ConsoleMessages, csrf: string, notice?: { text: string; error: boolean }) {
  return consolePage({
    m,
    title: m.loginTitle,
    path: '/admin/login',
    body: html`<section class="card narrow">
<h1>${m.loginTitle}</h1>
${notice ? html`<p class="notice${notice.error ? ' error' : ''}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : ''}
<p>${m.loginIntro}</p>
<form method="post" action="/admin/login">
<input type="hidden" name="_csrf" value="${csrf}">
<label for="token">${m.tokenLabel}</label>
<input type="password" id="token" name="token" autocomplete="current-password" required autofocus aria-describedby="token-hint"${notice?.error ? html` aria-invalid="true"` : ''}>
<p class="hint" id="token-hint">${m.tokenHint}</p>
<button type="submit">${m.loginButton}</button>
</form>
</section>`,
  });
}

/** Every console route but the login page: a valid session, or the login page (GET) / 401. */
export function requireSession(deps: AuthDeps): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (await deps.sessions.isValid(sessionId(request))) return;
    if (request.method === 'GET' || request.method === 'HEAD') {
      await reply.code(303).header('location', '/admin/login').header('cache-control', 'no-store').send();
      return;
    }
    const m = consoleLanguage(request, reply, deps.cookies);
    await sendPage(reply, 401, loginPage(m, reply.generateCsrf(), { text: m.loginFailed, error: true }));
  };
}

export function authRoutes(deps: AuthDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/login', async (request, reply) => {
      if (await deps.sessions.isValid(sessionId(request))) return reply.code(303).header('location', '/admin').send();
      const m = consoleLanguage(request, reply, deps.cookies);
      const done = (request.query as { done?: unknown }).done === 'logout';
      return sendPage(reply, 200, loginPage(m, reply.generateCsrf(), done ? { text: m.loggedOut, error: false } : undefined));
    });

    app.post(
      '/login',
      { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } }, preHandler: app.csrfProtection },
      async (request, reply) => {
        const m = consoleLanguage(request, reply, deps.cookies);
        const parsed = loginBody.safeParse(request.body ?? {});
        const token = parsed.success ? parsed.data.token : '';
        if (!sameSecret(token, deps.adminToken)) {
          request.log.warn({ ip: clientIp(request) }, 'console: wrong admin token');
          return sendPage(reply, 401, loginPage(m, reply.generateCsrf(), { text: m.loginFailed, error: true }));
        }
        const id = await deps.sessions.create({ ip: clientIp(request) ?? '', userAgent: request.headers['user-agent'] ?? '' });
        reply.setCookie(SESSION_COOKIE, id, consoleCookie(deps.cookies, SESSION_TTL_SECONDS));
        return reply.code(303).header('location', '/admin').send();
      },
    );

    app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
      await deps.sessions.destroy(sessionId(request));
      reply.clearCookie(SESSION_COOKIE, consoleCookie(deps.cookies));
      return reply.code(303).header('location', '/admin/login?done=logout').send();
    });
  };
}
