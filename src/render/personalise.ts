// Per-recipient output from a rendered issue, without re-rendering: personalise fills the
// tokens for one subscriber (the send hot path); stripPersonalTokens makes the web-archive
// copy, which must carry nobody's data.
import { escapeHtml, splice, tokenText, toSpliceTemplate } from './splice.ts';
import { stringsFor } from './strings.ts';
import type { RenderedIssue, TokenValues } from './types.ts';

export interface RecipientValues {
  unsubscribeUrl: string;
  viewOnlineUrl: string;
  /** The subscriber's preferences page (the footer's "Manage subscriptions"); default: the unsubscribe page, which links it. */
  preferencesUrl?: string;
  /** Shown in the greeting; the locale's default (读者 / reader) when absent or blank. */
  name?: string;
  /** This message's click token, for an issue whose links are tracked (track-links.ts); empty otherwise. */
  clickToken?: string;
}

export interface Personalised {
  subject: string;
  html: string;
  text: string;
}

export function personalise(rendered: RenderedIssue, values: RecipientValues): Personalised {
  const given = values.name?.trim();
  const defaultName = stringsFor(rendered.locale, rendered.labels).defaultName;
  const tokenValues: TokenValues = {
    UNSUBSCRIBE_URL: values.unsubscribeUrl,
    VIEW_ONLINE_URL: values.viewOnlineUrl,
    NAME: given || defaultName,
    PREFERENCES_URL: values.preferencesUrl ?? values.unsubscribeUrl,
    HEADLINE_NAME: given || rendered.headlineName || defaultName,
    CLICK_TOKEN: values.clickToken ?? '',
  };
  return {
    subject: rendered.subjectSplice ? splice(rendered.subjectSplice, tokenValues, false) : rendered.subject,
    html: splice(rendered.splice.html, tokenValues, true),
    text: splice(rendered.splice.text, tokenValues, false),
  };
}

/**
 * The issue as the web archive shows it: the footer's "you receive this because… unsubscribe"
 * becomes an invitation with a link to the subscribe page, the greeting uses the default name.
 * The swap relies on the footer's `nl-why` span and `nl-unsubscribe` link; with a footer
 * written differently the unsubscribe link still points at the subscribe page.
 */
export function stripPersonalTokens(rendered: RenderedIssue, urls: { subscribeUrl: string; viewOnlineUrl: string }): { html: string; text: string } {
  const strings = stringsFor(rendered.locale, rendered.labels);
  const title = rendered.newsletterTitle ?? '';
  const why = strings.whyReceived(title);
  const invite = strings.archiveInvite(title);
  const unsubscribeToken = tokenText('UNSUBSCRIBE_URL');

  const html = rendered.html
    .replace(/(<span class="nl-why">)[^<]*(<\/span>)/g, (_, open: string, close: string) => open + escapeHtml(invite) + close)
    // Nobody's preferences on the web: the link and its separator go.
    .replace(/<span class="nl-preferences">.*?<\/span>/g, '')
    .replace(
      /(<a\b[^>]*?\bhref=")%%NL_UNSUBSCRIBE_URL%%("[^>]*>)[^<]*(<\/a>)/g,
      (_, before: string, after: string, close: string) => `${before}${escapeHtml(urls.subscribeUrl)}${after}${escapeHtml(strings.subscribe)}${close}`,
    );
  const text = rendered.text
    .split(why)
    .join(invite)
    .split(`${strings.unsubscribe} [${unsubscribeToken}]`)
    .join(`${strings.subscribe} [${urls.subscribeUrl}]`)
    .replace(new RegExp(`\\s*·\\s*${strings.managePreferences} \\[${tokenText('PREFERENCES_URL')}\\]`, 'g'), '');

  const values: TokenValues = {
    UNSUBSCRIBE_URL: urls.subscribeUrl,
    VIEW_ONLINE_URL: urls.viewOnlineUrl,
    NAME: strings.defaultName,
    PREFERENCES_URL: urls.subscribeUrl,
    HEADLINE_NAME: rendered.headlineName ?? strings.defaultName,
    // The archive is never tracked: its links are the issue's own.
    CLICK_TOKEN: '',
  };
  return {
    html: splice(toSpliceTemplate(html), values, true),
    text: splice(toSpliceTemplate(text), values, false),
  };
}
