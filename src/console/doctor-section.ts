// The console's home: "Will it reach the inbox?", the same checks as `newsletter doctor`
// (src/doctor) behind a button, since they take seconds (DNS, TLS, SMTP) and must not slow every
// page. POST /admin/doctor runs them and redirects home (post/redirect/get); the results of the
// last run stay in this process until the next one.
import type { FastifyPluginAsync } from 'fastify';
import type { DoctorOptions } from '../doctor/run-doctor.ts';
import type { CheckResult } from '../doctor/types.ts';
import type { AppContext } from '../http/app-context.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { when } from './views.ts';

export interface DoctorRuns {
  last: { at: string; results: CheckResult[] } | null;
  /** Tests point the checks at their own DNS server and shorten the time limit. */
  options?: DoctorOptions;
}

const MARK = { pass: 'ok', warn: 'warning', fail: 'error' } as const;

export function doctorSection(m: ConsoleMessages, csrf: string, runs: DoctorRuns): SafeHtml {
  const t = m.doctor;
  const last = runs.last;
  const failed = last?.results.filter((r) => r.status === 'fail').length ?? 0;
  const warned = last?.results.filter((r) => r.status === 'warn').length ?? 0;
  const table = last
    ? html`<p data-doctor-summary>${t.summary(when(last.at, m.lang), failed, warned)}</p><div class="table-wrap" tabindex="0" role="region" aria-label="${t.title}"><table data-doctor><thead><tr><th scope="col">${t.check}</th><th scope="col">${t.status}</th><th scope="col">${t.found}</th></tr></thead><tbody>
${last.results.map(
  (r) =>
    html`<tr><th scope="row">${r.check}</th><td>${r.status === 'pass' ? t.statuses.pass : html`<span class="level ${MARK[r.status]}">${t.statuses[r.status]}</span>`}</td><td>${r.detail}${r.fix ? html`<br><span class="hint">${t.fix} ${r.fix}</span>` : ''}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="hint">${t.notRun}</p>`;
  return html`<section aria-labelledby="doctor"><h2 id="doctor">${t.title}</h2><p class="hint">${t.intro}</p>${table}
<form method="post" action="/admin/doctor"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${last ? t.runAgain : t.run}</button></form></section>`;
}

export function doctorRoutes(ctx: AppContext, runs: DoctorRuns): FastifyPluginAsync {
  return async (app) => {
    app.post('/doctor', { preHandler: app.csrfProtection }, async (_request, reply) => {
      const { runDoctor } = await import('../doctor/run-doctor.ts');
      const results = await runDoctor(ctx.config, runs.options ?? (ctx.config.doctorDnsServer ? { dnsServer: ctx.config.doctorDnsServer } : {}));
      runs.last = { at: new Date().toISOString(), results };
      return reply.code(303).header('location', '/admin#doctor').send();
    });
  };
}
