// Pieces several console pages share: a send's state badge and its counters.
import type { CampaignStatus } from '../campaign/types.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import type { ConsoleMessages } from './console-messages/index.ts';

export function stateBadge(m: ConsoleMessages, status: CampaignStatus | null): SafeHtml {
  const state = status?.state ?? 'none';
  return html`<span class="state ${state}" data-state="${state}">${m.states[state]}</span>`;
}

export function when(iso: string | undefined, lang: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A send's row in the recent sends table. */
export function sendRow(m: ConsoleMessages, s: CampaignStatus): SafeHtml {
  return html`<tr><td><a href="/admin/sends/${encodeURIComponent(s.issueId)}">${s.issueId}</a></td><td>${stateBadge(m, s)}</td><td class="n">${s.total}</td><td class="n">${s.sent}</td><td class="n">${s.failed}</td><td class="n">${s.bounced}</td><td class="n">${s.skipped}</td><td class="n">${s.unknown}</td><td>${when(s.startedAt, m.lang)}</td></tr>`;
}

export function sendsTable(m: ConsoleMessages, sends: readonly CampaignStatus[]): SafeHtml {
  if (sends.length === 0) return html`<p>${m.noSends}</p>`;
  const c = m.columns;
  return html`<div class="table-wrap" tabindex="0"><table><thead><tr><th scope="col">${c.issue}</th><th scope="col">${c.state}</th><th scope="col" class="n">${c.total}</th><th scope="col" class="n">${c.sent}</th><th scope="col" class="n">${c.failed}</th><th scope="col" class="n">${c.bounced}</th><th scope="col" class="n">${c.skipped}</th><th scope="col" class="n">${c.unknown}</th><th scope="col">${c.started}</th></tr></thead>
<tbody>${sends.map((s) => sendRow(m, s))}</tbody></table></div>`;
}

/** A time in a named zone, with the zone's short name: "8 Dec 2026, 08:00 GMT+8 (Asia/Shanghai)". */
export function inZone(iso: string, timeZone: string, lang: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toLocaleString(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone, timeZoneName: 'short' })} (${timeZone})`;
}

/** When a scheduled send starts: in the newsletter's zone, in UTC, and (filled in by the page's script) in the editor's. */
export function startsAt(m: ConsoleMessages, iso: string, timeZone: string): SafeHtml {
  return html`${m.startsAt} <strong data-starts-at="${iso}">${inZone(iso, timeZone, m.lang)}</strong>${timeZone === 'UTC' ? '' : html` · ${inZone(iso, 'UTC', m.lang)}`} · ${m.yourTime} <time datetime="${iso}" data-local>${inZone(iso, 'UTC', m.lang)}</time>`;
}
