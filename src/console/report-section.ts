// The report on a send's page (issue 29): what became of the messages, what readers did about
// the issue, and (tracked) the clicks of people per link, ranked, with a bar each. The bars are
// <meter> elements (no inline style, which the console's CSP refuses) and every number is
// also text, so a screen reader hears the same report.
import { html, type SafeHtml } from '../http/views/html.ts';
import type { IssueReport } from '../use-cases/issue-report.ts';
import type { ConsoleMessages } from './console-messages/index.ts';

const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);

export function reportSection(m: ConsoleMessages, r: IssueReport): SafeHtml {
  const t = m.report;
  const rows: Array<[string, number | string, string]> = [
    [t.delivered, r.delivered, ''],
    [t.bounced, r.bounced + r.lateBounces, percent(r.rates.bounce)],
    [t.complaints, r.complaints, percent(r.rates.complaint)],
    [t.unsubscribes, r.unsubscribes, percent(r.rates.unsubscribe)],
  ];
  const clicks = r.clicks;
  const top = Math.max(1, ...(clicks?.links.map((l) => l.human) ?? [0]));
  const clickPart = clicks
    ? html`<p data-field="clicks">${t.clickSummary(clicks.human, clicks.humanUnique, percent(r.rates.click), clicks.machine)}</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="${t.linksTitle}"><table data-report-links><caption>${t.linksTitle}</caption><thead><tr><th scope="col">${t.link}</th><th scope="col" class="n">${t.people}</th><th scope="col" class="n">${t.unique}</th><th scope="col" class="n">${t.machines}</th><th scope="col">${t.share}</th></tr></thead>
<tbody>${clicks.links.map(
        (l) =>
          html`<tr><th scope="row" class="url">${l.url}</th><td class="n">${l.human}</td><td class="n">${l.humanUnique}</td><td class="n">${l.machine}</td><td><meter min="0" max="${top}" value="${l.human}" aria-label="${t.people}: ${l.human}">${l.human}</meter></td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="hint">${t.untracked}</p>`;
  const domains = r.domains.length
    ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t.domainsTitle}"><table data-report-domains><caption>${t.domainsTitle}</caption><thead><tr><th scope="col">${t.domain}</th><th scope="col" class="n">${t.bouncedAtOnce}</th><th scope="col" class="n">${t.deferred}</th><th scope="col" class="n">${t.failed}</th></tr></thead>
<tbody>${r.domains.map((d) => html`<tr><th scope="row">${d.domain}</th><td class="n">${d.bounced}</td><td class="n">${d.deferred}</td><td class="n">${d.failed}</td></tr>`)}</tbody></table></div>`
    : '';
  return html`<section aria-labelledby="report"><h2 id="report">${t.title}</h2>
<div class="table-wrap"><table data-report><tbody>${rows.map(([label, n, share]) => html`<tr><th scope="row">${label}</th><td class="n">${n}</td><td class="n">${share}</td></tr>`)}</tbody></table></div>
${domains}
${clickPart}
<p class="hint">${t.privacy}</p></section>`;
}
