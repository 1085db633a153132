// Web pages over the capture inbox (`newsletter dev` and `newsletter inbox`): `GET /inbox` lists
// what was captured (newest first), `GET /inbox/<id>` shows one message (its HTML inside a
// sandboxed iframe, so nothing in a captured email runs scripts or reaches our origin),
// `GET /inbox/<id>.eml` downloads it. Only names the inbox itself writes are accepted: anything
// else is a 400, never a path. Headers are shown decoded (RFC 2047 encoded-words, e.g. a Chinese
// subject or sender name); the pages fit a 375 px phone and follow the system's dark mode.
import { relative } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import libmime from 'libmime';
import type { AddressObject } from 'mailparser';
import { addresses, CAPTURED_FILE, type CaptureInbox, type CapturedMessage, type CapturedMessageSummary } from './capture-inbox.ts';
import { escapeHtml } from '../render/splice.ts';
import { plural } from '../render/locales/format.ts';

const MESSAGE_ID = /^\d{13}-\d{1,9}$/;

// Captured HTML may load images (as a mail client would) but never scripts, forms or frames
// of its own; the sandbox attribute below also gives the iframe an opaque origin.
const CSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-src 'self'; base-uri 'none'; form-action 'none'";

export function captureInboxRoutes(inbox: CaptureInbox): FastifyPluginAsync {
  return async (app) => {
    app.get('/inbox', async (_request, reply) => {
      const messages = await inbox.list();
      const count = `${messages.length} ${plural('en', messages.length, { one: 'message', other: 'messages' })}`;
      const body = messages.length
        ? `<p class="muted">${count}, newest first.</p>\n<ol class="messages" aria-label="Captured messages, newest first">\n${messages.map(listItem).join('\n')}\n</ol>`
        : '<p>No message yet. Send something to this inbox’s SMTP server and reload.</p>';
      const where = relative(process.cwd(), inbox.dir);
      const dir = where && !where.startsWith('..') ? where : inbox.dir;
      return page(
        reply,
        `Capture inbox (${messages.length})`,
        `<header>\n<h1>Capture inbox</h1>\n<p class="muted">SMTP <code>${escapeHtml(inbox.smtpUrl)}</code> · each message saved as a .eml file in <code>${escapeHtml(dir)}/</code></p>\n</header>\n${body}`,
      );
    });

    app.get<{ Params: { file: string } }>('/inbox/:file', async (request, reply) => {
      const name = request.params.file;
      const isDownload = CAPTURED_FILE.test(name);
      if (!isDownload && !MESSAGE_ID.test(name)) {
        return reply.code(400).type('text/plain; charset=utf-8').send('Not a captured message name (expected <timestamp>-<n> or <timestamp>-<n>.eml)');
      }
      const message = await inbox.read(isDownload ? name : `${name}.eml`);
      if (!message) return reply.code(404).type('text/plain; charset=utf-8').send('No such message in the capture inbox');
      if (isDownload) {
        return reply
          .type('message/rfc822')
          .header('content-disposition', `attachment; filename="${name}"`)
          .header('x-content-type-options', 'nosniff')
          .send(message.raw);
      }
      return page(reply, message.summary.subject || '(no subject)', messageBody(message));
    });
  };
}

function listItem(m: CapturedMessageSummary): string {
  const id = m.file.replace(/\.eml$/, '');
  return [
    '<li>',
    `<h2><a href="/inbox/${id}">${escapeHtml(m.subject || '(no subject)')}</a></h2>`,
    '<dl>',
    `<dt>From</dt><dd>${escapeHtml(m.from || '–')}</dd>`,
    `<dt>To</dt><dd>${escapeHtml(m.to || '–')}</dd>`,
    `<dt>Date</dt><dd>${time(m.date)}</dd>`,
    `<dt>File</dt><dd><a href="/inbox/${m.file}">${m.file}</a> (${formatSize(m.size)})</dd>`,
    '</dl>',
    '</li>',
  ].join('');
}

