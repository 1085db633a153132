// GET /: every newsletter the server serves, each with its latest issues, a link to its archive
// and its own subscribe form (in its own language). The default newsletter comes first.
import type { Newsletter } from '../../content/schema.ts';
import type { ArchiveEntry } from '../../archive/archive-source.ts';
import { archiveItems } from './archive-pages.ts';
import { html } from './html.ts';
import { renderPage, type Page } from './layout.ts';
import { messagesFor } from './messages.ts';
import { subscribeForm } from './subscription-pages.ts';

export interface LandingEntry {
  newsletter: Newsletter;
  /** Newest first; the page shows what it is given. */
  latest: readonly ArchiveEntry[];
}

export function landingPage(input: { entries: readonly LandingEntry[]; confirmTtlHours: number }): Page {
  const lead = input.entries[0]!.newsletter;
  const m = messagesFor(lead.locale);
  const sections = input.entries.map(({ newsletter: n, latest }) => {
    const nm = messagesFor(n.locale);
    const archive = `/issues?newsletter=${encodeURIComponent(n.id)}`;
    return html`<section class="newsletter" lang="${n.locale}" aria-labelledby="nl-${n.id}">
<h2 id="nl-${n.id}">${n.name}</h2>
<p>${nm.subscribeIntro(n.organisation)}</p>
${latest.length > 0 ? html`<h3>${nm.latestIssues}</h3><ul class="issues">${archiveItems(latest, n.locale, false)}</ul>` : html`<p class="muted">${nm.archiveEmpty}</p>`}
<p><a href="${archive}">${nm.readArchive}</a></p>
${subscribeForm(n, input.confirmTtlHours, { idPrefix: `${n.id}-` })}
</section>`;
  });
  const body = html`<h1>${m.landingTitle}</h1>
<p>${m.landingIntro}</p>
${sections}`;
  return renderPage({ m, title: m.landingTitle, brand: lead, body, homeHref: '/', indexable: true });
}
