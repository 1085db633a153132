// Shared by the mail tests: a CJK-heavy published issue, a small MIME reader, an RFC 2047
// word decoder and an independent DKIM verifier (relaxed/relaxed, rsa-sha256) written from
// RFC 6376 rather than from src/mail, so the signer is checked against the spec.
import { createHash, verify, type KeyObject } from 'node:crypto';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { encodedSizes } from '../../src/mail/encoded-sizes.ts';
import { toSpliceTemplate } from '../../src/render/index.ts';
import type { RenderedIssue } from '../../src/render/types.ts';

const PARAGRAPH =
  '本文是自监督深度网络的对抗性预训练的综述。作者回顾了卷积神经网络和视觉转换器，与可以访问标记示例的对抗训练不同，对抗预训练很复杂，因为它只能访问未标记示例。';

/** ~`kb` KB of MJML-like HTML, mostly CJK, with every token (two VIEW_ONLINE_URL) and some traps. */
export function syntheticIssue(opts: { kb?: number; issueId?: string; contentHash?: string } = {}): PublishedIssue {
  const kb = opts.kb ?? 80;
  const rows: string[] = [];
  let i = 0;
  while (rows.join('').length * 2 < kb * 1024) {
    i += 1;
    rows.push(
      `<tr><td style="padding:0 16px;font-size:15px;line-height:1.7;color:#333333" class="p-${i}">` +
        `<a href="https://arxiv.org/abs/2210.${13000 + i}" style="color:#2b5fd9">Adversarial Pretraining ${i}</a> ${PARAGRAPH}</td></tr>\n`,
    );
  }
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预训练周刊</title></head><body>\n` +
    `<a href="%%NL_VIEW_ONLINE_URL%%">在浏览器中查看</a>\n<p>%%NL_NAME%%，你好！</p><table>\n${rows.join('')}</table>\n` +
    // A line far longer than 998 characters with no newline, and a line that starts with a dot.
    `<p>${'长'.repeat(1200)}</p>\n.hidden{display:none}\n` +
    `<p>你收到这封邮件，是因为你订阅了《预训练周刊》。<a href="%%NL_UNSUBSCRIBE_URL%%">退订</a> · <a href="%%NL_VIEW_ONLINE_URL%%">网页版</a></p></body></html>`;
  const text =
    `在浏览器中查看: %%NL_VIEW_ONLINE_URL%%\n\n%%NL_NAME%%，你好！\n\n` +
    rows.map((_, n) => `${n + 1}. Adversarial Pretraining\t(tab)  two  spaces ${PARAGRAPH}\n   https://arxiv.org/abs/2210.${13001 + n}\n`).join('\n') +
    `\n退订: %%NL_UNSUBSCRIBE_URL%%\n`;
  const issueId = opts.issueId ?? 'pretrain-weekly-064';
  const sizes = encodedSizes(html);
  const rendered: RenderedIssue = {
    issueId,
    newsletterId: 'pretrain-weekly',
    locale: 'zh-CN',
    newsletterTitle: '《预训练周刊》',
    subject: '《预训练周刊》第64期:微调新范式:组合、噪音、指令、自我改进等',
    html,
    text,
    tokens: ['UNSUBSCRIBE_URL', 'VIEW_ONLINE_URL', 'NAME'],
    splice: { html: toSpliceTemplate(html), text: toSpliceTemplate(text) },
    report: {
      htmlBytes: Buffer.byteLength(html),
      encodedHtmlBytes: Math.min(sizes.base64, sizes.quotedPrintable),
      encoding: sizes.base64 < sizes.quotedPrintable ? 'base64' : 'quoted-printable',
      textBytes: Buffer.byteLength(text),
      budgetBytes: 95_000,
      warnBytes: 85_000,
      imageCount: 0,
      linkCount: rows.length,
    },
    findings: [],
  };
  return publishedFrom(rendered, opts.contentHash ?? 'c0ffee'.repeat(10));
}