function messageBody({ summary, parsed }: CapturedMessage): string {
  const id = summary.file.replace(/\.eml$/, '');
  const row = (label: string, value: AddressObject | AddressObject[] | undefined) => (value ? `<dt>${label}</dt><dd>${escapeHtml(addresses(value))}</dd>` : '');
  const headers = parsed.headerLines
    .map(
      (h) =>
        `<tr><th scope="row">${escapeHtml(h.line.slice(0, Math.max(0, h.line.indexOf(':'))) || h.key)}</th><td>${escapeHtml(decodeHeader(h.line.slice(h.line.indexOf(':') + 1)))}</td></tr>`,
    )
    .join('\n');
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  return [
    `<nav><a href="/inbox">← Capture inbox</a></nav>`,
    `<header>\n<h1>${escapeHtml(summary.subject || '(no subject)')}</h1>`,
    '<dl class="summary">',
    `<dt>From</dt><dd>${escapeHtml(summary.from || '–')}</dd>`,
    `<dt>To</dt><dd>${escapeHtml(summary.to || '–')}</dd>`,
    row('Cc', parsed.cc),
    row('Reply-To', parsed.replyTo),
    `<dt>Date</dt><dd>${time(summary.date)}</dd>`,
    `<dt>File</dt><dd><a href="/inbox/${id}.eml">${escapeHtml(summary.file)}</a> (${formatSize(summary.size)}, opens in a mail client)</dd>`,
    '</dl>\n</header>',
    '<h2>HTML part</h2>',
    html ? `<iframe sandbox title="HTML part of the message" srcdoc="${escapeHtml(html)}"></iframe>` : '<p>(no HTML part)</p>',
    '<h2>Text part</h2>',
    `<pre>${escapeHtml(parsed.text ?? '(no text part)')}</pre>`,
    '<h2 id="headers">Headers</h2>',
    `<table aria-labelledby="headers"><thead><tr><th scope="col">Name</th><th scope="col">Value (decoded)</th></tr></thead><tbody>\n${headers}\n</tbody></table>`,
  ].join('\n');
}

/** A header value as a person reads it: unfolded, encoded-words decoded (any charset). */
export function decodeHeader(value: string): string {
  const unfolded = value.replace(/\r?\n(?=[ \t])/g, '').trim();
  try {
    return libmime.decodeWords(unfolded);
  } catch {
    return unfolded; // an unknown charset: shown as it came
  }
}

// Light and dark (the system's choice), every text at least 4.5:1 against its background, no
// fixed widths: long addresses, subjects and header values wrap instead of widening the page.
const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1d1f;--muted:#555b61;--line:#d5d9de;--card:#f5f7f9;--link:#0b57d0;--code:#eceff2}
@media (prefers-color-scheme:dark){:root{--bg:#121417;--fg:#e6e8ea;--muted:#a9b0b7;--line:#3a4047;--card:#1b1f24;--link:#8ab4f8;--code:#262b31}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:62rem;margin:0 auto;padding:1rem}
a{color:var(--link)}
a:focus-visible{outline:3px solid var(--link);outline-offset:2px;border-radius:2px}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0;overflow-wrap:anywhere}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0}
.muted{color:var(--muted)}
code{background:var(--code);padding:0 .25em;border-radius:3px;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.125rem .75rem;margin:.5rem 0}
dt{color:var(--muted)}
dd{margin:0;min-width:0;overflow-wrap:anywhere}
.messages{list-style:none;margin:0;padding:0}
.messages li{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
.messages h2{font-size:1.0625rem;line-height:1.35;margin:0 0 .375rem;overflow-wrap:anywhere}
.messages dl{font-size:.9375rem;margin:0}
iframe{display:block;width:100%;height:80vh;border:1px solid var(--line);border-radius:4px;background:#fff}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--card);border:1px solid var(--line);border-radius:4px;padding:.75rem;margin:0;font-size:.875rem}
table{width:100%;table-layout:fixed;border-collapse:collapse;font-size:.875rem}
th,td{padding:.375rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
thead th{color:var(--muted);font-weight:600}
tbody th{width:35%;font-weight:600}
@media (min-width:40rem){tbody th{width:14rem}}
`.trim();

function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><style>${STYLE}</style>` +
        `</head><body><main>\n${body}\n</main></body></html>\n`,
    );
}

/** A date as this machine's local time with its offset, e.g. `2024-06-10 14:03:21 +08:00`, in a <time>. */
function time(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return escapeHtml(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  const local = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
  return `<time datetime="${escapeHtml(d.toISOString())}">${local}</time>`;
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

export { escapeHtml };
