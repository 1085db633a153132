// One subscriber in the console: GET /admin/subscribers/:id shows the record, its consent
// record, its lists (member, asked to join, left) and what became of its message in each recent
// send; the editor changes name and language, sends the confirmation mail again, unsubscribes
// from one list, or erases the person. The two that cannot be undone (unsubscribe, erase) ask
// first on a page of their own (GET), whose button POSTs; every POST answers 303 (flash.ts).
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LOCALES } from '../render/strings.ts';
import { requestConfirmationMail } from '../subscribers/confirmation-mail.ts';
import { sanitiseDisplayName } from '../subscribers/email-address.ts';
import type { ConsentEvent, Subscriber } from '../subscribers/types.ts';
import { forgetSubscriber } from '../use-cases/forget-subscriber.ts';
import { leaveList } from '../use-cases/leave-list.ts';
import { subscriberHistory, type HistoryEntry } from '../use-cases/subscriber-history.ts';
import type { AppContext } from '../http/app-context.ts';
import { consentOf } from '../http/consent.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { consentTextResolver } from '../http/views/messages.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { when } from './views.ts';
import { SUBSCRIBER_ID } from '../redis/subscriber-id.ts';

const idParams = z.object({ id: z.string().regex(SUBSCRIBER_ID, 'must be a subscriber id') });
const editForm = z.object({
  name: z.string().max(300).default(''),
  locale: z.union([z.enum(LOCALES), z.literal('')]).default(''),
  _csrf: z.string().optional(),
});
const listForm = z.object({ list: z.string().max(100), _csrf: z.string().optional() });
const listQuery = z.object({ list: z.string().max(100), lang: z.string().max(10).optional() });

export function subscriberHref(id: string): string {
  return `/admin/subscribers/${encodeURIComponent(id)}`;
}

