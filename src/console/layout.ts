// The console's page frame: a header with the sections and the logout form, one stylesheet and
// at most one script, both allowed by their SHA-256 in the page's Content-Security-Policy (no
// 'unsafe-inline'). Every page works without the script; it only keeps live parts current.
import { createHash } from 'node:crypto';
import { html, trusted, type SafeHtml } from '../http/views/html.ts';
import type { Page } from '../http/views/layout.ts';
import type { Permission } from '../team/roles.ts';
import { CONSOLE_LOCALES, consoleMessages, type ConsoleMessages } from './console-messages/index.ts';

// In dark mode each send state keeps its own tint, a dark one: the light tints under the dark
// palette's light text read at 1.04–1.1:1. A .table-wrap scrolls sideways on a phone, so every
// one is written with tabindex="0": a keyboard can focus it and scroll (axe: scrollable-region-focusable).
// .table-wrap is positioned so that a visually hidden label in a table (the Team page's role
// selects) stays inside the scrolling box instead of widening the page at 375 px.
const CSS = `:root{color-scheme:light dark}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 -apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Noto Sans CJK SC',sans-serif;background:#f4f5f7;color:#1c1e21}
header{background:#1f2933;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:center}
header a,header button{color:#fff;font:inherit}
header .brand{font-weight:700;text-decoration:none;margin-right:.5rem}
header nav{display:flex;flex-wrap:wrap;gap:1rem;flex:1}
header form{margin:0}
header button{background:none;border:1px solid #9aa5b1;border-radius:6px;padding:.25rem .75rem;cursor:pointer}
.langs{display:flex;gap:.5rem}
main{max-width:72rem;margin:0 auto;padding:1.25rem 1rem 3rem;overflow-wrap:break-word}
h1,.narrow p{overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.75rem 0 .6rem}
section,.card{background:#fff;border-radius:10px;padding:1rem 1.25rem;box-shadow:0 1px 2px rgba(0,0,0,.08);margin:0 0 1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.table-wrap{overflow-x:auto;position:relative}
label{display:block;font-weight:600;margin:.75rem 0 .3rem}
input[type=text],input[type=email],input[type=password],input[type=search],textarea{width:100%;max-width:32rem;min-height:40px;padding:.45rem .6rem;font:inherit;color:inherit;background:#fff;border:1px solid #7b8794;border-radius:6px}
.hint{color:#52606d;font-size:.9rem;margin:.25rem 0 .5rem}
button,.button{display:inline-block;min-height:40px;padding:.45rem 1.1rem;border:0;border-radius:6px;background:#1f5fbf;color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#e4e7eb;color:#1c1e21}
button.danger,.button.danger{background:#b3261e;color:#fff}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters>div{flex:1 1 12rem;min-width:0}.filters .hint{flex-basis:100%}
.notice{padding:.6rem .9rem;border-radius:6px;background:#e8f1fd;margin:0 0 1rem}
.notice.error{background:#fde8e8;color:#8a1c14}
.level{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.8rem;font-weight:700;text-transform:uppercase;background:#fff1c2;color:#5c4400}.level.error{background:#fde8e8;color:#8a1c14}
.state{display:inline-block;padding:0 .5rem;border-radius:999px;background:#e4e7eb;font-size:.85rem}
.state.sending{background:#d9f2e3}.state.paused{background:#fff1c2}.state.done{background:#d4e4fa}.state.cancelled{background:#f5d5d5}
.previews{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.previews figure{margin:0}
.qr{margin:.5rem 0;width:200px;max-width:100%;line-height:0}.qr svg{width:100%;height:auto;border-radius:4px}
.previews iframe{border:1px solid #cbd2d9;background:#fff;height:720px}
.desktop iframe{width:640px;max-width:100%}.phone iframe{width:375px;max-width:100%}
pre.text{white-space:pre-wrap;max-height:28rem;overflow:auto;background:#f4f5f7;padding:.75rem;border-radius:6px;font-size:.85rem}
progress{width:100%;height:1.25rem}
.finding{font-family:ui-monospace,monospace;font-size:.88rem}
.error-text{color:#b3261e}
.narrow{max-width:30rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
fieldset{border:1px solid #cbd2d9;border-radius:8px;margin:.75rem 0;padding:.25rem .75rem}
label.inline{display:inline;font-weight:400;margin:0}
ins{background:#d9f2e3;text-decoration:none;display:block}del{background:#fde8e8;text-decoration:none;display:block}
.studio{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}
@media (min-width:1100px){.studio{grid-template-columns:minmax(0,28rem) minmax(0,1fr)}.studio-preview{position:sticky;top:0;max-height:100vh;overflow:auto}}
.studio-preview,.studio-form form{background:#fff;border-radius:10px;padding:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.studio-group{border:1px solid #cbd2d9;border-radius:8px;margin:.75rem 0;padding:.25rem .75rem .75rem;min-width:0}
.studio-group legend{font-weight:700;padding:0 .25rem;cursor:grab}
.studio-list{list-style:none;margin:0;padding:0}
.studio-bar{position:sticky;top:0;background:inherit;padding:.5rem 0;z-index:1}
.studio-item-actions{margin-top:.5rem}.studio-flag{margin:.75rem 0 0}
.field-finding{margin:.2rem 0 0;font-size:.9rem;color:#8a1c14}.field-finding:empty{display:none}
.studio input[type=text],.studio textarea{max-width:none}
.md-preview{margin:.35rem 0 0}.md-preview summary{cursor:pointer;color:#1f5fbf}.md{border-left:3px solid #cbd2d9;padding:.1rem .75rem;margin:.35rem 0;overflow-x:auto}.md table{width:auto}.md img{max-width:100%}
meter{width:8rem;height:1rem}.chart{margin:1rem 0}.chart svg{display:block;width:100%;height:8rem}.chart-axis{stroke:#52606d;stroke-width:1;vector-effect:non-scaling-stroke}.chart-sent,.chart-human{fill:#1d4ed8}.chart-machine{fill:#7b8794}.swatch{display:inline-block;width:.75rem;height:.75rem;margin:0 .25rem 0 .75rem;vertical-align:-.1rem}.swatch.chart-human{background:#1d4ed8}.swatch.chart-machine{background:#7b8794}figcaption{font-size:.9rem}th.url{font-weight:400;overflow-wrap:anywhere;min-width:11rem;max-width:28rem}@media (max-width:40rem){meter{width:4rem}}caption{text-align:left;font-weight:600;padding:.25rem 0}
select{min-height:40px;padding:.35rem .5rem;font:inherit;border:1px solid #7b8794;border-radius:6px}
:focus-visible{outline:3px solid #e8710a;outline-offset:2px}
@media (prefers-color-scheme:dark){.chart-sent,.chart-human{fill:#60a5fa}.swatch.chart-human{background:#60a5fa}.chart-machine{fill:#9aa5b1}.swatch.chart-machine{background:#9aa5b1}.chart-axis{stroke:#9aa5b1}body{background:#111417;color:#e4e7eb}section,.card{background:#1c2025;box-shadow:none}th,td{border-color:#323a42}input[type=text],input[type=email],input[type=password],input[type=search],textarea{background:#111417;border-color:#9aa5b1}.hint{color:#a9b3bd}.notice{background:#1b2b44}.notice.error{background:#3d1a18;color:#f5c6c2}pre.text{background:#111417}.studio-preview,.studio-form form{background:#1c2025;box-shadow:none}.field-finding{color:#f5c6c2}ins{background:#1d3b2a}del{background:#3d1a18}.state{background:#323a42}.state.sending{background:#1d3b2a}.state.paused{background:#3d3413}.state.done{background:#1b2b44}.state.cancelled{background:#3d1a18}button.secondary,.button.secondary{background:#323a42;color:#e4e7eb}.md-preview summary{color:#8ab4f8}}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');
const CSS_HASH = sha256(CSS);

export interface ConsoleFrame {
  m: ConsoleMessages;
  title: string;
  body: SafeHtml;
  /** Signed in: show the sections they may open and the logout form (which needs the CSRF token). */
  session?: { csrf: string; can?: (permission: Permission) => boolean };
  /** The page's path, for the language links. */
  path: string;
  /** One inline script for live parts (progressive enhancement). */
  script?: string;
  /** Scripts of the console's own (/admin/assets/…, e.g. the studio's htmx), loaded before the inline one. */
  scripts?: readonly string[];
  /** Extra elements for <head> (the studio's htmx configuration). */
  head?: SafeHtml;
  /** Sources the page may frame (the preview iframes). */
  frameSrc?: string;
  /** Reload the page after this many seconds (a background job's progress, without a script). */
  refreshSeconds?: number;
}

/** The header's sections, each only for those who may open it. */
function sections(m: ConsoleMessages, can: (permission: Permission) => boolean): SafeHtml[] {
  const all: [string, string, Permission | null][] = [
    ['/admin', m.nav.issues, null],
    ['/admin/subscribers', m.nav.subscribers, 'subscribers:read'],
    ['/admin/queues', m.nav.queues, 'settings:manage'],
    ['/admin/team', m.nav.team, 'users:manage'],
    ['/admin/audit', m.nav.audit, 'audit:read'],
    ['/admin/account', m.nav.account, null],
  ];
  return all.filter(([, , needs]) => needs === null || can(needs)).map(([href, label]) => html`<a href="${href}">${label}</a>`);
}

export function consolePage(frame: ConsoleFrame): Page {
  const { m } = frame;
  const langs = CONSOLE_LOCALES.map((l) => {
    const other = consoleMessages(l);
    return l === m.lang
      ? html`<span aria-current="true">${other.languageName}</span>`
      : html`<a href="${frame.path}?lang=${l}" lang="${l}">${other.languageName}</a>`;
  });
  const nav = frame.session
    ? html`<nav aria-label="${m.consoleTitle}">${sections(m, frame.session.can ?? (() => true))}</nav>
