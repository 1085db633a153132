// The links a team member gets by mail: an invitation (set your password, 72 hours) and a
// password reset (1 hour). A link is `<key version>.<user id>.<expiry>.<mac>`, the mac an HMAC
// under SECRET over those and a nonce kept in the user's record; taking the link deletes the
// nonce, so each link works once, and a newer link (or a new password) voids the older ones.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/index.ts';

export type LinkPurpose = 'invite' | 'reset';

export const LINK_TTL_SECONDS: Readonly<Record<LinkPurpose, number>> = { invite: 72 * 3600, reset: 3600 };

export interface LinkClaims {
  userId: string;
  expires: number;
}

const LINK = /^([1-9][0-9]{0,5})\.([A-Za-z0-9_-]{12})\.([0-9]{10,12})\.([A-Za-z0-9_-]{22})$/;

function mac(key: string, purpose: LinkPurpose, version: number, userId: string, expires: number, nonce: string): string {
  return createHmac('sha256', key)
    .update(`newsletter-team-${purpose}\n${version}\n${userId}\n${expires}\n${nonce}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function newLinkNonce(): string {
  return randomBytes(16).toString('base64url');
}

export function signMemberLink(secrets: Config['secrets'], purpose: LinkPurpose, userId: string, expires: number, nonce: string): string {
  const secret = secrets[0];
  if (!secret) throw new Error('signMemberLink: no secret configured (SECRET)');
  return `${secret.version}.${userId}.${expires}.${mac(secret.key, purpose, secret.version, userId, expires, nonce)}`;
}

/** The claims a link's text carries, before its mac is checked (it needs the user's nonce). */
export function readMemberLink(token: string): (LinkClaims & { version: number; mac: string }) | null {
  const match = typeof token === 'string' ? LINK.exec(token) : null;
  if (!match) return null;
  return { version: Number(match[1]), userId: match[2]!, expires: Number(match[3]), mac: match[4]! };
}

/** Whether `token` was signed for `purpose` with this nonce and has not expired. */
export function memberLinkValid(secrets: Config['secrets'], purpose: LinkPurpose, token: string, nonce: string, nowSeconds: number): boolean {
  const claims = readMemberLink(token);
  if (!claims || claims.expires < nowSeconds) return false;
  const secret = secrets.find((s) => s.version === claims.version);
  if (!secret) return false;
  const expected = Buffer.from(mac(secret.key, purpose, claims.version, claims.userId, claims.expires, nonce));
  const given = Buffer.from(claims.mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function memberLinkUrl(publicUrl: string, purpose: LinkPurpose, token: string): string {
  return `${publicUrl}/admin/${purpose === 'invite' ? 'invite' : 'reset'}/${token}`;
}
