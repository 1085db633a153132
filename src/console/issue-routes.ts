// One issue in the console: GET /admin/issues/:id (preview at desktop and phone widths, the text
// part, lint findings with their lines, size against Gmail's clip, recipients, send state, the
// test-send and send forms), its preview document, and the two POSTs. Sending asks first: the
// send form opens GET /admin/issues/:id/send, which shows the list and the recipient count and
// changes nothing; its button POSTs confirm=yes, which sends. Every POST answers 303 to a page
// that shows its outcome once (flash.ts). Both go through the same use cases as `newsletter
// send` and the admin API.
import { actorMaySend, canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import { actorAllows, roleFor } from '../team/actor.ts';
import { newsletterOfIssue } from '../use-cases/issue-newsletter.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseStartTime } from '../campaign/start-time.ts';
import { findStatus } from '../campaign/status.ts';
import type { CampaignStatus } from '../campaign/types.ts';
import { formatProblem, type ContentProblem, type LocatedFinding } from '../content/index.ts';
import { clientLabel, type ClientSupportReport } from '../render/client-support/support-report.ts';
import { clientSupportRows } from '../render/client-support/support-table.ts';
import type { IssueChecks } from '../use-cases/issue-check.ts';
import { UserError } from '../errors.ts';
import { loadPublishableIssue, UnknownIssueError, type PublishableIssue } from '../use-cases/publishable-issue.ts';
import type { RenderedIssueFile } from '../use-cases/render-issue-file.ts';
import { sendIssue } from '../use-cases/send-issue.ts';
import { testSendIssue } from '../use-cases/test-send.ts';
import type { AppContext } from '../http/app-context.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { issueFileOr404 } from './issue-file.ts';
import { consolePage } from './layout.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { inZone, stateBadge, when } from './views.ts';

const params = z.object({ id: z.string().max(200) });
const testSendForm = z.object({ to: z.string().max(5000).default(''), _csrf: z.string().optional() });
const sendForm = z.object({ at: z.string().max(64).default(''), confirm: z.string().max(8).optional(), _csrf: z.string().optional() });

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** The finding's place and message; its level is the badge before it. */
function findingText(f: LocatedFinding): string {
  return `${f.file}${f.line ? `:${f.line}` : ''}${f.path ? ` ${f.path}` : ''}: ${f.message}`;
}

export function levelBadge(m: ConsoleMessages, level: 'error' | 'warning'): SafeHtml {
  return html`<span class="level ${level}">${m.levels[level]}</span>`;
}

export function issueRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash, checks: IssueChecks): FastifyPluginAsync {
  return async (app) => {
    const sendDeps = { ...ctx.sends, store: ctx.store, publicUrl: ctx.config.publicUrl };

    /** The issue's file, checked to exist; 404 otherwise. */
    const fileOf = (id: string) => issueFileOr404(ctx.config.emailsDir, id);

    function page(request: FastifyRequest, reply: FastifyReply, m: ConsoleMessages, title: string, body: SafeHtml, status = 200) {
      return sendPage(
        reply,
        status,
        consolePage({ m, title, path: request.url.split('?')[0]!, session: { csrf: reply.generateCsrf(), can: canOf(request) }, body, frameSrc: "'self'" }),
      );
    }

    function sendState(m: ConsoleMessages, id: string, status: CampaignStatus | null): SafeHtml {
      if (!status) return html``;
      const link = html` <a href="/admin/sends/${id}">${m.viewSend}</a>`;
      if (status.state === 'done') return html`<p class="notice" role="status">${m.alreadySent(when(status.finishedAt, m.lang), status.sent)}${link}</p>`;
      return html`<p class="notice" role="status">${stateBadge(m, status)} ${status.state === 'cancelled' ? '' : m.running}${link}</p>`;
    }

    function issueBody(
      m: ConsoleMessages,
      csrf: string,
      id: string,
      r: RenderedIssueFile | { error: string; problems: readonly ContentProblem[] },
      recipients: number,
      status: CampaignStatus | null,
      notice?: SafeHtml,
      ownAddress = '',
      maySend = true,
    ): SafeHtml {
      if ('error' in r) {
        // The file does not load: every problem at once, one line each (lint's own lines).
        const problems = r.problems.length
          ? html`<ul>${r.problems.map((p) => html`<li class="finding error-text">${levelBadge(m, 'error')} ${formatProblem(p)}</li>`)}</ul>`
          : html`<p class="finding error-text">${r.error}</p>`;
        return html`<h1>${id}</h1><p class="hint"><a href="/admin/issues/${id}/edit">${m.studio.edit}</a></p>${notice ?? ''}<section><h2>${m.lint}</h2><p class="notice error" role="status">${m.sendBlocked(Math.max(1, r.problems.length))}</p>${problems}</section>`;
      }
      const { report } = r.rendered;
      const errors = r.findings.filter((f) => f.level === 'error').length;
      const findings = r.findings.length
        ? html`<ul>${r.findings.map((f) => html`<li class="finding${f.level === 'error' ? ' error-text' : ''}">${levelBadge(m, f.level)} ${findingText(f)}</li>`)}</ul>`
        : html`<p>${m.lintClean}</p>`;
      const running = status?.state === 'sending' || status?.state === 'paused' || status?.state === 'scheduled';
      const canSend = errors === 0 && !running;
      return html`<h1>${r.sample.subject}</h1>
<p class="hint">${id} · ${m.recipients(recipients, r.newsletter.name)} · <a href="/admin/issues/${id}/edit">${m.studio.edit}</a></p>
${notice ?? ''}${sendState(m, id, status)}
<section><h2>${m.lint}</h2>${findings}
<h2>${m.sizeTitle}</h2><p>${m.sizeLine(kb(report.encodedHtmlBytes), kb(report.budgetBytes), report.encodedHtmlBytes > report.budgetBytes)}</p></section>
${r.clientSupport ? clientSupportSection(m, r.clientSupport) : ''}
<section><h2>${m.preview}</h2><div class="previews">
<figure class="desktop"><figcaption>${m.desktop}</figcaption><iframe title="${m.preview}: ${m.desktop}" src="/admin/issues/${id}/preview.html" sandbox></iframe></figure>
<figure class="phone"><figcaption>${m.phone}</figcaption><iframe title="${m.preview}: ${m.phone}" src="/admin/issues/${id}/preview.html" sandbox></iframe></figure>
</div>
<h2>${m.textPart}</h2><pre class="text" tabindex="0">${r.sample.text}</pre></section>
<section aria-labelledby="test-send"><h2 id="test-send">${m.testSendTitle}</h2>
<form method="post" action="/admin/issues/${id}/test-send"><input type="hidden" name="_csrf" value="${csrf}">
<label for="to">${m.testSendLabel}</label><input type="text" id="to" name="to" required aria-describedby="to-hint" autocomplete="email" inputmode="email" value="${ownAddress}">
<p class="hint" id="to-hint">${m.testSendHint}</p><button type="submit">${m.testSendButton}</button></form></section>
${
  !maySend
    ? html`<section aria-labelledby="send"><h2 id="send">${m.sendTitle}</h2><p class="notice" role="status" data-send-needs-role>${m.team.sendNeedsEditor}</p></section>`
    : canSend
      ? html`<section aria-labelledby="send"><h2 id="send">${m.sendTitle}</h2>
<form method="get" action="/admin/issues/${id}/send">
<label for="at">${m.atLabel}</label><input type="text" id="at" name="at" aria-describedby="at-hint" placeholder="2026-12-07T08:00:00+08:00">
<p class="hint" id="at-hint">${m.atHint(r.newsletter.timeZone)}</p><button type="submit">${m.sendButton}</button></form></section>`
      : html`<section aria-labelledby="send"><h2 id="send">${m.sendTitle}</h2><p class="notice${errors ? ' error' : ''}" role="status" data-send-blocked>${errors ? m.sendBlocked(errors) : m.sendRunning}</p></section>`
}`;
    }

    async function render(file: string): Promise<RenderedIssueFile | { error: string; problems: readonly ContentProblem[] }> {
      const checked = await checks.check(file);
      return checked.ok ? checked.rendered : checked;
    }

    /** `loaded`: the issue a POST already rendered, so the page does not run MJML a second time. */
    async function showIssue(request: FastifyRequest, reply: FastifyReply, id: string, notice?: SafeHtml, statusCode = 200, loaded?: RenderedIssueFile) {
      const m = consoleLanguage(request, reply, cookies);
      const [rendered, status] = await Promise.all([loaded ?? fileOf(id).then(render), findStatus(ctx.sends, id)]);
      const recipients = 'error' in rendered ? 0 : ((await ctx.store.countByStatus(rendered.newsletter.listId)).active ?? 0);
      const csrf = reply.generateCsrf();
      const title = 'error' in rendered ? id : rendered.sample.subject;
      const maySend = await actorMaySend(request, () => newsletterOf(id));
      const body = issueBody(m, csrf, id, rendered, recipients, status, notice, request.actor?.kind === 'member' ? request.actor.member.email : '', maySend);
      return sendPage(
        reply,
        statusCode,
        consolePage({ m, title, path: `/admin/issues/${id}`, session: { csrf, can: canOf(request) }, body, frameSrc: "'self'" }),
      );
    }

    app.get('/issues/:id', async (request, reply) => {
      const { id } = parseInput(params, request.params);
      return showIssue(request, reply, id, await flash.take(request));
    });

    // The email as a reader sees it, framed by the issue page only; scripts never run (the
    // iframe is sandboxed and the CSP allows none).
    app.get('/issues/:id/preview.html', async (request, reply) => {
      const { id } = parseInput(params, request.params);
      const rendered = await render(await fileOf(id));
      if ('error' in rendered) throw new HttpInputError(422, rendered.error);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .send(rendered.sample.html);
    });

    const newsletterOf = (id: string) => newsletterOfIssue({ emailsDir: ctx.config.emailsDir, redis: ctx.redis, keys: ctx.keys }, id);
    const issuePage = (id: string) => `/admin/issues/${encodeURIComponent(id)}`;
    /** Why a send of a finished issue went nowhere (the question page and its button say the same). */
    const alreadySentNotice = (m: ConsoleMessages, record: { finishedAt?: string | undefined; sent: number }) =>
      html`<p class="notice error" role="alert">${m.alreadySent(when(record.finishedAt, m.lang), record.sent)}</p>`;
    const failure = (error: unknown) => html`<p class="notice error" role="alert">${(error as Error).message}</p>`;

    app.post('/issues/:id/test-send', { preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = parseInput(params, request.params);
      const { to } = parseInput(testSendForm, request.body);
      const m = consoleLanguage(request, reply, cookies);
      const addresses = to.split(/[\s,;]+/).filter(Boolean);
      // A writer (who may not send) test-sends only to their own address: never a way to mail others.
      const actor = request.actor;
      const mayMailOthers = actor?.kind !== 'member' || (await actorMaySend(request, () => newsletterOf(id)));
      if (actor?.kind === 'member' && !mayMailOthers && addresses.some((a) => a.toLowerCase() !== actor.member.email.toLowerCase()))
        return flash.redirect(request, reply, issuePage(id), failure(new Error(m.team.ownAddressOnly(actor.member.email))));
      try {
        const loaded = await loadPublishableIssue(await fileOf(id), { assetsUrl: ctx.config.assetsUrl });
        await testSendIssue(sendDeps, loaded.published, addresses);
        audit(request, 'test-send', id, { addresses: addresses.length });
        return flash.redirect(request, reply, issuePage(id), html`<p class="notice" role="status">${m.testSendQueued(addresses.length)}</p>`);
      } catch (error) {
        // Lint errors and addresses that are not ones (both UserErrors), on the issue page.
        if (error instanceof UserError && !(error instanceof UnknownIssueError)) return flash.redirect(request, reply, issuePage(id), failure(error));
        throw error;
      }
    });

    /** The send as the editor asked for it, or the page to go back to with what is wrong. */
    async function prepareSend(id: string, rawAt: string): Promise<{ loaded: PublishableIssue; at: Date | undefined } | { refused: SafeHtml }> {
      try {
        const loaded = await loadPublishableIssue(await fileOf(id), { assetsUrl: ctx.config.assetsUrl });
        // An offset-less time is the newsletter's (its timeZone, default UTC); errors in the editor's words.
        return { loaded, at: parseStartTime(rawAt, loaded.newsletter.timeZone) };
      } catch (error) {
        if (error instanceof UserError && !(error instanceof UnknownIssueError)) return { refused: failure(error) };
        throw error;
      }
    }

    /** sendIssue with its question answered `yes` (or not, to learn the count), and how many it goes to. */
    async function sendAnswering(loaded: PublishableIssue, at: Date | undefined, yes: boolean) {
      let recipients = 0;
      const outcome = await sendIssue(sendDeps, {
        published: loaded.published,
        ...(at ? { at } : {}),
        confirm: async (q) => {
          recipients = q.recipients;
          return yes;
        },
      });
      return { outcome, recipients };
    }

    // The question before a send: what, to how many, when. A GET: it writes nothing.
    app.get('/issues/:id/send', async (request, reply) => {
      const { id } = parseInput(params, request.params);
      const form = parseInput(sendForm, request.query ?? {});
      const m = consoleLanguage(request, reply, cookies);
      const prepared = await prepareSend(id, form.at);
      if ('refused' in prepared) return flash.redirect(request, reply, issuePage(id), prepared.refused);
      const { loaded, at } = prepared;
      const { outcome, recipients } = await sendAnswering(loaded, at, false);
      if (outcome.kind === 'already-sent') return flash.redirect(request, reply, issuePage(id), alreadySentNotice(m, outcome.record));
      const csrf = reply.generateCsrf();
      return page(
        request,
        reply,
        m,
        m.confirmTitle,
        html`<section class="card narrow"><h1>${m.confirmTitle}</h1>
<p><strong>${loaded.published.subject}</strong></p><p>${m.confirmBody(recipients, loaded.newsletter.name, at ? inZone(at.toISOString(), loaded.newsletter.timeZone, m.lang) : null)}</p>
<form method="post" action="/admin/issues/${id}/send" class="row"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="at" value="${form.at}"><input type="hidden" name="confirm" value="yes">
<button type="submit">${m.confirmButton}</button> <a class="button secondary" href="${issuePage(id)}">${m.cancelButton}</a></form></section>`,
      );
    });

    app.post('/issues/:id/send', { preHandler: app.csrfProtection }, async (request, reply) => {
      const { id } = parseInput(params, request.params);
      const form = parseInput(sendForm, request.body);
      const m = consoleLanguage(request, reply, cookies);
      // Only the question's own button sends; anything else is asked first.
      if (form.confirm !== 'yes') return flash.redirect(request, reply, `${issuePage(id)}/send?at=${encodeURIComponent(form.at)}`);
      const prepared = await prepareSend(id, form.at);
      if ('refused' in prepared) return flash.redirect(request, reply, issuePage(id), prepared.refused);
      const { loaded, at } = prepared;
      // The guard judged by the issue's newsletter as published (or its file then); the send goes
      // to the newsletter the file names now, which the member must be allowed to send too.
      const actor = request.actor;
      if (actor?.kind === 'member' && !actorAllows(actor, 'campaigns:send', loaded.newsletter.id))
        return flash.redirect(
          request,
          reply,
          issuePage(id),
          failure(new Error(m.team.forbidden(`${actor.member.email} (${m.team.roleNames[roleFor(actor.member, loaded.newsletter.id)]})`, 'campaigns:send'))),
        );
      try {
        const { outcome, recipients } = await sendAnswering(loaded, at, true);
        if (outcome.kind === 'already-sent') return flash.redirect(request, reply, issuePage(id), alreadySentNotice(m, outcome.record));
        audit(request, at ? 'schedule' : 'send', id, { recipients, ...(at ? { at: at.toISOString() } : {}) });
        return flash.redirect(request, reply, `/admin/sends/${encodeURIComponent(id)}`);
      } catch (error) {
        if (error instanceof UserError && !(error instanceof UnknownIssueError)) return flash.redirect(request, reply, issuePage(id), failure(error));
        throw error;
      }
    });
  };
}

/** The client-support table, as `newsletter lint --clients` prints it. */
function clientSupportSection(m: ConsoleMessages, report: ClientSupportReport): SafeHtml {
  const c = m.clientSupport;
  const rows = clientSupportRows(report);
  const table = rows.length
    ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="${c.title}"><table data-client-support><thead><tr>${c.headings.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map((row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`)}</tbody></table></div>`
    : html`<p>${c.none}</p>`;
  return html`<section aria-labelledby="client-support"><h2 id="client-support">${c.title}</h2><p class="hint">${c.intro(report.dataDate.slice(0, 10), report.clients.map(clientLabel).join(', '))}</p>${table}</section>`;
}
