// VERP (variable envelope return path): each newsletter message's MAIL FROM is
// `bounces+SUBSCRIBER.ISSUE.MAC@domain` for a BOUNCE_ADDRESS of `bounces@domain`, so a bounce
// mailed back to it (a DSN, RFC 3464) names the subscriber and the issue exactly, however little
// of the original the bouncing server quotes. The MAC (HMAC-SHA256 under SECRET, 72 bits)
// keeps anyone from forging bounces that would suppress other people's addresses.
// The local part must stay within 64 characters (RFC 5321 4.5.3.1.1): when a long issue id would
// not fit, the token carries the subscriber alone (the quoted Message-ID still names the issue).
import { createHmac, timingSafeEqual } from 'node:crypto';

type Secrets = ReadonlyArray<{ version: number; key: string }>;

const MAX_LOCAL_PART = 64;
const MAC_CHARS = 12;
const TOKEN = /^([1-9][0-9]{0,15})(?:\.([a-z0-9][a-z0-9-]{0,99}))?\.([A-Za-z0-9_-]{12})$/;

function mac(key: string, subscriberId: string, issueId: string): string {
  return createHmac('sha256', key).update(`newsletter-verp\n${subscriberId}\n${issueId}`).digest('base64url').slice(0, MAC_CHARS);
}

function split(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  return at > 0 ? { local: address.slice(0, at), domain: address.slice(at + 1) } : null;
}

/** `bounces+7.pretrain-weekly-064.AbCdEfGhIjKl@example.com` for bounceAddress `bounces@example.com`. */
export function verpAddress(bounceAddress: string, secrets: Secrets, subscriberId: string, issueId: string): string {
  const parts = split(bounceAddress);
  const key = secrets[0]?.key;
  if (!parts || !key) throw new Error('verpAddress: needs a bounce address and a secret');
  const full = `${parts.local}+${subscriberId}.${issueId}.${mac(key, subscriberId, issueId)}`;
  const local = full.length <= MAX_LOCAL_PART ? full : `${parts.local}+${subscriberId}.${mac(key, subscriberId, '')}`;
  return `${local}@${parts.domain}`;
}

/**
 * The subscriber (and issue, when it fits) a VERP address was made for, or null when the
 * address is not one of ours: another local part, no token, or a MAC no configured secret made.
 */
export function readVerpAddress(bounceAddress: string, secrets: Secrets, address: string): { subscriberId: string; issueId?: string } | null {
  const ours = split(bounceAddress);
  const given = split(address.trim().replace(/^<|>$/g, ''));
  if (!ours || !given || given.domain.toLowerCase() !== ours.domain.toLowerCase()) return null;
  const prefix = `${ours.local}+`;
  if (given.local.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
  const match = TOKEN.exec(given.local.slice(prefix.length));
  if (!match) return null;
  const [, subscriberId, issueId = '', given_mac] = match as unknown as [string, string, string | undefined, string];
  const actual = Buffer.from(given_mac);
  for (const secret of secrets) {
    const expected = Buffer.from(mac(secret.key, subscriberId, issueId));
    if (timingSafeEqual(actual, expected)) return issueId ? { subscriberId, issueId } : { subscriberId };
  }
  return null;
}
