// The mail interface owned by its users (deliver worker, transactional worker).
import type { RenderedIssue, TrackedLinks } from '../render/types.ts';

/** What mail needs of a published issue (the campaign module's PublishedIssue has it). */
export interface MailableIssue {
  issueId: string;
  /** Display name of the newsletter: the List-Id phrase. */
  newsletterName: string;
  listId: string;
  subject: string;
  contentHash: string;
  rendered: RenderedIssue;
  /** The links tracked at publish of a list send: sent instead of `rendered.splice`, with the message's click token. */
  clicks?: TrackedLinks;
}

export interface OutgoingMessage {
  /** Full From header value, e.g. `"预训练周刊" <weekly@example.com>`. */
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Deterministic `<issue.subscriber.hash@domain>` so logs can be matched. */
  messageId: string;
  /** Newsletter mail only: RFC 2369/8058 list headers. */
  list?: { unsubscribeUrl: string; unsubscribeMailto: string; id: string; name: string };
}

/** What an SMTP attempt came to; classify once where errors enter (see classify-smtp-error). */
export type DeliveryOutcome =
  | { kind: 'sent'; response: string }
  /**
   * `systemic` (added by mail): the failure is not about this recipient but hits every message
   * (authentication, TLS, greeting, sender refused): retrying one message will not help, pausing may.
   * `unreachable`: systemic because the server is not there (connection refused, no route); it
   * goes away by itself when the server is back.
   */
  | { kind: 'transient'; code?: number; reason: string; systemic?: boolean; unreachable?: boolean }
  | { kind: 'permanent'; code: number; reason: string }
  | { kind: 'ambiguous'; reason: string }
  /** beforeFinalDot said no: the connection was closed before the final dot, nothing was delivered. */
  | { kind: 'withdrawn'; reason: string };

export interface Envelope {
  from: string;
  to: string;
}

/** Moments of one SMTP transaction its caller may act on. */
export interface SendHooks {
  /**
   * Awaited once the message data is going out and before the final dot is written: until it
   * resolves the server cannot accept the message, so a crash before then cannot cause a
   * duplicate. `false` (or an error) withdraws the message: the connection closes without the
   * dot and the outcome is `withdrawn`. The deliver worker records "data sent" in the ledger here.
   */
  beforeFinalDot?(): Promise<boolean>;
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
  /**
   * Sends an already-built RFC 5322 message (the per-issue fast path: MIME built once, spliced).
   * A Buffer must end every line with CRLF, as prepareIssueMime's output does: it goes to the
   * wire with only its line-leading dots doubled. A string is brought to CRLF first.
   */
  sendRaw(envelope: Envelope, raw: string | Buffer, hooks?: SendHooks): Promise<DeliveryOutcome>;
  /** Opens a connection and greets (and logs in): true when the server answers. Never throws. */
  verify(): Promise<boolean>;
  close(): Promise<void>;
}

// ── Added by the mail module (additive; the shapes above are the shared contract) ──

export type TransferEncoding = 'base64' | 'quoted-printable';

/** One recipient of a newsletter issue, as the per-issue fast path and buildNewsletterMessage take it. */
export interface MimeRecipient {
  subscriberId: string;
  /** Already normalised (src/subscribers normaliseEmail); still checked before it reaches a header. */
  email: string;
  name?: string;
  /** URL-safe signed list token (src/subscribers signListToken). */
  unsubscribeToken: string;
}

/** A complete RFC 5322 message for one recipient, ready for Mailer.sendRaw. */
export interface BuiltMessage {
  envelope: Envelope;
  raw: Buffer;
  /** With angle brackets, as in the header: `<issue.subscriber.hash@domain>`. */
  messageId: string;
}

/** An issue's MIME built once (headers, boundaries, encoded static body); `build` splices one recipient in. */
export interface PreparedIssueMime {
  issueId: string;
  encodings: { text: TransferEncoding; html: TransferEncoding };
  /** Throws HeaderValueError when a recipient value could break a header; never does I/O. */
  /**
   * `into`, when given, supplies the memory for the message's bytes (a MessageBuffers lease):
   * called once with the exact length; `raw` is then the buffer it returned.
   */
  build(recipient: MimeRecipient, now?: Date, into?: (length: number) => Buffer): BuiltMessage;
}