<form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${frame.session.csrf}"><button type="submit">${m.nav.logout}</button></form>`
    : html`<nav></nav>`;
  const doc = html`<!doctype html>
<html lang="${m.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${frame.refreshSeconds ? html`<meta http-equiv="refresh" content="${frame.refreshSeconds}">` : ''}
<title>${frame.title} · ${m.consoleTitle}</title>
<style>${trusted(CSS)}</style>
${frame.head ?? ''}
</head>
<body>
<header><a class="brand" href="/admin">${m.consoleTitle}</a>${nav}<div class="langs" role="group" aria-label="${m.nav.language}">${langs}</div></header>
<main>
${frame.body}
</main>
${(frame.scripts ?? []).map((src) => html`<script src="${src}"></script>`)}
${frame.script ? trusted(`<script>${frame.script}</script>`) : ''}
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `style-src 'sha256-${CSS_HASH}'`,
    frame.script || frame.scripts?.length
      ? `script-src${frame.scripts?.length ? " 'self'" : ''}${frame.script ? ` 'sha256-${sha256(frame.script)}'` : ''}`
      : null,
    frame.script || frame.scripts?.length ? "connect-src 'self'" : null,
    frame.frameSrc ? `frame-src ${frame.frameSrc}` : null,
    "img-src 'self' https: data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]
    .filter(Boolean)
    .join('; ');
  return { html: doc.value, csp };
}
