// /admin/account: who you are logged in as, and your open sessions, each of which you can end
// (a lost laptop), or all but this one.
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { sendPage } from '../http/respond.ts';
import { html } from '../http/views/html.ts';
import type { AdminSessionStore } from '../team/session-store.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { consoleLanguage, sessionId, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import { sessionsTable } from './team-views.ts';

const endBody = z.object({ session: z.string().max(64).default('') });

export function accountRoutes(deps: { sessions: AdminSessionStore; cookies: CookiePolicy; flash: Flash }): FastifyPluginAsync {
  return async (app) => {
    app.get('/account', async (request, reply) => {
      const m: ConsoleMessages = consoleLanguage(request, reply, deps.cookies);
      const t = m.team;
      const actor = request.actor;
      const csrf = reply.generateCsrf();
      const notice = await deps.flash.take(request);
      const body =
        actor?.kind === 'member'
          ? html`<h1>${t.accountTitle}</h1>${notice ?? ''}
<p>${t.accountIntro(actor.member.email, t.roleNames[actor.member.role])}</p>
<section><h2>${t.sessionsTitle}</h2>
${sessionsTable(m, await deps.sessions.listOf(actor.member.id), { current: actor.session, endAction: '/admin/account/sessions/end', csrf })}
<form method="post" action="/admin/account/sessions/end-others"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${t.endOthers}</button></form>
</section>`
          : html`<h1>${t.accountTitle}</h1><p>${t.setupIntro}</p>`;
      return sendPage(reply, 200, consolePage({ m, title: t.accountTitle, path: '/admin/account', session: { csrf }, body }));
    });

    app.post('/account/sessions/end', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const parsed = endBody.safeParse(request.body ?? {});
      const handle = parsed.success ? parsed.data.session : '';
      // Only one of your own sessions: a handle from someone else's list ends nothing here.
      if (actor?.kind === 'member' && (await deps.sessions.listOf(actor.member.id)).some((s) => s.handle === handle)) {
        await deps.sessions.end(handle);
        audit(request, 'session-end', actor.member.email, { sessions: 1 });
      }
      return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice" role="status">${m.team.sessionEnded}</p>`);
    });

    app.post('/account/sessions/end-others', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const actor = request.actor;
      const ended = actor?.kind === 'member' ? await deps.sessions.endAllOf(actor.member.id, deps.sessions.handleOf(sessionId(request)) ?? undefined) : 0;
      if (actor?.kind === 'member') audit(request, 'session-end', actor.member.email, { sessions: ended });
      return deps.flash.redirect(request, reply, '/admin/account', html`<p class="notice" role="status">${m.team.othersEnded(ended)}</p>`);
    });
  };
}
