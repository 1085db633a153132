// Amazon SES reports bounces and complaints through Amazon SNS, which POSTs them to a public
// HTTP(S) endpoint. Anyone can POST to that endpoint, so before a body may change a subscriber
// we parse it strictly and check SNS's signature against the certificate SNS names — fetched
// only from an SNS host on amazonaws.com, over HTTPS, never following redirects.
// See https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { z } from 'zod';

export class SnsMessageError extends Error {
  override name = 'SnsMessageError';
}

export interface SnsMessage {
  Type: 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  SubscribeURL?: string;
  Token?: string;
  UnsubscribeURL?: string;
}

/** The largest body SNS can send (a 256 KB message plus a little envelope is refused too). */
export const MAX_SNS_BODY_BYTES = 256 * 1024;
const MAX_CERT_BYTES = 16 * 1024;
const CERT_FETCH_TIMEOUT_MS = 5_000;
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** True only for https://sns.<region>.amazonaws.com[.cn]/… on the default port, without userinfo. */
export function isAwsSnsUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && SNS_HOST.test(u.hostname);
}

const text = (field: string) => z.string({ error: (i) => (i.input === undefined ? `${field} is missing` : `${field} must be a string`) });
const snsUrl = (field: string) => text(field).refine(isAwsSnsUrl, `${field} must be an https:// URL on sns.<region>.amazonaws.com`);

