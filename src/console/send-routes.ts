// One send in the console: GET /admin/sends/:id (live progress with pause, resume and cancel,
// and "what happened to my message to x@y?" from the ledger), its status as JSON for the page's
// script, and the three controls, which call the same functions as `newsletter pause|resume|cancel`.
import { actorMaySend, canOf } from './console-request.ts';
import { newsletterOfIssue } from '../use-cases/issue-newsletter.ts';
import { audit } from '../http/audit.ts';
import { ClickStore } from '../reports/click-store.ts';
import { issueReport, type IssueReport } from '../use-cases/issue-report.ts';
import { reportSection } from './report-section.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { readSend } from '../campaign/records/campaign-record.ts';
import { cancelCampaign, CampaignStateError, pauseCampaign, rescheduleCampaign, resumeCampaign, type ControlDeps } from '../campaign/control.ts';
import { parseStartTime, StartTimeError } from '../campaign/start-time.ts';
import { isCampaignId } from '../campaign/records/ids.ts';
import { CampaignNotFoundError, getStatus, isFinished } from '../campaign/status.ts';
import type { CampaignStatus } from '../campaign/types.ts';
import { liveWorkerCount } from '../campaign/queue/worker-presence.ts';
import { lookupMessage, type LookupAnswer } from '../use-cases/message-lookup.ts';
import type { AppContext } from '../http/app-context.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import { LIVE_STATUS_SCRIPT } from './live-status.js.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { inZone, startsAt, stateBadge } from './views.ts';

const params = z.object({ id: z.string().max(200).refine(isCampaignId, 'must be a send id such as pretrain-weekly-064') });
const rescheduleForm = z.object({ at: z.string().max(64).default(''), now: z.string().max(8).optional(), _csrf: z.string().optional() });
const lookupQuery = z.object({ email: z.string().max(320).optional(), lang: z.string().max(10).optional() });

const CONTROLS = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;

function idOf(request: FastifyRequest): string {
  const parsed = params.safeParse(request.params);
  if (!parsed.success) throw new HttpInputError(404, 'There is no such send.');
  return parsed.data.id;
}

function lookupText(m: ConsoleMessages, answer: LookupAnswer): string {
  switch (answer.kind) {
    case 'not-an-address':
      return m.notAnAddress;
    case 'not-subscriber':
      return m.lookupNotSubscriber(answer.email);
    case 'not-in-send':
      return m.lookupNone(answer.email);
    case 'found':
      return m.lookupResult(answer.email, m.outcomes[answer.fate] ?? answer.fate);
  }
}

