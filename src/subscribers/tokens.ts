// Tokens in links: signed list tokens (unsubscribe, one-click, the footer's link to the
// preferences page, which opens nothing personal with it), signed preferences tokens that expire
// (the preferences page itself, below), and random, single-use confirmation tokens for double opt-in.
//
// List token: `<version>.<subscriberId>.<listId>.<mac>`, where mac is HMAC-SHA256 under the key
// of that version over the three values, truncated to 128 bits, base64url (22 characters).
// Everything in it is URL-safe and also valid in an address local part, and it stays short
// (~45 characters) so `unsubscribe+TOKEN@domain` fits the 64-character local-part limit.
// The id and list are not secret; the mac is what makes the token unforgeable.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { Keys } from '../redis/keys.ts';
import { isListId, isSubscriberId } from './fields.ts';
import { clockMicros } from './subscriber-codec.ts';

export type Secrets = Config['secrets'];
export interface ListTokenClaims {
  subscriberId: string;
  listId: string;
}

/** A confirmation token's claims, with when it was made (clockMicros: µs since the epoch; 0 for a token made before tokens kept it). */
export interface ConfirmationClaims extends ListTokenClaims {
  issuedAt: number;
}

const MAC_BYTES = 16;
const LIST_TOKEN = /^([1-9][0-9]{0,5})\.([1-9][0-9]{0,15})\.([a-z0-9][a-z0-9-]{0,63})\.([A-Za-z0-9_-]{22})$/;

function listMac(key: string, version: number, subscriberId: string, listId: string): string {
  // The purpose label keeps these MACs distinct from anything else signed with the same key.
  return createHmac('sha256', key)
    .update(`newsletter-list-token\n${version}\n${subscriberId}\n${listId}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}

/** Signs with secrets[0], the current key. */
export function signListToken(secrets: Secrets, subscriberId: string, listId: string): string {
  const secret = secrets[0];
  if (!secret) throw new Error('signListToken: no secret configured (SECRET)');
  if (!isSubscriberId(subscriberId)) throw new Error(`signListToken: not a subscriber id: ${JSON.stringify(subscriberId)}`);
  if (!isListId(listId)) throw new Error(`signListToken: not a list id: ${JSON.stringify(listId)}`);
  return `${secret.version}.${subscriberId}.${listId}.${listMac(secret.key, secret.version, subscriberId, listId)}`;
}

/**
 * The subscriber and list a token was signed for, or null when it is malformed, tampered with,
 * or names a key version that is no longer configured.
 */
export function verifyListToken(secrets: Secrets, token: string): ListTokenClaims | null {
  if (typeof token !== 'string' || token.length > 128) return null;
  const match = LIST_TOKEN.exec(token);
  if (!match) return null;
  const [, versionText, subscriberId, listId, given] = match as unknown as [string, string, string, string, string];
  const version = Number(versionText);
  const secret = secrets.find((s) => s.version === version);
  if (!secret) return null;
  // Compare the base64url text, not decoded bytes: base64 decoding ignores the spare low bits
  // of the last character, so decoded comparison would accept altered tokens.
  const expected = Buffer.from(listMac(secret.key, version, subscriberId, listId));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  return { subscriberId, listId };
}

const CONFIRM_TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** SHA-256 of a confirmation token, the only form in which it is stored. */
export function hashConfirmationToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A random 128-bit confirmation token for `subscriberId` joining `listId`. Redis keeps only its
 * hash, expiring after `ttlHours` (fractions allowed; at least one second), with the claims and
 * the time it was made: a link made before the subscriber's last suppression confirms nothing
 * (RedisSubscriberStore.confirmRequest).
 */
export async function createConfirmation(redis: Redis, keys: Keys, claims: ListTokenClaims, ttlHours: number): Promise<string> {
  const token = randomBytes(16).toString('base64url');
  await storeConfirmation(redis, keys, token, claims, ttlHours, 'createConfirmation');
  return token;
}

async function storeConfirmation(redis: Redis, keys: Keys, token: string, claims: ListTokenClaims, ttlHours: number, caller: string): Promise<void> {
  if (!isSubscriberId(claims.subscriberId) || !isListId(claims.listId)) {
    throw new Error(`${caller}: bad subscriber or list id: ${JSON.stringify(claims)}`);
  }
  if (!(ttlHours > 0)) throw new RangeError(`${caller}: ttlHours must be positive, got ${ttlHours}`);
  const seconds = Math.max(1, Math.round(ttlHours * 3600));
  await redis.set(keys.confirmToken(hashConfirmationToken(token)), `${claims.subscriberId}.${claims.listId}.${clockMicros()}`, 'EX', seconds);
}

/**
 * What a confirmation-mail job carries instead of the token: a random nonce and the version of
 * the key the token is derived under. Useless without SECRET, so the queue (and Bull Board, which
 * shows job data to console users, failed jobs for a day) holds nothing that confirms anyone.
 */
export interface ConfirmationSeed {
  nonce: string;
  keyVersion: number;
}

const SEED_NONCE = /^[A-Za-z0-9_-]{22}$/;

/**
 * The confirmation token of `seed`: HMAC-SHA256 under the key of its version over the nonce (its
 * own purpose label), 128 bits in base64url, 22 characters as a random token. Null when the seed
 * is malformed or its key is no longer configured (SECRET rotated and SECRET_PREVIOUS dropped).
 */
export function confirmationTokenOf(secrets: Secrets, seed: Partial<ConfirmationSeed>): string | null {
  const secret = secrets.find((s) => s.version === seed.keyVersion);
  if (!secret || typeof seed.nonce !== 'string' || !SEED_NONCE.test(seed.nonce)) return null;
  return createHmac('sha256', secret.key)
    .update(`newsletter-confirm-token\n${secret.version}\n${seed.nonce}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}

/**
 * A confirmation for `subscriberId` joining `listId` whose token is derived from a fresh seed
 * under secrets[0] (confirmationTokenOf): Redis keeps the token's hash, as createConfirmation does,
 * and the caller keeps only the seed; the worker that mails the link derives the token again.
 */
export async function createSeededConfirmation(
  redis: Redis,
  keys: Keys,
  secrets: Secrets,
  claims: ListTokenClaims,
  ttlHours: number,
): Promise<ConfirmationSeed> {
  const secret = secrets[0];
  if (!secret) throw new Error('createSeededConfirmation: no secret configured (SECRET)');
  const seed = { nonce: randomBytes(16).toString('base64url'), keyVersion: secret.version };
  await storeConfirmation(redis, keys, confirmationTokenOf(secrets, seed)!, claims, ttlHours, 'createSeededConfirmation');
  return seed;
}

/**
 * The claims of a confirmation token, once: GETDEL removes it, so a replay, an expired token and
 * a made-up one all give null.
 */
export async function consumeConfirmation(redis: Redis, keys: Keys, token: string): Promise<ConfirmationClaims | null> {
  if (typeof token !== 'string' || !CONFIRM_TOKEN.test(token)) return null;
  return claimsOf(await redis.getdel(keys.confirmToken(hashConfirmationToken(token))));
}

/** The claims of a confirmation token without using it up (the page that asks for the click). */
export async function peekConfirmation(redis: Redis, keys: Keys, token: string): Promise<ConfirmationClaims | null> {
  if (typeof token !== 'string' || !CONFIRM_TOKEN.test(token)) return null;
  return claimsOf(await redis.get(keys.confirmToken(hashConfirmationToken(token))));
}

/** `id.list.issuedAt`, or `id.list` as tokens made before were stored (issuedAt 0). */
function claimsOf(value: string | null): ConfirmationClaims | null {
  if (!value) return null;
  const [subscriberId, listId, issued, ...rest] = value.split('.');
  if (rest.length || !isSubscriberId(subscriberId) || !isListId(listId)) return null;
  const issuedAt = issued === undefined ? 0 : Number(issued);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) return null;
  return { subscriberId, listId, issuedAt };
}