const snsSchema = z
  .object(
    {
      Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'], {
        error: (i) => (i.input === undefined ? 'Type is missing' : 'Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation'),
      }),
      MessageId: text('MessageId').min(1, 'MessageId is empty'),
      TopicArn: text('TopicArn').min(1, 'TopicArn is empty'),
      Message: text('Message'),
      Timestamp: text('Timestamp').pipe(z.iso.datetime('Timestamp must be an ISO 8601 UTC time such as 2012-04-26T20:45:04.751Z')),
      SignatureVersion: z.enum(['1', '2'], { error: (i) => (i.input === undefined ? 'SignatureVersion is missing' : 'SignatureVersion must be "1" or "2"') }),
      Signature: text('Signature'),
      SigningCertURL: snsUrl('SigningCertURL'),
      Subject: text('Subject').optional(),
      SubscribeURL: snsUrl('SubscribeURL').optional(),
      Token: text('Token').optional(),
      UnsubscribeURL: text('UnsubscribeURL').optional(),
    },
    { error: 'the body must be a JSON object' },
  )
  .superRefine((m, ctx) => {
    if (m.Type === 'Notification') return;
    for (const key of ['SubscribeURL', 'Token'] as const) {
      if (m[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is missing (needed for a ${m.Type})` });
    }
  });

/** Parses a POSTed SNS body (the raw text, a Buffer, or already-parsed JSON); throws SnsMessageError. */
export function parseSnsBody(body: unknown): SnsMessage {
  let value = body;
  if (body instanceof Uint8Array) value = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (typeof value === 'string') {
    if (Buffer.byteLength(value, 'utf8') > MAX_SNS_BODY_BYTES)
      throw new SnsMessageError(`SNS message: the body is larger than ${MAX_SNS_BODY_BYTES / 1024} KB`);
    try {
      value = JSON.parse(value);
    } catch {
      throw new SnsMessageError('SNS message: the body is not valid JSON');
    }
  } else if (typeof value === 'object' && value !== null) {
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
    } catch {
      throw new SnsMessageError('SNS message: the body cannot be represented as JSON');
    }
    if (size > MAX_SNS_BODY_BYTES) throw new SnsMessageError(`SNS message: the body is larger than ${MAX_SNS_BODY_BYTES / 1024} KB`);
  }
  const result = snsSchema.safeParse(value);
  if (!result.success) throw new SnsMessageError(`SNS message: ${result.error.issues[0]?.message ?? 'malformed'}`);
  return result.data;
}

/**
 * SNS stops retrying a delivery after an hour at most (its hard limit for HTTP/S endpoints), and
 * a retry keeps the original Timestamp: a signed message older than that (with a little clock
 * skew) is a replay, not a delivery.
 */
export const SNS_MAX_AGE_MS = 60 * 60 * 1000;
export const SNS_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Why a message's Timestamp is not believable now (dated more than SNS_MAX_AGE_MS + skew ago, or
 * more than the skew ahead), or null when it is fresh. The signature covers the Timestamp, so once
 * verified it is the time SNS published the message.
 */
export function snsStaleness(m: Pick<SnsMessage, 'Timestamp'>, now = Date.now()): string | null {
  const at = Date.parse(m.Timestamp);
  if (Number.isNaN(at)) return `SNS message: Timestamp ${JSON.stringify(m.Timestamp.slice(0, 40))} is not a time`;
  const age = now - at;
  if (age > SNS_MAX_AGE_MS + SNS_CLOCK_SKEW_MS)
    return `SNS message: dated ${m.Timestamp}, ${Math.round(age / 60_000)} minutes ago; older than SNS ever retries (an hour), so it is refused as a replay`;
  if (age < -SNS_CLOCK_SKEW_MS)
    return `SNS message: dated ${m.Timestamp}, ${Math.round(-age / 60_000)} minutes in the future; refused (more than ${SNS_CLOCK_SKEW_MS / 60_000} minutes of clock skew)`;
  return null;
}

/** The canonical text SNS signs: selected `key\nvalue\n` pairs in byte order of the key. */
export function snsStringToSign(m: SnsMessage): string {
  const keys =
    m.Type === 'Notification'
      ? (['Message', 'MessageId', ...(m.Subject !== undefined ? (['Subject'] as const) : []), 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  return keys.map((k) => `${k}\n${m[k] ?? ''}\n`).join('');
}

/**
 * GETs an SNS URL (a signing certificate, a SubscribeURL): 5 s timeout, no redirects, and no
 * more than `maxBytes` read, whatever the server sends. Past that it throws, or with
 * `truncate` (where only the answer's status matters) stops reading and returns what it has.
 */
export async function fetchSnsUrl(url: string, maxBytes: number, opts: { truncate?: boolean } = {}): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(CERT_FETCH_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (!opts.truncate && Number(res.headers.get('content-length') ?? 0) > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size > maxBytes) {
      if (!opts.truncate) throw new Error(`larger than ${maxBytes} bytes`);
      break; // leaving the loop cancels the rest of the body
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxBytes);
}

const fetchCertificatePem = (url: string) => fetchSnsUrl(url, MAX_CERT_BYTES);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class SnsVerifier {
  readonly #fetchCertificate: (url: string) => Promise<string>;
  readonly #maxCached: number;
  readonly #certificates = new Map<string, Promise<X509Certificate>>();

  constructor(opts: { fetchCertificate?: (url: string) => Promise<string>; maxCached?: number } = {}) {
    this.#fetchCertificate = opts.fetchCertificate ?? fetchCertificatePem;
    this.#maxCached = Math.max(1, opts.maxCached ?? 20);
  }

  /** Resolves if SNS signed the message; throws SnsMessageError otherwise. */
  async verify(m: SnsMessage): Promise<void> {
    if (!isAwsSnsUrl(m.SigningCertURL)) throw new SnsMessageError('SNS message: SigningCertURL must be an https:// URL on sns.<region>.amazonaws.com');
    if (m.SignatureVersion !== '1' && m.SignatureVersion !== '2') throw new SnsMessageError('SNS message: SignatureVersion must be "1" or "2"');
    if (m.Signature === '' || !BASE64.test(m.Signature)) throw new SnsMessageError('SNS message: Signature is not base64');
    const cert = await this.#certificate(m.SigningCertURL);
    const now = Date.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
      throw new SnsMessageError(`SNS message: the signing certificate at ${m.SigningCertURL} is not valid now (valid ${cert.validFrom} to ${cert.validTo})`);
    }
    if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new SnsMessageError(`SNS message: the signing certificate at ${m.SigningCertURL} has no RSA key`);
    let ok: boolean;
    try {
      ok = verifySignature(
        m.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256',
        Buffer.from(snsStringToSign(m), 'utf8'),
        cert.publicKey,
        Buffer.from(m.Signature, 'base64'),
      );
    } catch {
      ok = false;
    }
    if (!ok) throw new SnsMessageError(`SNS message: the signature does not match (MessageId ${JSON.stringify(m.MessageId.slice(0, 100))})`);
  }

  #certificate(url: string): Promise<X509Certificate> {
    const cached = this.#certificates.get(url);
    if (cached !== undefined) {
      this.#certificates.delete(url); // re-insert: the Map's order is least recently used first
      this.#certificates.set(url, cached);
      return cached;
    }
    const pending = this.#load(url);
    this.#certificates.set(url, pending);
    pending.catch(() => {
      if (this.#certificates.get(url) === pending) this.#certificates.delete(url);
    });
    while (this.#certificates.size > this.#maxCached) {
      const oldest = this.#certificates.keys().next().value;
      if (oldest === undefined) break;
      this.#certificates.delete(oldest);
    }
    return pending;
  }

  async #load(url: string): Promise<X509Certificate> {
    let pem: string;
    try {
      pem = await this.#fetchCertificate(url);
    } catch (err) {
      throw new SnsMessageError(`SNS message: cannot fetch the signing certificate at ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      return new X509Certificate(pem);
    } catch {
      throw new SnsMessageError(`SNS message: the signing certificate at ${url} is not a PEM X.509 certificate`);
    }
  }
}
