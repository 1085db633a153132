// The token a tracked link carries for one message: `PUBLIC_URL/r/<campaign>/<link>/<token>`,
// the same token in every link of that message (spliced once per message at send time).
//
// It holds no subscriber id and no address. What it holds:
//   reader  9 bytes  HMAC(SECRET, campaign, subscriber id): the same for one reader's clicks in
//                    one issue (so unique clicks can be counted), a different value in every
//                    other issue (so nobody can follow a reader from issue to issue), and
//                    useless without SECRET to learn who it is
//   sentAt  4 bytes  when the message was sent, in seconds: a click soon after it is a scanner's
//   mac     8 bytes  HMAC(SECRET, version, campaign, reader, sentAt): a forged or altered token
//                    is not counted (the link still redirects: see click-redirect route)
// base64url, 28 characters, after the key version and a dot.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { PrefixedHmac } from './prefixed-hmac.ts';

type Secrets = ReadonlyArray<{ version: number; key: string }>;

const READER_BYTES = 9;
const MAC_BYTES = 8;
const BODY_BYTES = READER_BYTES + 4;
/** Longest subscriber id the fast signer takes in place (ids are decimal numbers). */
const ID_BYTES = 64;
// The key version is keyVersion(SECRET) (src/config): 1 to 999,999.
const TOKEN = /^(\d{1,6})\.([A-Za-z0-9_-]{28})$/;

export interface ClickClaims {
  /** The reader's key in this issue, as hex: what unique counts are made of. */
  reader: string;
  /** When the message was sent (ms since the epoch, to the second). */
  sentAt: number;
}

function readerKey(key: string, campaignId: string, subscriberId: string): Buffer {
  return createHmac('sha256', key).update(`newsletter-click-reader\n${campaignId}\n${subscriberId}`).digest().subarray(0, READER_BYTES);
}

function mac(key: string, version: number, campaignId: string, body: Buffer): Buffer {
  return createHmac('sha256', key).update(`newsletter-click\n${version}\n${campaignId}\n`).update(body).digest().subarray(0, MAC_BYTES);
}

/** The token for `subscriberId`'s message of `campaignId`, sent at `sentAt` (ms). Signs with secrets[0]. */
export function signClickToken(secrets: Secrets, campaignId: string, subscriberId: string, sentAt: number): string {
  const secret = secrets[0];
  if (!secret) throw new Error('signClickToken: no secret configured (SECRET)');
  const body = Buffer.alloc(BODY_BYTES);
  readerKey(secret.key, campaignId, subscriberId).copy(body, 0);
  body.writeUInt32BE(Math.max(0, Math.floor(sentAt / 1000)) >>> 0, READER_BYTES);
  return `${secret.version}.${Buffer.concat([body, mac(secret.key, secret.version, campaignId, body)]).toString('base64url')}`;
}

/** What a token proves for `campaignId`, or null when it is malformed, altered, for another issue, or signed with a key no longer configured. */
export function verifyClickToken(secrets: Secrets, campaignId: string, token: string): ClickClaims | null {
  if (typeof token !== 'string' || token.length > 40) return null;
  const match = TOKEN.exec(token);
  if (!match) return null;
  const version = Number(match[1]);
  const secret = secrets.find((s) => s.version === version);
  if (!secret) return null;
  const bytes = Buffer.from(match[2]!, 'base64url');
  // base64url decoding ignores spare bits of the last character: re-encode to compare exactly.
  if (bytes.length !== BODY_BYTES + MAC_BYTES || bytes.toString('base64url') !== match[2]) return null;
  const body = bytes.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(bytes.subarray(BODY_BYTES), mac(secret.key, version, campaignId, body))) return null;
  return { reader: body.subarray(0, READER_BYTES).toString('hex'), sentAt: body.readUInt32BE(READER_BYTES) * 1000 };
}

/**
 * signClickToken bound to one campaign: what a deliver worker calls once per message. The same
 * tokens, made in about a microsecond: the HMACs' key pads and fixed prefixes are hashed once
 * here (prefixed-hmac.ts) instead of once per message by node:crypto.
 */
export function clickTokenSigner(secrets: Secrets, campaignId: string): (subscriberId: string, sentAt: number) => string {
  const secret = secrets[0];
  if (!secret) throw new Error('clickTokenSigner: no secret configured (SECRET)');
  const key = Buffer.from(secret.key, 'utf8');
  const reader = new PrefixedHmac(key, Buffer.from(`newsletter-click-reader\n${campaignId}\n`, 'utf8'), ID_BYTES);
  const mac = new PrefixedHmac(key, Buffer.from(`newsletter-click\n${secret.version}\n${campaignId}\n`, 'utf8'), BODY_BYTES);
  const head = `${secret.version}.`;
  const id = new Uint8Array(ID_BYTES);
  const token = Buffer.alloc(BODY_BYTES + MAC_BYTES);
  return (subscriberId, sentAt) => {
    // Subscriber ids are ASCII digits; anything else takes the general path.
    if (subscriberId.length > ID_BYTES) return signClickToken(secrets, campaignId, subscriberId, sentAt);
    for (let i = 0; i < subscriberId.length; i++) {
      const c = subscriberId.charCodeAt(i);
      if (c > 0x7f) return signClickToken(secrets, campaignId, subscriberId, sentAt);
      id[i] = c;
    }
    const r = reader.compute(id, subscriberId.length);
    for (let i = 0; i < READER_BYTES; i++) token[i] = r[i]!;
    token.writeUInt32BE(Math.max(0, Math.floor(sentAt / 1000)) >>> 0, READER_BYTES);
    const m = mac.compute(token, BODY_BYTES);
    for (let i = 0; i < MAC_BYTES; i++) token[BODY_BYTES + i] = m[i]!;
    return head + token.toString('base64url');
  };
}
