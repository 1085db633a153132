// Where SMTP failures enter the program they become one of three outcomes (docs/standards.md, Bounces):
// permanent (bounce + suppress, never retried), transient (retry with backoff) or ambiguous
// (the message data was sent and then the connection failed: it may have been accepted). An
// ambiguous outcome is sent again, as Postfix does, and the retry counted as a possible
// duplicate; only on the last attempt is it recorded as unknown (campaign/processors/deliver-processor.ts).
//
// What nodemailer 10.6 (lib/smtp-connection) puts on its errors, and so what this reads:
// - `responseCode` + `response`: the server's reply, present only when the server answered.
// - `command`: the step whose reply failed: 'MAIL FROM', 'RCPT TO', 'DATA' (both the reply to
//   the DATA command and the final reply after the message), 'EHLO', 'HELO', 'LHLO',
//   'STARTTLS', 'AUTH <method>', 'API' (refused locally). Every socket-level failure (refused,
//   reset, closed, greeting/connect/socket timeout) carries 'CONN' WHATEVER the session was
//   doing, so the error alone cannot tell a drop before DATA from one while waiting for the
//   final reply. The transport therefore records whether the message stream had ended (the
//   final dot was handed to the socket) and passes it as `phase`.
// - `code`: ECONNECTION (closed), ETIMEDOUT, ESOCKET (socket error; ECONNREFUSED etc. kept in
//   `originalCode`), EDNS, ETLS, EPROTOCOL, EAUTH, EENVELOPE (MAIL/RCPT/DATA refused or a bad
//   address), EMESSAGE (final reply refused, or the size check), ECONFIG, EPROXY, …
import type { DeliveryOutcome } from './types.ts';

/** Whether the whole message, final dot included, had been handed to the socket. */
export type SmtpPhase = 'before-data' | 'after-data';

/** Losing the connection or the server's answer: before DATA it is a retry, after it nobody knows. */
const CONNECTION_LOSS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EPROTOCOL', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Failures of our side's setup: every message fails the same way until an operator acts. */
const SYSTEMIC_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY', 'EDNS']);

/**
 * The server is not there (refused, no route): true of every message until it is back, so the
 * send waits for it as a whole (see campaign/smtp-recovery) instead of each message retrying.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Replies to these commands are about the session or the sender, never about the recipient. */
const SESSION_COMMANDS = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH\b.*|MAIL FROM)$/;

/** Replies to these commands are about this recipient or this message. */
const MESSAGE_COMMANDS = new Set(['RCPT TO', 'DATA']);

interface SmtpErrorFields {
  responseCode?: number;
  code?: string;
  /** The socket's own code under nodemailer's ESOCKET (ECONNREFUSED, ECONNRESET, …). */
  originalCode?: string;
  command?: string;
  reason: string;
}

function fieldsOf(err: unknown): SmtpErrorFields {
  if (typeof err !== 'object' || err === null) return { reason: oneLine(String(err)) };
  const e = err as Record<string, unknown>;
  const code = typeof e.responseCode === 'number' ? e.responseCode : Number(e.responseCode);
  const text = typeof e.response === 'string' && e.response ? e.response : typeof e.message === 'string' ? e.message : String(err);
  return {
    responseCode: Number.isInteger(code) && code >= 200 && code <= 599 ? code : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
    originalCode: typeof e.originalCode === 'string' ? e.originalCode : undefined,
    command: typeof e.command === 'string' ? e.command : undefined,
    reason: oneLine(text),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const MAX_REASON = 300;

/**
 * Classifies a failed send. Pure. `phase` comes from the transport (see above); without it an
 * error is taken as after the data only when its command says DATA.
 */
export function classifySmtpError(err: unknown, phase?: SmtpPhase): DeliveryOutcome {
  const outcome = classify(err, phase);
  if (outcome.kind !== 'sent' && outcome.reason.length > MAX_REASON) outcome.reason = `${outcome.reason.slice(0, MAX_REASON - 3)}...`;
  return outcome;
}

function classify(err: unknown, phase: SmtpPhase | undefined): DeliveryOutcome {
  const { responseCode, code, originalCode, command, reason } = fieldsOf(err);
  const withCommand = command && command !== 'CONN' && command !== 'API' ? `${command}: ${reason}` : reason;

  if (responseCode !== undefined) {
    // A reply is a definite answer, even after the data: the server said it did not take it.
    if (responseCode === 421 || responseCode === 503 || responseCode < 500) {
      return { kind: 'transient', code: responseCode, reason: withCommand };
    }
    if (command !== undefined && SESSION_COMMANDS.test(command)) {
      // 5xx to the greeting, EHLO, AUTH or MAIL FROM: our setup or sender is refused. Bouncing
      // the subscriber would suppress a good address (every address, on a wrong password).
      return { kind: 'transient', code: responseCode, reason: withCommand, systemic: true };
    }
    if (command === undefined || MESSAGE_COMMANDS.has(command)) {
      return { kind: 'permanent', code: responseCode, reason: withCommand };
    }
    return { kind: 'transient', code: responseCode, reason: withCommand };
  }

  const afterData = phase ? phase === 'after-data' : command === 'DATA';
  if (!afterData && originalCode !== undefined && UNREACHABLE_CODES.has(originalCode)) {
    return { kind: 'transient', reason: `SMTP server unreachable (${originalCode}): ${reason}`, systemic: true, unreachable: true };
  }
  if (code !== undefined && CONNECTION_LOSS.has(code)) {
    if (afterData) return { kind: 'ambiguous', reason: `${code} after the message data was sent: ${reason}` };
    return { kind: 'transient', reason: `${code}: ${reason}` };
  }
  if (code !== undefined && SYSTEMIC_CODES.has(code)) {
    return { kind: 'transient', reason: `${code}: ${reason}`, systemic: true };
  }
  // Refused locally (EENVELOPE/EMESSAGE without a reply), aborted, pool closed, unknown: nothing
  // reached the server as a complete message, a retry is safe.
  return { kind: 'transient', reason: code ? `${code}: ${reason}` : reason };
}
