// The mail interface owned by its users (deliver worker, transactional worker).

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
  | { kind: 'transient'; code?: number; reason: string }
  | { kind: 'permanent'; code: number; reason: string }
  | { kind: 'ambiguous'; reason: string };

export interface Envelope {
  from: string;
  to: string;
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
  /** Sends an already-built RFC 5322 message (the per-issue fast path: MIME built once, spliced). */
  sendRaw(envelope: Envelope, raw: string | Buffer): Promise<DeliveryOutcome>;
  close(): Promise<void>;
}
