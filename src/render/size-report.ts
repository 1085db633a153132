// Step 6: how big the HTML part is on the wire. Gmail clips at ~102 KB of the encoded part,
// and the encoding matters: quoted-printable costs 9 bytes per CJK character, base64 4 per 3
// bytes. Both are computed exactly as nodemailer writes them (76-character lines, CRLF), and
// the smaller one is reported as the one to send with.
import * as base64 from 'nodemailer/lib/base64';
import * as qp from 'nodemailer/lib/qp';
import { SIZE_BUDGET } from './defaults.ts';
import type { SizeReport } from './types.ts';

export function encodedSizes(html: string): { quotedPrintable: number; base64: number } {
  // Line ends go out as CRLF whatever the string holds.
  const bytes = Buffer.from(html.replace(/\r?\n/g, '\r\n'), 'utf8');
  return {
    quotedPrintable: Buffer.byteLength(qp.wrap(qp.encode(bytes), 76), 'latin1'),
    base64: Buffer.byteLength(base64.wrap(base64.encode(bytes), 76), 'latin1'),
  };
}

export function sizeReport(html: string, text: string): SizeReport {
  const sizes = encodedSizes(html);
  const useQp = sizes.quotedPrintable <= sizes.base64;
  return {
    htmlBytes: Buffer.byteLength(html, 'utf8'),
    encodedHtmlBytes: useQp ? sizes.quotedPrintable : sizes.base64,
    encoding: useQp ? 'quoted-printable' : 'base64',
    textBytes: Buffer.byteLength(text, 'utf8'),
    budgetBytes: SIZE_BUDGET.budgetBytes,
    warnBytes: SIZE_BUDGET.warnBytes,
    imageCount: (html.match(/<img\b/gi) ?? []).length,
    linkCount: (html.match(/<a\b[^>]*\bhref=/gi) ?? []).length,
  };
}
