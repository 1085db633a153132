// The web archive: the list of published issues, and the bar put above an issue's own HTML
// (the "view online" page) with links to the previous and next issue.
import type { ArchiveEntry } from '../../archive/archive-source.ts';
import { html, type SafeHtml } from './html.ts';
import { renderPage, type Page, type PageBrand } from './layout.ts';
import { messagesFor } from './messages.ts';

export function issueHref(issueId: string): string {
  return `/issues/${encodeURIComponent(issueId)}`;
}

export function archiveListPage(input: {
  brand: PageBrand;
  locale: string;
  subscribeHref: string;
  entries: ArchiveEntry[];
  showNewsletter: boolean;
  feed?: { href: string; title: string };
}): Page {
  const m = messagesFor(input.locale);
  // Without `?newsletter=` and with several newsletters, the page is everyone's archive.
  const title = input.showNewsletter ? m.allArchivesTitle : m.archiveTitle(input.brand.name);
  const items = archiveItems(input.entries, input.locale, input.showNewsletter);
  const body = html`<h1>${title}</h1>
${items.length > 0 ? html`<ul class="issues">${items}</ul>` : html`<p>${m.archiveEmpty}</p>`}
<p class="actions"><a class="button" href="${input.subscribeHref}">${m.subscribeLink}</a></p>`;
  return renderPage({ m, title, brand: input.brand, body, homeHref: '/', indexable: true, ...(input.feed ? { feed: input.feed } : {}) });
}

/** One `<li>` per published issue: subject, newsletter (when asked), number and date. */
export function archiveItems(entries: readonly ArchiveEntry[], locale: string, showNewsletter: boolean): SafeHtml[] {
  const m = messagesFor(locale);
  return entries.map(
    (e) =>
      html`<li><a href="${issueHref(e.issueId)}"><span class="subject">${e.subject}</span><span class="meta">${showNewsletter ? `${e.newsletterName} · ` : ''}${m.issueNumber(e.number)} · <time datetime="${e.date}">${e.date}</time></span></a></li>`,
  );
}

/** Content-Security-Policy of an issue page: the email's own inline styles, no script at all. */
export const ISSUE_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The navigation bar inserted at the top of the issue's HTML. Inline styles only, because it
 * lives inside the email's document and must not depend on (or disturb) the email's CSS.
 */
export function issueNavBar(input: {
  locale: string;
  brandColor: string;
  previous?: ArchiveEntry;
  next?: ArchiveEntry;
  archiveHref: string;
  subscribeHref: string;
}): string {
  const m = messagesFor(input.locale);
  const brand = /^#[0-9a-f]{6}$/i.test(input.brandColor) ? input.brandColor : '#1f5fbf';
  // Explicit values for everything, so the email's own CSS cannot reshape the bar.
  const link = 'color:#1f2937;text-decoration:underline;text-underline-offset:3px;display:inline-block;padding:12px 4px;line-height:20px;white-space:nowrap;';
  const side = 'flex:1 1 0;min-width:0;';
  const previous = input.previous ? html`<a style="${link}" rel="prev" href="${issueHref(input.previous.issueId)}">← ${m.previousIssue}</a>` : '';
  const next = input.next ? html`<a style="${link}" rel="next" href="${issueHref(input.next.issueId)}">${m.nextIssue} →</a>` : '';
  return html`<nav aria-label="${m.allIssues}" style="display:block;margin:0;padding:0;background:#f3f4f6;border-bottom:3px solid ${brand};font:15px/20px -apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;">
<div style="display:flex;align-items:center;justify-content:space-between;gap:8px;max-width:600px;margin:0 auto;padding:0 12px;box-sizing:border-box;">
<div style="${side}text-align:left;">${previous}</div>
<div style="flex:0 0 auto;text-align:center;"><a style="${link}" href="${input.archiveHref}">${m.allIssues}</a><span aria-hidden="true" style="color:#4b5563;"> · </span><a style="${link}" href="${input.subscribeHref}">${m.subscribeLink}</a></div>
<div style="${side}text-align:right;">${next}</div>
</div>
</nav>`.value;
}

/** Puts `bar` right after the opening <body> tag (or first, when there is none). */
/** The feed's `<link rel="alternate">`, put into the head of an issue's web version. */
export function withFeedLink(emailHtml: string, feed: { href: string; title: string }): string {
  const link = html`<link rel="alternate" type="application/atom+xml" title="${feed.title}" href="${feed.href}">`.value;
  const head = /<\/head>/i.exec(emailHtml);
  return head ? emailHtml.slice(0, head.index) + link + emailHtml.slice(head.index) : emailHtml;
}

export function withNavBar(emailHtml: string, bar: string): string {
  const body = /<body\b[^>]*>/i.exec(emailHtml);
  if (!body) return bar + emailHtml;
  const at = body.index + body[0].length;
  return emailHtml.slice(0, at) + bar + emailHtml.slice(at);
}
