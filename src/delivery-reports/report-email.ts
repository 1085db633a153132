// Reads a bounce (DSN, RFC 3464) or a feedback-loop complaint (ARF, RFC 5965) given as the raw
// bytes of an .eml and says what it reports: who, hard or soft, which message of ours. Pure: no
// I/O, no store; acting on the result is use-cases/delivery-report.ts's job. mailparser does the
// MIME decoding; the report fields are read by dsn-fields.ts (kept apart to keep files small).
// Also a small best-effort reader for the plain-text bounces of qmail and old Exim, and the
// unsubscribe requests mailed to the List-Unsubscribe mailto (`unsubscribe+TOKEN@domain`).
import { simpleParser, type Attachment, type SimpleParserOptions, type ParsedMail } from 'mailparser';
import {
  addressesIn,
  diagnosticText,
  first,
  messageIdIn,
  parseFieldBlocks,
  parseHeaderBlock,
  replyClass,
  statusCode,
  typedAddress,
  type Fields,
} from './dsn-fields.ts';

export interface EmailReport {
  type: 'bounce' | 'complaint';
  /** The recipient the report is about (DSN Original-Recipient, else Final-Recipient; ARF Original-Rcpt-To, else the original's To), domain lower-cased; absent for a redacted ARF. */
  email?: string;
  /** Bounce: Action failed with a 5.x.x Status (or a 5xx Diagnostic-Code when Status is missing). Complaint: true. */
  permanent: boolean;
  status?: string;
  diagnostic?: string;
  /** Message-ID of the original message, e.g. `<pretrain-weekly-064.7.0123456789abcdef@example.com>`. */
  messageId?: string;
  /**
   * Addresses that may carry a VERP token, most trusted first: the report's own To /
   * Delivered-To / X-Original-To, the ARF Original-Mail-From, the original's Return-Path.
   * Bare, domain lower-cased, de-duplicated; the local part keeps its case (the VERP MAC is
   * case-sensitive, see mail/verp.ts).
   */
  returnPaths: string[];
}

/**
 * A mail to our List-Unsubscribe mailto, `unsubscribe+TOKEN@domain` (mail/newsletter-message.ts):
 * the tokens of every such address in its To, Cc, Delivered-To, X-Original-To or Envelope-To,
 * unchecked (checking the signature is the caller's job), at most MAX_UNSUBSCRIBE_TOKENS.
 */
export interface UnsubscribeRequest {
  tokens: string[];
}

export type ReadReport =
  | { kind: 'reports'; reports: EmailReport[] }
  | { kind: 'unsubscribe'; request: UnsubscribeRequest }
  | { kind: 'ignored'; reason: string };

/** The input cannot be read as a mail at all. The message says what is wrong, never the content. */
export class ReportEmailError extends Error {
  override name = 'ReportEmailError';
}

export const MAX_REPORT_BYTES = 5 * 1024 * 1024;
export const MAX_RECIPIENTS = 100;
export const MAX_UNSUBSCRIBE_TOKENS = 10;

// keepDeliveryStatus: message/delivery-status becomes an attachment, not body text.
// ignoreEmbedded (passed on to mailsplit, not in the typings): a message/rfc822 part stays one
// attachment holding the original message, even when marked inline (as ARF reports do).
const PARSER_OPTIONS: SimpleParserOptions & { ignoreEmbedded: boolean } = {
  keepDeliveryStatus: true,
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
};

export async function readReportEmail(raw: Buffer): Promise<ReadReport> {
  if (!Buffer.isBuffer(raw)) throw new ReportEmailError('report email: expected the raw message as a Buffer');
  if (raw.length === 0) throw new ReportEmailError('report email: the input is empty');
  if (raw.length > MAX_REPORT_BYTES) {
    throw new ReportEmailError(`report email: ${raw.length} bytes is over the ${MAX_REPORT_BYTES}-byte limit (5 MB)`);
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, PARSER_OPTIONS);
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 120) : 'unknown error';
    throw new ReportEmailError(`report email: not a readable MIME message (${why})`);
  }
  const headers = topHeaders(mail);
  if (headers.size === 0) throw new ReportEmailError('report email: not a mail message (no header fields found)');
  const reportType = reportTypeOf(mail);
  if (reportType === 'delivery-status') return readDsn(mail, headers);
  if (reportType === 'feedback-report') return readArf(mail, headers);
  if (reportType !== null)
    return { kind: 'ignored', reason: `a multipart/report of type ${JSON.stringify(reportType.slice(0, 40))}, not a bounce or complaint` };
  const tokens = unsubscribeTokens(headers);
  if (tokens.length > 0) return { kind: 'unsubscribe', request: { tokens } };
  return (
    readPlainBounce(mail, headers) ?? {
      kind: 'ignored',
      reason: isAutoReply(headers) ? 'an auto-reply, not a delivery report' : 'not a delivery or feedback report',
    }
  );
}

