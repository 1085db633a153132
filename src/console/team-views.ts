// Pieces of the team and account pages: the table of a member's sessions with a form to end each.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../http/respond.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { canOf } from './console-request.ts';
import { consolePage } from './layout.ts';
import type { SessionInfo } from '../team/session-store.ts';
import type { ConsoleMessages } from './console-messages/index.ts';
import { when } from './views.ts';

/** A browser's name from its user agent, roughly: enough to tell one's sessions apart. */
export function browserOf(userAgent: string): string {
  const names: [RegExp, string][] = [
    [/Edg\//, 'Edge'],
    [/Firefox\//, 'Firefox'],
    [/Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/curl\//, 'curl'],
  ];
  const name = names.find(([pattern]) => pattern.test(userAgent))?.[1] ?? (userAgent.slice(0, 40) || '?');
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : '';
  return os ? `${name}, ${os}` : name;
}

export function sessionsTable(
  m: ConsoleMessages,
  sessions: readonly SessionInfo[],
  opts: { current: string | null; endAction: string; csrf: string },
): SafeHtml {
  const t = m.team;
  if (sessions.length === 0) return html`<p>${t.noSessions}</p>`;
  const c = t.sessionColumns;
  const rows = sessions.map(
    (s) =>
      html`<tr><td>${when(s.startedAt, m.lang)}${s.handle === opts.current ? html` <strong>(${t.thisSession})</strong>` : ''}</td><td>${s.ip}</td><td>${browserOf(s.userAgent)}</td><td>${
        s.handle === opts.current
          ? ''
          : html`<form method="post" action="${opts.endAction}"><input type="hidden" name="_csrf" value="${opts.csrf}"><input type="hidden" name="session" value="${s.handle}"><button type="submit" class="secondary">${t.endSession}</button></form>`
      }</td></tr>`,
  );
  return html`<div class="table-wrap" tabindex="0"><table><caption>${t.sessionsTitle}</caption><thead><tr><th scope="col">${c.started}</th><th scope="col">${c.from}</th><th scope="col">${c.browser}</th><th scope="col">${c.actions}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/**
 * The question a destructive or weakening action asks first, on a page of its own: what will
 * happen, the button that does it (a POST), and a way back that does nothing.
 */
export function sendQuestion(
  request: FastifyRequest,
  reply: FastifyReply,
  m: ConsoleMessages,
  q: { title: string; question: string; action: string; confirm: string; back: string },
) {
  const csrf = reply.generateCsrf();
  const body = html`<section class="card narrow"><h1>${q.title}</h1><p>${q.question}</p>
<form method="post" action="${q.action}" class="row"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="danger">${q.confirm}</button> <a class="button secondary" href="${q.back}">${m.cancelButton}</a></form></section>`;
  return sendPage(reply, 200, consolePage({ m, title: q.title, path: request.url.split('?')[0]!, session: { csrf, can: canOf(request) }, body }));
}
