// The one file that reaches into nodemailer's private modules (`nodemailer/lib/...`, not part of
// its documented API): the MIME header encoder, the MIME helpers, quoted-printable and the SMTP
// pool. The fast path builds each issue's MIME once with the very encoders nodemailer itself
// uses, so that the bytes match what `sendMail` would write. When a nodemailer upgrade moves
// or changes one of them, test/unit/mail-nodemailer-internals.test.ts fails and names it.
// (smtp-dot-stuffing.ts depends on the shape of the DataStream nodemailer pipes a message into;
// that shape is checked there, at run time, and by its own test.)
import MimeNode from 'nodemailer/lib/mime-node';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';
import * as qp from 'nodemailer/lib/qp';
import SMTPPool from 'nodemailer/lib/smtp-pool';

/** RFC 2047 encoding of a header value, as nodemailer writes From and Subject. */
export function encodeHeaderValue(name: string, value: string): string {
  return MimeNode.encodeHeaderValue(name, value);
}

export const foldLines: (line: string, lineLength?: number) => string = mimeFuncs.foldLines;
export const quoteString: (value: string) => string = mimeFuncs.quoteString;
export const encodeWord: (value: string, mimeType?: 'Q' | 'B', maxLength?: number) => string = mimeFuncs.encodeWord;

/** Quoted-printable bytes, then soft-wrapped at `lineLength`. */
export function quotedPrintable(bytes: Buffer, lineLength: number): string {
  return qp.wrap(qp.encode(bytes), lineLength);
}

export { SMTPPool };