function topHeaders(mail: ParsedMail): Fields {
  const lines = Array.isArray(mail.headerLines) ? mail.headerLines.map((h) => h.line).join('\r\n') : '';
  return parseHeaderBlock(lines);
}

/** `delivery-status`, `feedback-report`, another report type, or null when not a multipart/report. */
function reportTypeOf(mail: ParsedMail): string | null {
  const header: unknown = mail.headers.get('content-type');
  if (typeof header !== 'object' || header === null || !('value' in header)) return null;
  const { value, params } = header as { value: unknown; params?: Record<string, unknown> };
  if (typeof value !== 'string' || value.trim().toLowerCase() !== 'multipart/report') return null;
  const type = params?.['report-type'];
  if (typeof type === 'string' && type.trim() !== '') return type.trim().toLowerCase();
  if (part(mail, 'message/delivery-status', 'message/global-delivery-status')) return 'delivery-status';
  if (part(mail, 'message/feedback-report')) return 'feedback-report';
  return 'unnamed';
}

function part(mail: ParsedMail, ...types: string[]): Attachment | undefined {
  return mail.attachments.find((a) => types.includes(String(a.contentType).toLowerCase()) && Buffer.isBuffer(a.content));
}

/** The original message's headers: an attached message/rfc822 or text/rfc822-headers part. */
function originalHeaders(mail: ParsedMail): Fields {
  const original = part(mail, 'message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers');
  return original ? parseHeaderBlock(original.content.toString('utf8')) : new Map();
}

/** The report's own To / Delivered-To / X-Original-To, then the given extras, de-duplicated. */
function returnPathsOf(headers: Fields, ...more: Array<string | undefined>): string[] {
  const values = [...(headers.get('to') ?? []), ...(headers.get('delivered-to') ?? []), ...(headers.get('x-original-to') ?? []), ...more];
  const out: string[] = [];
  for (const value of values) for (const address of addressesIn(value)) if (!out.includes(address)) out.push(address);
  return out;
}

function withOptional(report: EmailReport, extra: Partial<Record<'email' | 'status' | 'diagnostic' | 'messageId', string | undefined>>): EmailReport {
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) Object.assign(report, { [key]: value });
  return report;
}

function readDsn(mail: ParsedMail, headers: Fields): ReadReport {
  const dsn = part(mail, 'message/delivery-status', 'message/global-delivery-status');
  if (!dsn) return { kind: 'ignored', reason: 'a delivery report without a message/delivery-status part' };
  const blocks = parseFieldBlocks(dsn.content.toString('utf8'), MAX_RECIPIENTS + 1);
  const perMessage = blocks[0];
  const recipients = blocks.filter((b) => b.has('action') || b.has('final-recipient')).slice(0, MAX_RECIPIENTS);
  const original = originalHeaders(mail);
  const messageId = messageIdIn(first(original, 'message-id')) ?? messageIdIn(first(perMessage, 'x-original-message-id'));
  const returnPaths = returnPathsOf(headers, first(original, 'return-path'));
  const reports: EmailReport[] = [];
  const actions = new Set<string>();
  for (const recipient of recipients) {
    const action = (first(recipient, 'action') ?? '').split(/[\s(;]/)[0]!.toLowerCase();
    actions.add(action || 'none');
    if (action !== 'failed') continue;
    const status = statusCode(first(recipient, 'status'));
    const diagnostic = diagnosticText(first(recipient, 'diagnostic-code'));
    const permanent = status ? status.startsWith('5.') : replyClass(diagnostic) === 5;
    const email = typedAddress(first(recipient, 'original-recipient')) ?? typedAddress(first(recipient, 'final-recipient'));
    reports.push(withOptional({ type: 'bounce', permanent, returnPaths: [...returnPaths] }, { email, status, diagnostic, messageId }));
  }
  if (reports.length > 0) return { kind: 'reports', reports };
  const seen = actions.size > 0 ? [...actions].sort().join(', ') : 'no recipients';
  return { kind: 'ignored', reason: `a delivery report without a failed recipient (${seen.slice(0, 80)})` };
}

// abuse, fraud and virus are complaints (RFC 5965 7.3); auth-failure (a DMARC failure report)
// and not-spam are not.
const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'virus', 'other']);

