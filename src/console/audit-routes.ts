// /admin/audit (admins: audit:read): the audit log newest first, filtered by action, who, what
// and dates, a page of 100 at a time; /admin/audit.csv exports the same filter, oldest first.
// CSV cells that a spreadsheet would run as a formula get a leading apostrophe (csv-stringify's escape_formulas).
import { canOf } from './console-request.ts';
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { sendPage } from '../http/respond.ts';
import { html } from '../http/views/html.ts';
import { AUDIT_ACTIONS, type AuditEntry, type AuditFilter, type AuditLog, isAuditAction } from '../team/audit-log.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import { consolePage } from './layout.ts';
import { when } from './views.ts';

export const AUDIT_PAGE_SIZE = 100;
const CSV_COLUMNS = ['at', 'action', 'actor', 'actor_id', 'ip', 'target', 'detail'] as const;

const query = z.object({
  action: z.string().max(32).default(''),
  actor: z.string().max(320).default(''),
  target: z.string().max(320).default(''),
  since: z.string().max(10).default(''),
  until: z.string().max(10).default(''),
  before: z.string().max(40).default(''),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter a query asks for; a date that is not one is left out (the form shows it as given). */
function filterOf(q: z.infer<typeof query>): AuditFilter {
  const since = DATE.test(q.since) ? Date.parse(`${q.since}T00:00:00Z`) : Number.NaN;
  const until = DATE.test(q.until) ? Date.parse(`${q.until}T23:59:59.999Z`) : Number.NaN;
  return {
    ...(isAuditAction(q.action) ? { action: q.action } : {}),
    ...(q.actor.trim() ? { actor: q.actor.trim() } : {}),
    ...(q.target.trim() ? { target: q.target.trim() } : {}),
    ...(Number.isFinite(since) ? { since } : {}),
    ...(Number.isFinite(until) ? { until } : {}),
  };
}

export function auditRoutes(deps: { log: AuditLog; config: Pick<Config, 'auditRetentionDays'>; cookies: CookiePolicy }): FastifyPluginAsync {
  return async (app) => {
    app.get('/audit', async (request, reply) => {
      const m = consoleLanguage(request, reply, deps.cookies);
      const a = m.audit;
      const q = query.safeParse(request.query ?? {});
      const form = q.success ? q.data : query.parse({});
      const filter = filterOf(form);
      const before = /^\d{1,16}-\d{1,10}$/.test(form.before) ? form.before : undefined;
      const { entries, next } = await deps.log.page(filter, AUDIT_PAGE_SIZE, before);
      const params = new URLSearchParams({ action: form.action, actor: form.actor, target: form.target, since: form.since, until: form.until });
      const c = a.columns;
      const row = (e: AuditEntry) =>
        html`<tr><td><time datetime="${e.at}">${when(e.at, m.lang)}</time></td><td>${e.actor}</td><td><code>${e.action}</code></td><td>${e.target}</td><td>${e.detail}</td><td>${e.ip}</td></tr>`;
      const body = html`<h1>${a.title}</h1>
<p>${a.intro(deps.config.auditRetentionDays)}</p>
<section><form method="get" action="/admin/audit" class="filters">
<div><label for="audit-action">${a.action}</label><select id="audit-action" name="action"><option value="">${a.anyAction}</option>${AUDIT_ACTIONS.map(
        (action) => html`<option value="${action}"${action === form.action ? html` selected` : ''}>${action}</option>`,
      )}</select></div>
<div><label for="audit-actor">${a.actor}</label><input type="search" id="audit-actor" name="actor" value="${form.actor}"></div>
<div><label for="audit-target">${a.target}</label><input type="search" id="audit-target" name="target" value="${form.target}"></div>
<div><label for="audit-since">${a.since}</label><input type="date" id="audit-since" name="since" min="1970-01-01" value="${form.since}"></div>
<div><label for="audit-until">${a.until}</label><input type="date" id="audit-until" name="until" min="1970-01-01" value="${form.until}"></div>
<div><button type="submit">${a.filter}</button></div>
</form>
<p><a class="button secondary" href="/admin/audit.csv?${params.toString()}" download>${a.exportCsv}</a></p></section>
<section>${
        entries.length === 0
          ? html`<p>${a.none}</p>`
          : html`<div class="table-wrap" tabindex="0"><table><caption>${a.title}</caption><thead><tr><th scope="col">${c.when}</th><th scope="col">${c.actor}</th><th scope="col">${c.action}</th><th scope="col">${c.target}</th><th scope="col">${c.detail}</th><th scope="col">${c.from}</th></tr></thead><tbody>${entries.map(row)}</tbody></table></div>`
      }
<p class="row">${before ? html`<a href="/admin/audit?${params.toString()}">${a.newest}</a>` : ''}${next ? html` <a href="/admin/audit?${params.toString()}&amp;before=${next}">${a.older}</a>` : ''}</p></section>`;
      return sendPage(reply, 200, consolePage({ m, title: a.title, path: '/admin/audit', session: { csrf: reply.generateCsrf(), can: canOf(request) }, body }));
    });

    app.get('/audit.csv', async (request, reply) => {
      const q = query.safeParse(request.query ?? {});
      const filter = filterOf(q.success ? q.data : query.parse({}));
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .header('cache-control', 'no-store');
      const log = deps.log;
      const rows = Readable.from(
        (async function* () {
          for await (const e of log.all(filter)) yield [e.at, e.action, e.actor, e.actorId, e.ip, e.target, e.detail];
        })(),
      );
      // pipeline, not pipe: a failed read (Redis gone mid-export) ends this download, logged,
      // instead of an unhandled stream error that would stop the server.
      // escape_formulas, as the subscriber export: a cell a spreadsheet would run as a formula
      // (= + - @, a tab or CR first, and their full-width forms) starts with an apostrophe.
      const csv = pipeline(rows, stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }), (error) => {
        if (error) request.log.warn({ err: error.message }, 'audit export cut short');
      });
      return reply.send(csv);
    });
  };
}
