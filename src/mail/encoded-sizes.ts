// How many bytes an HTML part takes on the wire in each transfer encoding, exactly as the mail
// is written (76-character lines, CRLF): quoted-printable through nodemailer's own encoder (the
// one the fast path uses), base64 by its closed form. The renderer is handed this function for
// its size report (it cannot import mail), so the budget lint measures what is really sent.
import type { EncodedSizes } from '../render/types.ts';
import { quotedPrintable } from './nodemailer-internals.ts';

const LINE = 76;

export function encodedSizes(html: string): EncodedSizes {
  // Line ends go out as CRLF whatever the string holds.
  const bytes = Buffer.from(html.replace(/\r?\n/g, '\r\n'), 'utf8');
  const b64 = 4 * Math.ceil(bytes.length / 3);
  return {
    quotedPrintable: Buffer.byteLength(quotedPrintable(bytes, LINE), 'latin1'),
    // A CRLF between every two 76-character lines, none after the last.
    base64: b64 === 0 ? 0 : b64 + 2 * Math.floor((b64 - 1) / LINE),
  };
}
