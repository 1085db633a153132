// The small MIME building blocks the per-issue fast path needs: transfer-encoding choice,
// base64 / quoted-printable pieces that can be joined, header folding and encoding. Header
// words and QP come from nodemailer's own lib, so both send paths encode the same way.
import { encodeWord, foldLines, quotedPrintable, quoteString } from './nodemailer-internals.ts';
import { HeaderValueError, assertHeaderSafe } from './header-value-error.ts';
import type { TransferEncoding } from './types.ts';

export const CRLF = '\r\n';
const LINE = 76;

/** Line breaks as the canonical form of text/* (RFC 2046): CRLF only. */
export function toCrlf(text: string): string {
  return /\r(?!\n)|(?<!\r)\n/.test(text) ? text.replace(/\r\n|\r|\n/g, CRLF) : text;
}

/**
 * The smaller encoding on the wire for this content. Quoted-printable costs 9 bytes per CJK
 * character (three =XX per UTF-8 byte), base64 a flat 4 per 3 bytes; markup-heavy Latin text
 * is smaller in QP, CJK-heavy text in base64.
 */
export function chooseTransferEncoding(content: string): TransferEncoding {
  let utf8 = 0;
  let qpBytes = 0;
  for (let i = 0; i < content.length; i++) {
    const c = content.charCodeAt(i);
    if (c < 0x80) {
      utf8 += 1;
      qpBytes += c === 0x3d || (c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) || c === 0x7f ? 3 : 1;
    } else if (c < 0x800) {
      utf8 += 2;
      qpBytes += 6;
    } else {
      // A surrogate pair is 4 UTF-8 bytes, counted as 2 + 2 over its two code units.
      const bytes = c >= 0xd800 && c <= 0xdfff ? 2 : 3;
      utf8 += bytes;
      qpBytes += bytes * 3;
    }
  }
  const base64Wire = Math.ceil(utf8 / 3) * 4 * (1 + 2 / LINE);
  const qpWire = qpBytes * (1 + 3 / (LINE - 1));
  return base64Wire < qpWire ? 'base64' : 'quoted-printable';
}

/** base64 in lines of 76 characters, each ending in CRLF (so it can be followed by another piece). */
export function base64Lines(bytes: Buffer): string {
  const b64 = bytes.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += LINE) out += b64.slice(i, i + LINE) + CRLF;
  return out;
}

/**
 * Quoted-printable for one piece of a part, wrapped so that every line, including the last one
 * once a soft break `=` is put after it, stays within 76 characters. Trailing whitespace of
 * the piece is encoded (qp.encode treats the end of input as a line end).
 */
export function qpPiece(text: string): string {
  return quotedPrintable(Buffer.from(text, 'utf8'), LINE - 1);
}

/**
 * DKIM relaxed body canonicalization (RFC 6376 3.4.4) of a piece that ends at a line end:
 * runs of WSP become one SP, WSP before a line end goes. Pieces never split a line, so
 * canonicalizing piece by piece equals canonicalizing the whole body.
 */
export function relaxedBodyPiece(piece: string): string {
  return /[ \t]{2}|\t|[ \t]\r\n/.test(piece) ? piece.replace(/[ \t]+\r\n/g, CRLF).replace(/[ \t]+/g, ' ') : piece;
}

/** `Name: value` folded at whitespace to 76 columns, with its CRLF; a line over 998 (RFC 5322 2.1.1) is refused. */
export function foldedHeader(name: string, encodedValue: string): string {
  const folded = foldLines(`${name}: ${assertHeaderSafe(name, encodedValue)}`, LINE);
  if (folded.length > 998 && folded.split(CRLF).some((line) => line.length > 998)) {
    throw new HeaderValueError(name, 'value has a word longer than a header line may be (998 characters)');
  }
  return folded + CRLF;
}

/** A display name as a header phrase: as is, quoted, or as RFC 2047 encoded words (UTF-8, B). */
export function encodePhrase(header: string, name: string): string {
  assertHeaderSafe(header, name);
  if (/^[A-Za-z0-9_ ]*$/.test(name)) return name;
  if (/^[\x20-\x7e]*$/.test(name)) return quoteString(name);
  return encodeWord(name, 'B', 52);
}

/** RFC 5322 date as nodemailer writes it. */
export function dateHeaderValue(date: Date): string {
  return date.toUTCString().replace(/GMT/, '+0000');
}
