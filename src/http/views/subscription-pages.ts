// The pages of the subscription flow: form, "check your inbox", confirmed, unsubscribe and
// goodbye, plus the shared error page. Pure functions: data in, Page out.
import type { Newsletter } from '../../content/schema.ts';
import { html, type SafeHtml } from './html.ts';
import { renderPage, type Page } from './layout.ts';
import { messagesFor, type Messages } from './messages.ts';

export interface PageContext {
  newsletter: Newsletter;
  /** `/subscribe?newsletter=…`, relative to the site. */
  subscribeHref: string;
  confirmTtlHours: number;
}

function page(ctx: PageContext, title: string, body: SafeHtml, indexable = false): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return renderPage({ m, title, brand: ctx.newsletter, body, homeHref: ctx.subscribeHref, indexable });
}

export function subscribeHref(newsletterId: string): string {
  return `/subscribe?newsletter=${encodeURIComponent(newsletterId)}`;
}

export interface SubscribeFormInput {
  /** Every newsletter served: the others are linked below the form. */
  newsletters: readonly Newsletter[];
  values?: { email?: string; name?: string };
  /** Shown under the address field, which is marked invalid. */
  emailError?: string;
  /** Any other problem with what was sent, shown above the form. */
  formError?: string;
}

export interface SubscribeFormFields {
  values?: { email?: string; name?: string };
  emailError?: string;
  /** Prefix of the fields' ids, so that several forms can share a page (the landing page). */
  idPrefix?: string;
}

/** The double opt-in form of one newsletter: address, optional name, honeypot, consent sentence. */
export function subscribeForm(newsletter: Newsletter, confirmTtlHours: number, input: SubscribeFormFields = {}): SafeHtml {
  const m = messagesFor(newsletter.locale);
  const id = (name: string) => `${input.idPrefix ?? ''}${name}`;
  const invalid = input.emailError !== undefined;
  return html`<form method="post" action="/subscribe" novalidate lang="${newsletter.locale}">
<input type="hidden" name="newsletter" value="${newsletter.id}">
<label for="${id('email')}">${m.emailLabel}</label>
<input id="${id('email')}" name="email" type="email" inputmode="email" autocomplete="email" required maxlength="320" value="${input.values?.email ?? ''}"${invalid ? html` aria-invalid="true" aria-describedby="${id('email-error')}"` : ''}>
${invalid ? html`<p id="${id('email-error')}" class="error" role="alert">${input.emailError}</p>` : ''}
<label for="${id('name')}">${m.nameLabel} <span class="optional">${m.optional}</span></label>
<input id="${id('name')}" name="name" type="text" autocomplete="name" maxlength="100" value="${input.values?.name ?? ''}">
<div class="hp" aria-hidden="true"><label for="${id('website')}">${m.honeypotLabel}</label><input id="${id('website')}" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<p class="consent">${m.consent(newsletter.name)}</p>
<button class="button" type="submit">${m.subscribeButton}</button>
<p class="muted actions">${m.confirmNote(confirmTtlHours)}</p>
</form>`;
}

export function subscribeFormPage(ctx: PageContext, input: SubscribeFormInput): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const n = ctx.newsletter;
  // One newsletter per page (its language, its consent sentence); the others are a link away.
  const others = input.newsletters.filter((c) => c.id !== n.id);
  const otherLinks = others.length
    ? html`<p class="muted">${m.otherNewsletters} ${others.map((c, i) => html`${i > 0 ? ' · ' : ''}<a href="${subscribeHref(c.id)}" lang="${c.locale}">${c.name}</a>`)}</p>`
    : '';
  const body = html`<h1>${m.subscribeTitle(n.name)}</h1>
<p>${m.subscribeIntro(n.organisation)}</p>
${input.formError ? html`<p class="error" role="alert">${input.formError}</p>` : ''}
${subscribeForm(n, ctx.confirmTtlHours, { ...(input.values ? { values: input.values } : {}), ...(input.emailError !== undefined ? { emailError: input.emailError } : {}) })}
${otherLinks}`;
  return page(ctx, m.subscribeTitle(n.name), body, true);
}