function readArf(mail: ParsedMail, headers: Fields): ReadReport {
  const arf = part(mail, 'message/feedback-report');
  if (!arf) return { kind: 'ignored', reason: 'a feedback report without a message/feedback-report part' };
  const fields = parseHeaderBlock(arf.content.toString('utf8'));
  const feedbackType = (first(fields, 'feedback-type') ?? '').trim().toLowerCase();
  if (!COMPLAINT_TYPES.has(feedbackType)) {
    return { kind: 'ignored', reason: `a feedback report of type ${JSON.stringify(feedbackType.slice(0, 40))}, not a complaint` };
  }
  const original = originalHeaders(mail);
  const rcptTo = (fields.get('original-rcpt-to') ?? []).flatMap((v) => addressesIn(v))[0];
  const email = rcptTo ?? addressesIn(first(original, 'to'))[0];
  const returnPaths = returnPathsOf(headers, first(fields, 'original-mail-from'), first(original, 'return-path'));
  const messageId = messageIdIn(first(original, 'message-id'));
  return { kind: 'reports', reports: [withOptional({ type: 'complaint', permanent: true, returnPaths }, { email, messageId })] };
}

// The opening sentences of qmail's and old Exim's plain-text bounces, and where their copy of
// the original message starts.
const PLAIN_BOUNCE =
  /This is the qmail-send program|Delivery has failed|This message was created automatically by mail delivery software|I wasn't able to deliver your message/i;
const COPY_MARKER = /^-{2,}\s*(?:Below this line is a copy of the message|This is a copy of the message|The header of the original message is)[^\r\n]*$/im;

function readPlainBounce(mail: ParsedMail, headers: Fields): ReadReport | null {
  const text = typeof mail.text === 'string' ? mail.text : '';
  if (!PLAIN_BOUNCE.test(text)) return null;
  const marker = COPY_MARKER.exec(text);
  const notice = marker ? text.slice(0, marker.index) : text;
  const original = marker ? parseHeaderBlock(text.slice(marker.index + marker[0].length)) : new Map<string, string[]>();
  const lines = notice.split(/\r?\n/).slice(0, 2000);
  for (let i = 0; i < lines.length; i++) {
    // qmail: `<addr>:` starting a paragraph; old Exim: the address alone on an indented line.
    const match = /^\s*<([^<>\s]+@[^<>\s]+)>:(.*)$/.exec(lines[i]!) ?? /^\s+([^<>\s]+@[^<>\s:]+)\s*$/.exec(lines[i]!);
    const email = match ? addressesIn(`<${match[1]}>`)[0] : undefined;
    if (!match || !email) continue;
    // The reply is on the address's line or one of the next few, within its paragraph.
    const paragraph = lines.slice(i + 1, i + 6);
    const end = paragraph.findIndex((l) => l.trim() === '');
    const near = [match[2] ?? '', ...(end === -1 ? paragraph : paragraph.slice(0, end))];
    const code = near.map((l) => /(?:^|[\s:])(5\d\d(?:[\s-].*)?)$/.exec(l.trim())).find((m) => m);
    if (!code) continue;
    const diagnostic = diagnosticText(code[1]);
    const status = /^5\d\d[\s-](5\.\d{1,3}\.\d{1,3})(?!\d)/.exec(diagnostic ?? '')?.[1];
    const returnPaths = returnPathsOf(headers, first(original, 'return-path'));
    const messageId = messageIdIn(first(original, 'message-id'));
    return { kind: 'reports', reports: [withOptional({ type: 'bounce', permanent: true, returnPaths }, { email, status, diagnostic, messageId })] };
  }
  return { kind: 'ignored', reason: 'a plain-text bounce without a 5xx reply next to an address' };
}

// The local part `unsubscribe+TOKEN` of the mailto; the token's own case is kept (its MAC is
// case-sensitive), the fixed part is read case-blind.
const UNSUBSCRIBE_LOCAL = /^unsubscribe\+([^@]{1,200})@/i;

function unsubscribeTokens(headers: Fields): string[] {
  const tokens: string[] = [];
  for (const name of ['to', 'cc', 'delivered-to', 'x-original-to', 'envelope-to']) {
    for (const value of headers.get(name) ?? []) {
      for (const address of addressesIn(value)) {
        const token = UNSUBSCRIBE_LOCAL.exec(address)?.[1];
        if (token && !tokens.includes(token) && tokens.length < MAX_UNSUBSCRIBE_TOKENS) tokens.push(token);
      }
    }
  }
  return tokens;
}

function isAutoReply(headers: Fields): boolean {
  const autoSubmitted = (first(headers, 'auto-submitted') ?? 'no').toLowerCase();
  return (
    !autoSubmitted.startsWith('no') || headers.has('x-autoreply') || headers.has('x-autorespond') || /auto_reply/i.test(first(headers, 'precedence') ?? '')
  );
}
