// GET /admin: every issue file with its send state, and the recent sends.
import { canOf } from './console-request.ts';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { IssueChecks } from '../use-cases/issue-check.ts';
import { listIssues, recentSends } from '../use-cases/issue-overview.ts';
import type { AppContext } from '../http/app-context.ts';
import { sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { doctorSection, type DoctorRuns } from './doctor-section.ts';
import { consolePage } from './layout.ts';
import { newIssueForm } from './new-issue-routes.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { sendsTable, stateBadge } from './views.ts';

export function homeRoutes(ctx: AppContext, cookies: CookiePolicy, checks: IssueChecks, flash: Flash, doctor: DoctorRuns): FastifyPluginAsync {
  /** Errors and warnings of one issue file (its lint, or every problem that stops it loading). */
  async function lintOf(id: string): Promise<{ errors: number; warnings: number }> {
    const checked = await checks.check(join(ctx.config.emailsDir, 'issues', `${id}.yaml`)).catch(() => null);
    if (!checked) return { errors: 1, warnings: 0 };
    if (!checked.ok) return { errors: Math.max(1, checked.problems.length), warnings: 0 };
    const { findings } = checked.rendered;
    return { errors: findings.filter((f) => f.level === 'error').length, warnings: findings.filter((f) => f.level === 'warning').length };
  }

  return async (app) => {
    app.get('/', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const [issues, sends] = await Promise.all([listIssues(ctx.config.emailsDir, ctx.sends), recentSends(ctx.sends, 20)]);
      const lints = await Promise.all(issues.map((i) => lintOf(i.id)));
      const c = m.columns;
      const csrf = reply.generateCsrf();
      const notice = await flash.take(request);
      const issueTable = issues.length
        ? html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${c.issue}</th><th scope="col">${c.subject}</th><th scope="col">${m.lint}</th><th scope="col">${c.state}</th><th scope="col" class="n">${c.sent}</th><th scope="col" class="n">${c.total}</th></tr></thead><tbody>
${issues.map((i, n) => html`<tr><td><a href="/admin/issues/${i.id}">${i.id}</a></td><td>${i.subject ?? html`<span class="error-text">${m.issueUnreadable}</span>`}</td><td data-lint="${i.id}">${lintBadge(m, lints[n]!)}</td><td>${stateBadge(m, i.status)}</td><td class="n">${i.status?.sent ?? ''}</td><td class="n">${i.status?.total ?? ''}</td></tr>`)}
</tbody></table></div>`
        : html`<p>${m.issuesEmpty}</p>`;
      return sendPage(
        reply,
        200,
        consolePage({
          m,
          title: m.issuesTitle,
          path: '/admin',
          session: { csrf, can: canOf(request) },
          body: html`<h1>${m.issuesTitle}</h1>${notice ?? ''}<section>${issueTable}</section>${newIssueForm(m, csrf, ctx.newsletters.all)}<h2>${m.recentSends}</h2><section>${sendsTable(m, sends)}</section>${doctorSection(m, csrf, doctor)}`,
        }),
      );
    });
  };
}

function lintBadge(m: ConsoleMessages, lint: { errors: number; warnings: number }): SafeHtml {
  const text = m.lintSummary(lint.errors, lint.warnings);
  const level = lint.errors ? 'error' : lint.warnings ? 'warning' : null;
  return level ? html`<span class="level ${level}">${text}</span>` : html`${text}`;
}
