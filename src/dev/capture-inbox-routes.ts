// Web pages over the capture inbox for `newsletter dev`: `GET /inbox` lists what was captured
// (newest first), `GET /inbox/<id>` shows one message (its HTML inside a sandboxed iframe, so
// nothing in a captured email runs scripts or reaches our origin), `GET /inbox/<id>.eml` downloads
// it. Only names the inbox itself writes are accepted: anything else is a 400, never a path.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CAPTURED_FILE, type CaptureInbox, type CapturedMessage } from './capture-inbox.ts';
import { escapeHtml } from '../render/splice.ts';

const MESSAGE_ID = /^\d{13}-\d{1,9}$/;

// Captured HTML may load images (as a mail client would) but never scripts, forms or frames
// of its own; the sandbox attribute below also gives the iframe an opaque origin.
const CSP = "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; frame-src 'self'; base-uri 'none'; form-action 'none'";

export function captureInboxRoutes(inbox: CaptureInbox): FastifyPluginAsync {
  return async (app) => {
    app.get('/inbox', async (_request, reply) => {
      const messages = await inbox.list();
      const rows = messages
        .map((m) => {
          const id = m.file.replace(/\.eml$/, '');
          return `<tr><td>${escapeHtml(m.date)}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to)}</td>` +
            `<td><a href="/inbox/${id}">${escapeHtml(m.subject || '(no subject)')}</a></td>` +
            `<td>${formatSize(m.size)}</td><td><a href="/inbox/${id}.eml">.eml</a></td></tr>`;
        })
        .join('\n');
      const body = messages.length
        ? `<table><thead><tr><th>date</th><th>from</th><th>to</th><th>subject</th><th>size</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>`
        : '<p>No message yet. Send something to this inbox’s SMTP server and reload.</p>';
      return page(reply, 'Capture inbox', `<h1>Capture inbox <small>(${messages.length})</small></h1>\n<p>SMTP: <code>${escapeHtml(inbox.smtpUrl)}</code></p>\n${body}`);
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

function messageBody({ summary, parsed }: CapturedMessage): string {
  const id = summary.file.replace(/\.eml$/, '');
  const headers = parsed.headerLines
    .map((h) => `<tr><th>${escapeHtml(h.key)}</th><td>${escapeHtml(h.line.slice(h.line.indexOf(':') + 1).trim())}</td></tr>`)
    .join('\n');
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  return [
    `<p><a href="/inbox">← inbox</a> · <a href="/inbox/${id}.eml">download .eml</a> · ${formatSize(summary.size)}</p>`,
    `<h1>${escapeHtml(summary.subject || '(no subject)')}</h1>`,
    html
      ? `<h2>HTML part</h2>\n<iframe sandbox title="HTML part" srcdoc="${escapeHtml(html)}" style="width:100%;height:80vh;border:1px solid #ccc"></iframe>`
      : '<p>(no HTML part)</p>',
    `<h2>Text part</h2>\n<pre style="white-space:pre-wrap">${escapeHtml(parsed.text ?? '(no text part)')}</pre>`,
    `<h2>Headers</h2>\n<table>${headers}</table>`,
  ].join('\n');
}

function page(reply: FastifyReply, title: string, body: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{white-space:nowrap}</style>' +
        `</head><body>\n${body}\n</body></html>\n`,
    );
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

export { escapeHtml };