// Preferences token: what opens the preferences page with the person's settings. Unlike the
// list token in every footer (which never expires, so one-click unsubscribe always works, and
// which anyone a mail was forwarded to holds), it carries when it was made and works for
// PREFERENCES_LINK_DAYS: `p.<version>.<subscriberId>.<listId>.<issued, ms in base 36>.<mac>`,
// the mac an HMAC-SHA256 under that key version with its own purpose label, 128 bits.

/** How long a preferences link works. */
export const PREFERENCES_LINK_DAYS = 7;
const PREFERENCES_LINK_MS = PREFERENCES_LINK_DAYS * 24 * 3600 * 1000;

const PREFERENCES_TOKEN = /^p\.([1-9][0-9]{0,5})\.([1-9][0-9]{0,15})\.([a-z0-9][a-z0-9-]{0,63})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

export interface PreferencesTokenClaims extends ListTokenClaims {
  /** When it was made (ms since the epoch). */
  issuedAt: number;
  /** Older than PREFERENCES_LINK_DAYS (or made in the future): authentic, but opens nothing. */
  expired: boolean;
}

function preferencesMac(key: string, version: number, subscriberId: string, listId: string, issued: string): string {
  return createHmac('sha256', key)
    .update(`newsletter-preferences-token\n${version}\n${subscriberId}\n${listId}\n${issued}`)
    .digest()
    .subarray(0, MAC_BYTES)
    .toString('base64url');
}

/** A preferences token for the subscriber and list, made `issuedAt` (default now), signed with secrets[0]. */
export function signPreferencesToken(secrets: Secrets, subscriberId: string, listId: string, issuedAt = Date.now()): string {
  const secret = secrets[0];
  if (!secret) throw new Error('signPreferencesToken: no secret configured (SECRET)');
  if (!isSubscriberId(subscriberId)) throw new Error(`signPreferencesToken: not a subscriber id: ${JSON.stringify(subscriberId)}`);
  if (!isListId(listId)) throw new Error(`signPreferencesToken: not a list id: ${JSON.stringify(listId)}`);
  const issued = Math.max(0, Math.floor(issuedAt)).toString(36);
  return `p.${secret.version}.${subscriberId}.${listId}.${issued}.${preferencesMac(secret.key, secret.version, subscriberId, listId, issued)}`;
}

/** The claims of an authentic preferences token (`expired` says whether it still opens the page), or null. */
export function verifyPreferencesToken(secrets: Secrets, token: string, now = Date.now()): PreferencesTokenClaims | null {
  if (typeof token !== 'string' || token.length > 160) return null;
  const match = PREFERENCES_TOKEN.exec(token);
  if (!match) return null;
  const [, versionText, subscriberId, listId, issued, given] = match as unknown as [string, string, string, string, string, string];
  const version = Number(versionText);
  const secret = secrets.find((s) => s.version === version);
  if (!secret) return null;
  const expected = Buffer.from(preferencesMac(secret.key, version, subscriberId, listId, issued));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  const issuedAt = parseInt(issued, 36);
  // A clock a minute apart between servers is not "the future".
  const expired = !(issuedAt <= now + 60_000 && now - issuedAt < PREFERENCES_LINK_MS);
  return { subscriberId, listId, issuedAt, expired };
}