export function checkInboxPage(ctx: PageContext): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return page(
    ctx,
    m.checkInboxTitle,
    html`<h1>${m.checkInboxTitle}</h1>
<p>${m.checkInboxBody(ctx.confirmTtlHours)}</p>
<p class="muted">${m.checkInboxHint}</p>`,
  );
}

/** The confirmation link's page: one button, which POSTs to the same address and subscribes. */
export function confirmAskPage(ctx: PageContext, input: { action: string }): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const title = m.confirmAskTitle(ctx.newsletter.name);
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
<p>${m.confirmAskBody(ctx.newsletter.name)}</p>
<form method="post" action="${input.action}"><button type="submit">${m.confirmAskButton}</button></form>`,
  );
}

export function confirmedPage(ctx: PageContext): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return page(
    ctx,
    m.confirmedTitle,
    html`<h1>${m.confirmedTitle}</h1>
<p>${m.confirmedBody(ctx.newsletter.name)}</p>
<p class="actions"><a class="button secondary" href="/issues?newsletter=${ctx.newsletter.id}">${m.readArchive}</a></p>`,
  );
}

export function confirmInvalidPage(ctx: PageContext): Page {
  const m = messagesFor(ctx.newsletter.locale);
  // The way to a fresh link is right here: the subscribe form, which mails a new one.
  return page(
    ctx,
    m.confirmInvalidTitle,
    html`<h1>${m.confirmInvalidTitle}</h1>
<p>${m.confirmInvalidBody(ctx.confirmTtlHours)}</p>
<h2>${m.subscribeAgain}</h2>
${subscribeForm(ctx.newsletter, ctx.confirmTtlHours, {})}`,
  );
}

export function unsubscribeAskPage(ctx: PageContext, input: { maskedEmail: string; action: string; preferencesHref?: string }): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const title = m.unsubscribeTitle(ctx.newsletter.name);
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
<p>${m.unsubscribeBody(input.maskedEmail, ctx.newsletter.name)}</p>
<form method="post" action="${input.action}">
<input type="hidden" name="confirm" value="yes">
<button class="button" type="submit">${m.unsubscribeButton}</button>
</form>
${input.preferencesHref ? html`<p class="actions"><a href="${input.preferencesHref}">${m.preferences.manage}</a></p>` : ''}`,
  );
}

export function unsubscribedPage(ctx: PageContext, input: { maskedEmail: string | null }): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return page(
    ctx,
    m.unsubscribedTitle,
    html`<h1>${m.unsubscribedTitle}</h1>
<p>${m.unsubscribedBody(input.maskedEmail, ctx.newsletter.name)}</p>
<p>${m.resubscribeOffer}</p>
<p class="actions"><a class="button secondary" href="${ctx.subscribeHref}">${m.subscribeAgain}</a></p>`,
  );
}

export function unsubscribeInvalidPage(ctx: PageContext): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return page(
    ctx,
    m.unsubscribeInvalidTitle,
    html`<h1>${m.unsubscribeInvalidTitle}</h1>
<p>${m.unsubscribeInvalidBody}</p>`,
  );
}

/** A preferences link that is not one: the same advice as a broken unsubscribe link, under its own title. */
export function preferencesInvalidPage(ctx: PageContext): Page {
  const m = messagesFor(ctx.newsletter.locale);
  return page(
    ctx,
    m.preferencesInvalidTitle,
    html`<h1>${m.preferencesInvalidTitle}</h1>
<p>${m.unsubscribeInvalidBody}</p>`,
  );
}

export type ErrorKind = keyof Messages['errors'];

export function errorPage(ctx: PageContext, kind: ErrorKind, detail?: string): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const e = m.errors[kind];
  return page(
    ctx,
    e.title,
    html`<h1>${e.title}</h1>
<p>${e.body}</p>
${detail ? html`<p class="muted">${detail}</p>` : ''}
<p class="actions"><a class="button secondary" href="${ctx.subscribeHref}">${m.backHome}</a></p>`,
  );
}
