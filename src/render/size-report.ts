// Step 6: how big the HTML part is on the wire. Gmail clips at ~102 KB of the encoded part,
// and the encoding matters: quoted-printable costs 9 bytes per CJK character, base64 4 per 3
// bytes. `sizes` are measured by the mail module exactly as it writes them (the renderer is
// handed src/mail's encodedSizes); the smaller one is reported as the one to send with.
import { SIZE_BUDGET } from './defaults.ts';
import type { EncodedSizes, SizeReport } from './types.ts';

export function sizeReport(html: string, text: string, sizes: EncodedSizes): SizeReport {
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