export function publishedFrom(rendered: RenderedIssue, contentHash: string): PublishedIssue {
  return {
    issueId: rendered.issueId,
    newsletterId: rendered.newsletterId,
    newsletterName: '预训练周刊',
    listId: 'pretrain-weekly',
    locale: 'zh-CN',
    number: 64,
    date: '2022-11-07',
    subject: rendered.subject,
    contentHash,
    publishedAt: '2022-11-07T08:00:00.000Z',
    rendered,
  };
}

export interface HeaderField {
  name: string;
  /** Unfolded value. */
  value: string;
  /** As on the wire, folded, without the final CRLF. */
  raw: string;
}

export function splitMessage(raw: Buffer | string): { headers: HeaderField[]; head: string; body: string } {
  const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : raw;
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end + 2);
  const headers: HeaderField[] = [];
  for (const line of head.split('\r\n').slice(0, -1)) {
    if (/^[ \t]/.test(line) && headers.length) {
      const last = headers[headers.length - 1]!;
      last.raw += `\r\n${line}`;
      last.value += line;
    } else {
      const colon = line.indexOf(':');
      headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim(), raw: line });
    }
  }
  return { headers, head, body: text.slice(end + 4) };
}

export interface MimePart {
  headers: HeaderField[];
  contentType: string;
  encoding: string;
  decoded: string;
}

/** The parts of a multipart message, decoded from base64 / quoted-printable as UTF-8. */
export function mimeParts(raw: Buffer | string): { contentType: string; parts: MimePart[] } {
  const { headers, body } = splitMessage(raw);
  const contentType = headers.find((h) => h.name === 'content-type')!.value;
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)![1]!;
  const chunks = `\r\n${body}`.split(`\r\n--${boundary}`);
  const parts = chunks.slice(1, -1).map((chunk) => {
    const part = splitMessage(chunk.replace(/^\r\n/, ''));
    const type = part.headers.find((h) => h.name === 'content-type')!.value;
    const encoding = part.headers.find((h) => h.name === 'content-transfer-encoding')!.value;
    const bytes =
      encoding === 'base64'
        ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64')
        : Buffer.from(
            part.body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return { headers: part.headers, contentType: type, encoding, decoded: bytes.toString('utf8') };
  });
  return { contentType, parts };
}

/** Decodes RFC 2047 encoded words (B and Q, UTF-8), joining adjacent ones. */
export function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
    kind.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

const relaxedHeader = (name: string, raw: string) =>
  `${name.toLowerCase()}:${raw
    .slice(raw.indexOf(':') + 1)
    .replace(/\r\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim()}`;

/** RFC 6376 verification of the first DKIM-Signature (relaxed/relaxed, rsa-sha256). */
export function verifyDkim(raw: Buffer, publicKey: KeyObject): { bodyHashOk: boolean; signatureOk: boolean; signed: string[]; tags: Record<string, string> } {
  const { headers } = splitMessage(raw);
  const bytes = raw.toString('latin1');
  const body = bytes.slice(bytes.indexOf('\r\n\r\n') + 4);
  const dkim = headers.find((h) => h.name === 'dkim-signature');
  if (!dkim) throw new Error('no DKIM-Signature header');
  const tags = Object.fromEntries(
    dkim.value
      .split(';')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]),
  );
  let canonBody = body
    .split('\r\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n');
  canonBody = `${canonBody.replace(/(\r\n)*$/, '')}\r\n`;
  const bodyHashOk = createHash('sha256').update(Buffer.from(canonBody, 'latin1')).digest('base64') === tags.bh;

  const signed = (tags.h ?? '').split(':').map((h) => h.trim().toLowerCase());
  const used = new Map<string, number>();
  let data = '';
  for (const name of signed) {
    const instances = headers.filter((h) => h.name === name);
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const pick = instances[instances.length - 1 - n];
    if (pick) data += `${relaxedHeader(name, pick.raw)}\r\n`;
  }
  data += relaxedHeader('dkim-signature', dkim.raw.replace(/\bb=[^;]*$/, 'b='));
  const signatureOk = verify('sha256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(tags.b ?? '', 'base64'));
  return { bodyHashOk, signatureOk, signed, tags };
}