export function sendRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  return async (app) => {
    const controlDeps: ControlDeps = ctx.sends;
    const clicks = new ClickStore(ctx.redis, ctx.keys);

    async function statusOf(id: string): Promise<CampaignStatus> {
      try {
        return await getStatus(ctx.sends, id);
      } catch (error) {
        if (error instanceof CampaignNotFoundError) throw new HttpInputError(404, error.message);
        throw error;
      }
    }

    /** When the send starts, and for one who may send, a form to move it while it waits. */
    function scheduleSection(m: ConsoleMessages, csrf: string, s: CampaignStatus, timeZone: string, maySend: boolean): SafeHtml {
      if (!s.scheduledAt || (s.state !== 'scheduled' && !s.startedAt)) return html``;
      const when = html`<p data-schedule>${startsAt(m, s.scheduledAt, timeZone)}</p>`;
      if (s.state !== 'scheduled' || !maySend) return when;
      return html`${when}<form method="post" action="/admin/sends/${s.issueId}/reschedule"><input type="hidden" name="_csrf" value="${csrf}">
<label for="reschedule-at">${m.rescheduleLabel}</label><input type="text" id="reschedule-at" name="at" required aria-describedby="reschedule-hint" placeholder="2026-12-08T08:00">
<p class="hint" id="reschedule-hint">${m.rescheduleHint(timeZone)}</p><div class="row"><button type="submit" class="secondary">${m.rescheduleButton}</button><button type="submit" name="now" value="yes" formnovalidate>${m.sendNowButton}</button></div></form>`;
    }

    function body(
      m: ConsoleMessages,
      csrf: string,
      s: CampaignStatus,
      timeZone: string,
      notice?: SafeHtml,
      lookup?: { email: string; text: string },
      report?: IssueReport,
      maySend = true,
    ): SafeHtml {
      const c = m.columns;
      const settled = s.total - s.queued;
      const control = (action: keyof typeof CONTROLS, label: string, kind = '') =>
        html`<form method="post" action="/admin/sends/${s.issueId}/${action}"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit"${kind ? html` class="${kind}"` : ''}>${label}</button></form>`;
      const controls = !maySend
        ? [isFinished(s.state) ? '' : html`<p class="hint" data-send-needs-role>${m.team.sendNeedsEditor}</p>`]
        : [
            s.state === 'sending' || s.state === 'scheduled' ? control('pause', m.pauseButton, 'secondary') : '',
            s.state === 'paused' ? control('resume', m.resumeButton) : '',
            // Cannot be undone: asked first, on a page of its own.
            isFinished(s.state) ? '' : html`<a class="button danger" href="/admin/sends/${s.issueId}/cancel">${m.cancelSendButton}…</a>`,
          ];
      const issueId = s.issueId.split('~')[0]!;
      return html`<h1>${m.sendTitleFor(s.issueId)}</h1>
<p class="hint"><a href="/admin/issues/${issueId}">${issueId}</a>${s.startedAt ? html` · ${m.columns.started} ${inZone(s.startedAt, timeZone, m.lang)}` : ''}${s.finishedAt ? html` · ${m.columns.finished} ${inZone(s.finishedAt, timeZone, m.lang)}` : ''}</p>
${notice ?? ''}
<section data-live-status="/admin/sends/${s.issueId}/status.json" data-state="${s.state}" aria-live="polite">
<h2>${m.progress} ${stateBadge(m, s)}</h2>
${scheduleSection(m, csrf, s, timeZone, maySend)}
${s.pausedReason ? html`<p class="notice error">${m.pausedReason(s.pausedReason)}${s.resumesBySelf ? html` ${m.resumesBySelf}` : ''}</p>` : ''}
<progress max="${Math.max(1, s.total)}" value="${settled}">${settled} / ${s.total}</progress>
<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col" class="n">${c.total}</th><th scope="col" class="n">${c.queued}</th><th scope="col" class="n">${c.sent}</th><th scope="col" class="n">${c.failed}</th><th scope="col" class="n">${c.bounced}</th><th scope="col" class="n">${c.skipped}</th><th scope="col" class="n">${c.unknown}</th><th scope="col" class="n">${m.rate}</th><th scope="col" class="n">${m.eta}</th></tr></thead>
<tbody><tr><td class="n" data-field="total">${s.total}</td><td class="n" data-field="queued">${s.queued}</td><td class="n" data-field="sent">${s.sent}</td><td class="n" data-field="failed">${s.failed}</td><td class="n" data-field="bounced">${s.bounced}</td><td class="n" data-field="skipped">${s.skipped}</td><td class="n" data-field="unknown">${s.unknown}</td><td class="n" data-field="rate">–</td><td class="n" data-field="eta">–</td></tr></tbody></table></div>
${s.possibleDuplicates ? html`<p class="hint">${m.possibleDuplicates(s.possibleDuplicates)}</p>` : ''}
${s.lateBounces || s.complaints ? html`<p class="hint">${m.lateReports(s.lateBounces ?? 0, s.complaints ?? 0)}</p>` : ''}
${s.unsubscribes ? html`<p class="hint" data-field="unsubscribes">${m.issueUnsubscribes(s.unsubscribes)}</p>` : ''}
<div class="row">${controls}<a href="/admin/sends/${s.issueId}">${m.refresh}</a></div>
</section>
${report && !s.issueId.includes('~') && s.sent > 0 ? reportSection(m, report, timeZone) : ''}
<section aria-labelledby="lookup"><h2 id="lookup">${m.lookupTitle}</h2>
<form method="get" action="/admin/sends/${s.issueId}"><label for="email">${m.lookupLabel}</label>
<div class="row"><input type="search" id="email" name="email" value="${lookup?.email ?? ''}" autocomplete="off" inputmode="email"><button type="submit">${m.lookupButton}</button></div></form>
${lookup ? html`<p class="notice" role="status" data-lookup>${lookup.text}</p>` : ''}
</section>`;
    }

    async function show(request: FastifyRequest, reply: FastifyReply, id: string, notice?: SafeHtml, statusCode = 200) {
      const m = consoleLanguage(request, reply, cookies);
      const s = await statusOf(id);
      const { email } = lookupQuery.parse(request.method === 'GET' ? (request.query ?? {}) : {});
      const lookup = email?.trim()
        ? { email: email.trim(), text: lookupText(m, await lookupMessage({ ...ctx.sends, store: ctx.store }, id, email.trim())) }
        : undefined;
      const csrf = reply.generateCsrf();
      const live = !isFinished(s.state);
      // The same check as `newsletter send`: a queue nobody consumes keeps the send safe but sends nothing.
      if (live && s.state !== 'paused' && (await liveWorkerCount(ctx.sends.shards[0]!.queues)) === 0) {
        notice = html`${notice ?? ''}<p class="notice error" role="alert" data-no-worker>${m.noWorker}</p>`;
      }
      return sendPage(
        reply,
        statusCode,
        consolePage({
          m,
          title: m.sendTitleFor(id),
          path: `/admin/sends/${id}`,
          session: { csrf, can: canOf(request) },
          body: body(
            m,
            csrf,
            s,
            await timeZoneOf(id),
            notice,
            lookup,
            await issueReport({ sends: ctx.sends, clicks }, id),
            await actorMaySend(request, () => newsletterOfIssue({ emailsDir: ctx.config.emailsDir, redis: ctx.redis, keys: ctx.keys }, id)),
          ),
          ...(live ? { script: LIVE_STATUS_SCRIPT } : {}),
        }),
      );
    }

    app.get('/sends/:id', async (request, reply) => show(request, reply, idOf(request), await flash.take(request)));

    app.get('/sends/:id/status.json', async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return statusOf(idOf(request));
    });

    /** The time zone of the newsletter the send is for (its list's), default UTC. */
    async function timeZoneOf(id: string): Promise<string> {
      const record = await readSend(ctx.redis, ctx.partitions.keys, id);
      return (record && ctx.newsletters.byList(record.listId)?.timeZone) || 'UTC';
    }

    app.post('/sends/:id/reschedule', { preHandler: app.csrfProtection }, async (request, reply) => {
      const id = idOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const form = parseInput(rescheduleForm, request.body);
      const back = `/admin/sends/${id}`;
      const timeZone = await timeZoneOf(id);
      try {
        const at = form.now === 'yes' ? new Date() : parseStartTime(form.at, timeZone);
        if (!at) throw new StartTimeError(m.rescheduleHint(timeZone));
        await rescheduleCampaign(controlDeps, id, at);
        audit(request, 'reschedule', id, { at: at.toISOString() });
        return flash.redirect(
          request,
          reply,
          back,
          form.now === 'yes' ? undefined : html`<p class="notice" role="status">${m.rescheduled(inZone(at.toISOString(), timeZone, m.lang))}</p>`,
        );
      } catch (error) {
        if (error instanceof StartTimeError || error instanceof CampaignStateError)
          return flash.redirect(request, reply, back, html`<p class="notice error" role="alert">${error.message}</p>`);
        if (error instanceof CampaignNotFoundError) throw new HttpInputError(404, error.message);
        throw error;
      }
    });

    app.get('/sends/:id/cancel', async (request, reply) => {
      const id = idOf(request);
      const m = consoleLanguage(request, reply, cookies);
      const s = await statusOf(id);
      if (isFinished(s.state)) return flash.redirect(request, reply, `/admin/sends/${id}`);
      const csrf = reply.generateCsrf();
      const body = html`<section class="card narrow"><h1>${m.cancelTitle(id)}</h1><p>${m.cancelBody(s.queued)}</p>
<form method="post" action="/admin/sends/${id}/cancel" class="row"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">${m.cancelConfirm}</button> <a class="button secondary" href="/admin/sends/${id}">${m.keepSending}</a></form></section>`;
      return sendPage(
        reply,
        200,
        consolePage({ m, title: m.cancelTitle(id), path: `/admin/sends/${id}/cancel`, session: { csrf, can: canOf(request) }, body }),
      );
    });

    for (const [action, run] of Object.entries(CONTROLS)) {
      app.post(`/sends/:id/${action}`, { preHandler: app.csrfProtection }, async (request, reply) => {
        const id = idOf(request);
        try {
          await run(controlDeps, id);
          audit(request, action as 'pause' | 'resume' | 'cancel', id);
        } catch (error) {
          if (error instanceof CampaignStateError)
            return flash.redirect(request, reply, `/admin/sends/${id}`, html`<p class="notice error" role="alert">${error.message}</p>`);
          if (error instanceof CampaignNotFoundError) throw new HttpInputError(404, error.message);
          throw error;
        }
        return flash.redirect(request, reply, `/admin/sends/${id}`);
      });
    }
  };
}