export function subscriberPageRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  const consentText = consentTextResolver(ctx.newsletters.all.map((n) => n.name));
  const ok = (text: string) => html`<p class="notice" role="status">${text}</p>`;
  const problem = (text: string) => html`<p class="notice error" role="alert">${text}</p>`;

  return async (app) => {
    async function subscriberOf(request: FastifyRequest): Promise<Subscriber> {
      const { id } = parseInput(idParams, request.params);
      const subscriber = await ctx.store.get(id);
      if (!subscriber) throw new HttpInputError(404, `There is no subscriber ${id}.`);
      return subscriber;
    }

    function show(request: FastifyRequest, reply: FastifyReply, m: ConsoleMessages, title: string, body: (csrf: string) => SafeHtml) {
      const csrf = reply.generateCsrf();
      return sendPage(reply, 200, consolePage({ m, title, path: request.url.split('?')[0]!, session: { csrf, can: canOf(request) }, body: body(csrf) }));
    }

    function recordTable(m: ConsoleMessages, s: Subscriber): SafeHtml {
      const c = m.sub;
      const rows: Array<[string, string]> = [
        [c.address, s.email],
        [m.subs.name, s.name ?? ''],
        [c.locale, s.locale ?? c.noLocale],
        [m.columns.state, m.subs.status[s.status]],
        [c.created, when(s.createdAt, m.lang)],
        [c.updated, when(s.updatedAt, m.lang)],
      ];
      return html`<div class="table-wrap" tabindex="0"><table><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table></div>`;
    }

    function consentTable(m: ConsoleMessages, s: Subscriber): SafeHtml {
      const c = m.sub;
      const consent = s.consent;
      if (!consent) return html`<p>${c.noConsent}</p>`;
      const rows: Array<[string, string]> = [
        [c.consentAt, when(consent.at, m.lang)],
        [c.consentSource, consent.source],
        [c.consentIp, consent.ip ?? ''],
        [c.consentAgent, consent.userAgent ?? ''],
        [c.consentText, consentText(consent.textVersion) ?? consent.textVersion],
        [c.confirmedAt, consent.confirmedAt ? when(consent.confirmedAt, m.lang) : ''],
      ];
      return html`<div class="table-wrap" tabindex="0"><table><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table></div>`;
    }

    /** Every grant and withdrawal kept for them, oldest first. */
    function consentHistoryTable(m: ConsoleMessages, events: ConsentEvent[]): SafeHtml {
      const c = m.sub;
      if (events.length === 0) return html``;
      return html`<h3>${c.consentHistory}</h3><div class="table-wrap" tabindex="0"><table data-consent-history><thead><tr><th scope="col">${c.consentAt}</th><th scope="col">${c.event}</th><th scope="col">${m.subs.list}</th><th scope="col">${c.consentSource}</th><th scope="col">${c.consentIp}</th><th scope="col">${c.consentAgent}</th><th scope="col">${c.consentText}</th><th scope="col">${c.confirmedAt}</th></tr></thead><tbody>${events.map(
        (e) =>
          html`<tr><td>${when(e.at, m.lang)}</td><td>${c.events[e.type]}</td><td>${e.listId ?? ''}</td><td>${c.eventSources[e.source]}</td><td>${e.ip ?? ''}</td><td>${e.userAgent ?? ''}</td><td>${e.textVersion ? (consentText(e.textVersion) ?? e.textVersion) : ''}</td><td>${e.confirmedAt ? when(e.confirmedAt, m.lang) : ''}</td></tr>`,
      )}</tbody></table></div>`;
    }

    function listsTable(m: ConsoleMessages, s: Subscriber): SafeHtml {
      const c = m.sub;
      const rows = [
        ...s.lists.map((l) => ({ list: l, what: `${c.inList} (${m.subs.status[s.status]})`, leave: true })),
        ...(s.requested ?? []).map((l) => ({ list: l, what: c.requested, leave: false })),
        ...(s.left ?? []).map((l) => ({ list: l, what: c.left, leave: false })),
      ];
      if (rows.length === 0) return html`<p>${c.noLists}</p>`;
      return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${m.subs.list}</th><th scope="col">${m.columns.state}</th><th scope="col"></th></tr></thead><tbody>${rows.map(
        (r) =>
          html`<tr><td>${r.list}</td><td>${r.what}</td><td>${r.leave ? html`<a href="${subscriberHref(s.id)}/leave?list=${encodeURIComponent(r.list)}">${c.leave(r.list)}</a>` : ''}</td></tr>`,
      )}</tbody></table></div>`;
    }

    function historyTable(m: ConsoleMessages, entries: HistoryEntry[]): SafeHtml {
      if (entries.length === 0) return html`<p>${m.sub.noHistory}</p>`;
      return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${m.columns.issue}</th><th scope="col">${m.columns.state}</th><th scope="col">${m.sub.afterwards}</th></tr></thead><tbody>${entries.map(
        (e) =>
          html`<tr><td><a href="/admin/sends/${encodeURIComponent(e.campaignId)}">${e.campaignId}</a></td><td>${m.outcomes[e.fate] ?? e.fate}</td><td>${e.after ? m.sub.after[e.after] : ''}</td></tr>`,
      )}</tbody></table></div>`;
    }

    app.get('/subscribers/:id', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      const consentEvents = await ctx.store.consentHistory(s.id);
      const history = await subscriberHistory(ctx.sends, s.id, consentEvents);
      const c = m.sub;
      const notice = await flash.take(request);
      const href = subscriberHref(s.id);
      return show(
        request,
        reply,
        m,
        s.email,
        (csrf) => html`<h1>${s.email}</h1>${notice ?? ''}
<section aria-labelledby="record"><h2 id="record">${c.record}</h2>${recordTable(m, s)}</section>
<section aria-labelledby="lists"><h2 id="lists">${c.lists}</h2>${listsTable(m, s)}
${s.status === 'pending' || s.requested?.length ? html`<form method="post" action="${href}/resend-confirmation"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${c.resend}</button></form>` : ''}</section>
<section aria-labelledby="consent"><h2 id="consent">${c.consent}</h2>${consentTable(m, s)}${consentHistoryTable(m, consentEvents)}</section>
<section aria-labelledby="history"><h2 id="history">${c.history}</h2>${historyTable(m, history)}</section>
<section aria-labelledby="edit"><h2 id="edit">${c.edit}</h2>
<form method="post" action="${href}/edit"><input type="hidden" name="_csrf" value="${csrf}">
<label for="edit-name">${m.subs.name}</label><input type="text" id="edit-name" name="name" value="${s.name ?? ''}" autocomplete="off">
<label for="edit-locale">${c.locale}</label><select id="edit-locale" name="locale"><option value="">${c.noLocale}</option>${LOCALES.map((l) => html`<option value="${l}"${l === s.locale ? html` selected` : ''}>${l}</option>`)}</select>
<p><button type="submit">${c.save}</button></p></form></section>
<section aria-labelledby="erase"><h2 id="erase">${c.erase.replace('…', '')}</h2><p><a class="button danger" href="${href}/delete">${c.erase}</a></p></section>`,
      );
    });

    app.post('/subscribers/:id/edit', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      const form = parseInput(editForm, request.body);
      await ctx.store.updateFields(s.id, { name: sanitiseDisplayName(form.name), locale: form.locale });
      audit(request, 'subscriber-edit', s.id);
      return flash.redirect(request, reply, subscriberHref(s.id), ok(m.sub.saved(s.email)));
    });

    app.post('/subscribers/:id/resend-confirmation', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      // The list they asked for; a pending import names its lists directly.
      const listId = s.requested?.[0] ?? (s.status === 'pending' ? s.lists[0] : undefined);
      if (!listId) return flash.redirect(request, reply, subscriberHref(s.id), problem(m.sub.nothingToConfirm));
      const queued = await requestConfirmationMail(ctx.subscription, { subscriberId: s.id, listId });
      return flash.redirect(request, reply, subscriberHref(s.id), queued ? ok(m.sub.resent(s.email)) : problem(m.sub.resendThrottled));
    });

    // Unsubscribe from one list: asked first, on a page of its own.
    app.get('/subscribers/:id/leave', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      const { list } = parseInput(listQuery, request.query);
      if (!s.lists.includes(list)) return flash.redirect(request, reply, subscriberHref(s.id), problem(m.sub.notInList(list)));
      const title = m.sub.leaveTitle(s.email, list);
      return show(
        request,
        reply,
        m,
        title,
        (csrf) => html`<section class="card narrow"><h1>${title}</h1><p>${m.sub.leaveBody(list)}</p>
<form method="post" action="${subscriberHref(s.id)}/leave" class="row"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="list" value="${list}"><button type="submit" class="danger">${m.sub.leaveConfirm}</button> <a class="button secondary" href="${subscriberHref(s.id)}">${m.cancelButton}</a></form></section>`,
      );
    });

    app.post('/subscribers/:id/leave', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      const { list } = parseInput(listForm, request.body);
      if (!s.lists.includes(list)) return flash.redirect(request, reply, subscriberHref(s.id), problem(m.sub.notInList(list)));
      const { ip, userAgent } = consentOf(request, 'console-v1', 'api');
      await leaveList(ctx.leave, s.id, list, { source: 'console', ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) });
      audit(request, 'subscriber-leave', s.id, { list });
      return flash.redirect(request, reply, subscriberHref(s.id), ok(m.sub.leftList(s.email, list)));
    });

    // Erasure, as `newsletter subscribers forget`: asked first, on a page of its own.
    app.get('/subscribers/:id/delete', async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      const title = m.sub.eraseTitle(s.email);
      return show(
        request,
        reply,
        m,
        title,
        (csrf) => html`<section class="card narrow"><h1>${title}</h1><p>${m.sub.eraseBody}</p>
<form method="post" action="${subscriberHref(s.id)}/delete" class="row"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">${m.sub.eraseConfirm}</button> <a class="button secondary" href="${subscriberHref(s.id)}">${m.cancelButton}</a></form></section>`,
      );
    });

    app.post('/subscribers/:id/delete', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const s = await subscriberOf(request);
      await forgetSubscriber(ctx.leave, s.email);
      audit(request, 'subscriber-delete', s.id);
      return flash.redirect(request, reply, '/admin/subscribers', ok(m.sub.erased(s.email)));
    });
  };
}
