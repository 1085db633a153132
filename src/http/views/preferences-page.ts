// The subscriber's preferences page: which newsletters (one checkbox each), name and language,
// save or leave them all. A plain form: no script, the signed link is the only credential.
import { LOCALES, type Locale } from '../../render/strings.ts';
import { html } from './html.ts';
import type { Page } from './layout.ts';
import { messagesFor } from './messages.ts';
import { renderPage } from './layout.ts';
import type { PageContext } from './subscription-pages.ts';

export interface PreferencesView {
  maskedEmail: string;
  name: string;
  locale: Locale | '';
  /** `member`: active there (ticked); `requested`: asked for, waiting for the confirmation link (ticked, marked). */
  newsletters: Array<{ id: string; listId: string; name: string; member: boolean; requested?: boolean }>;
  action: string;
  notice?: string;
}

export function preferencesPage(ctx: PageContext, v: PreferencesView): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const p = m.preferences;
  const body = html`<h1>${p.title}</h1>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<p>${p.intro(v.maskedEmail)}</p>
<form method="post" action="${v.action}">
<fieldset class="plain"><legend>${p.lists}</legend>
${v.newsletters.map((n) => html`<p><input type="checkbox" id="list-${n.listId}" name="lists" value="${n.listId}"${n.member || n.requested ? html` checked` : ''}> <label class="inline" for="list-${n.listId}">${n.name}</label>${!n.member && n.requested ? html` <span class="optional" data-awaiting>(${p.awaiting})</span>` : ''}</p>`)}
</fieldset>
<label for="name">${m.nameLabel} <span class="optional">${m.optional}</span></label>
<input type="text" id="name" name="name" value="${v.name}" maxlength="100" autocomplete="name">
<label for="locale">${p.language}</label>
<select id="locale" name="locale">${LOCALES.map((l) => html`<option value="${l}" lang="${l}"${v.locale === l ? html` selected` : ''}>${languageName(p.languages, l)}</option>`)}</select>
<p class="actions"><button class="button" type="submit" name="action" value="save">${p.save}</button></p>
<p><button class="button secondary" type="submit" name="action" value="leave-all">${p.leaveAll}</button></p>
</form>`;
  return renderPage({ m, title: p.title, brand: ctx.newsletter, body, homeHref: ctx.subscribeHref });
}

/** The page's own name for its languages (中文, English); every other language by its own name (Deutsch, العربية). */
function languageName(names: Record<string, string>, locale: Locale): string {
  return names[locale] ?? new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
}

export interface PreferencesLinkView {
  /** Where "email me a link" posts. */
  action: string;
  /** How many days a mailed link works. */
  days: number;
  /** The link was a preferences link that has expired (else a footer's, which never opens the settings). */
  expired: boolean;
  /** After the button: the same words whatever happened. */
  sent: boolean;
  /** The one-click unsubscribe page of the footer's token, when there is one. */
  unsubscribeHref?: string;
}

/**
 * What a footer's or List-Unsubscribe's link (or an expired preferences link) opens: nothing
 * personal (no name, no address, no lists), only the offer to mail a fresh link to the address
 * the newsletter goes to, and the way to unsubscribe at once.
 */
export function preferencesLinkPage(ctx: PageContext, v: PreferencesLinkView): Page {
  const m = messagesFor(ctx.newsletter.locale);
  const p = m.preferences;
  const body = html`<h1>${p.title}</h1>
${
  v.sent
    ? html`<p class="notice" role="status">${p.linkSent(v.days)}</p>`
    : html`${v.expired ? html`<p>${p.linkExpired}</p>` : ''}<p>${p.linkIntro(v.days)}</p>
<form method="post" action="${v.action}"><p class="actions"><button class="button" type="submit">${p.linkButton}</button></p></form>`
}
${v.unsubscribeHref ? html`<p>${p.unsubscribeOnly(ctx.newsletter.name)} <a href="${v.unsubscribeHref}">${m.unsubscribeButton}</a></p>` : ''}`;
  return renderPage({ m, title: p.title, brand: ctx.newsletter, body, homeHref: ctx.subscribeHref });
}
