// The report on a send's page (issue 29): what became of the messages, what readers did about
// the issue, and (tracked) the clicks of people per link, ranked, with a bar each. The bars are
// <meter> elements (no inline style, which the console's CSP refuses) and every number is
// also text, so a screen reader hears the same report.
import { html, type SafeHtml } from '../http/views/html.ts';
import type { IssueReport } from '../use-cases/issue-report.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { barChart, chartTime } from './report-charts.ts';

const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);

function timeline(m: ConsoleMessages, r: IssueReport, timeZone: string): SafeHtml {
  const t = m.report;
  const at = (iso: string) => chartTime(iso, timeZone, m.lang);
  const sent = r.timeline.sentPerMinute;
  const sentChart = sent.length
    ? barChart({
        id: 'chart-sent',
        title: t.sentChart,
        description: t.sentChartDesc(
          at(sent[0]!.at),
          at(sent.at(-1)!.at),
          sent.reduce((a, row) => a + row.sent, 0),
          Math.max(...sent.map((row) => row.sent)),
        ),
        series: [{ name: t.sentSeries, className: 'chart-sent' }],
        rows: sent.map((row) => ({ label: at(row.at), values: [row.sent] })),
        labelHeading: `${t.minute} (${timeZone})`,
        numbersLabel: t.numbers,
      })
    : '';
  const hours = r.timeline.clicksPerHour;
  const clickChart = hours?.length
    ? barChart({
        id: 'chart-clicks',
        title: t.clickChart,
        description: t.clickChartDesc(
          at(hours[0]!.at),
          hours.reduce((a, h) => a + h.human, 0),
          hours.reduce((a, h) => a + h.machine, 0),
          Math.max(...hours.map((h) => h.human + h.machine)),
        ),
        series: [
          { name: t.people, className: 'chart-human' },
          { name: t.machines, className: 'chart-machine' },
        ],
        rows: hours.map((h) => ({ label: at(h.at), values: [h.human, h.machine] })),
        labelHeading: `${t.hour} (${timeZone})`,
        numbersLabel: t.numbers,
      })
    : '';
  return html`${sentChart}${clickChart}`;
}

function recent(m: ConsoleMessages, r: IssueReport): SafeHtml {
  const t = m.report;
  if (r.recent.length < 2) return html``;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${t.recentTitle}"><table data-report-recent><caption>${t.recentTitle}</caption><thead><tr><th scope="col">${t.issue}</th><th scope="col">${t.started}</th><th scope="col" class="n">${t.sent}</th><th scope="col" class="n">${t.clickRate}</th><th scope="col" class="n">${t.unsubscribeRate}</th><th scope="col" class="n">${t.bounceRate}</th></tr></thead>
<tbody>${r.recent.map(
    (i) =>
      html`<tr${i.issueId === r.issueId ? html` aria-current="true"` : ''}><th scope="row"><a href="/admin/sends/${encodeURIComponent(i.issueId)}">${i.issueId}</a></th><td>${i.startedAt ? chartTime(i.startedAt, 'UTC', m.lang) : '–'}</td><td class="n">${i.sent}</td><td class="n">${percent(i.rates.click)}</td><td class="n">${percent(i.rates.unsubscribe)}</td><td class="n">${percent(i.rates.bounce)}</td></tr>`,
  )}</tbody></table></div>`;
}

export function reportSection(m: ConsoleMessages, r: IssueReport, timeZone = 'UTC'): SafeHtml {
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
<div class="table-wrap" tabindex="0"><table data-report><tbody>${rows.map(([label, n, share]) => html`<tr><th scope="row">${label}</th><td class="n">${n}</td><td class="n">${share}</td></tr>`)}</tbody></table></div>
${domains}
${clickPart}
${r.opens ? html`<p data-field="opens">${t.opensSummary(r.opens.human, r.opens.humanUnique, percent(r.sent > 0 ? r.opens.humanUnique / r.sent : null), r.opens.machine)}</p>` : ''}
${timeline(m, r, timeZone)}
${recent(m, r)}
<p class="hint">${t.privacy}</p></section>`;
}
