// GET /admin: every issue file with its send state, and the recent sends.
import type { FastifyPluginAsync } from 'fastify';
import { listIssues, recentSends } from '../../use-cases/issue-overview.ts';
import type { AppContext } from '../app-context.ts';
import { sendPage } from '../respond.ts';
import { html } from '../views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import { consolePage } from './layout.ts';
import { sendsTable, stateBadge } from './views.ts';

export function homeRoutes(ctx: AppContext, cookies: CookiePolicy): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const [issues, sends] = await Promise.all([listIssues(ctx.config.emailsDir, ctx.sends), recentSends(ctx.sends, 20)]);
      const c = m.columns;
      const issueTable = issues.length
        ? html`<div class="table-wrap"><table><thead><tr><th scope="col">${c.issue}</th><th scope="col">${c.subject}</th><th scope="col">${c.state}</th><th scope="col" class="n">${c.sent}</th><th scope="col" class="n">${c.total}</th></tr></thead><tbody>
${issues.map((i) => html`<tr><td><a href="/admin/issues/${i.id}">${i.id}</a></td><td>${i.subject ?? html`<span class="error-text">${m.issueUnreadable}</span>`}</td><td>${stateBadge(m, i.status)}</td><td class="n">${i.status?.sent ?? ''}</td><td class="n">${i.status?.total ?? ''}</td></tr>`)}
</tbody></table></div>`
        : html`<p>${m.issuesEmpty}</p>`;
      return sendPage(
        reply,
        200,
        consolePage({
          m,
          title: m.issuesTitle,
          path: '/admin',
          session: { csrf: reply.generateCsrf() },
          body: html`<h1>${m.issuesTitle}</h1><section>${issueTable}</section><h2>${m.recentSends}</h2><section>${sendsTable(m, sends)}</section>`,
        }),
      );
    });
  };
}
