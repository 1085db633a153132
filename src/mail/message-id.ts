// Our newsletter Message-IDs, `<ISSUE.SUBSCRIBER.TAG@domain>`, and the MAC that makes them
// evidence. TAG is 36 hex digits: 16 of a SHA-256 of issue, subscriber and content (the same
// recipient and content always give the same id, so a message re-sent after a lost reply keeps
// its id), then 20 (80 bits) of an HMAC-SHA256 under SECRET over issue, subscriber and those 16.
// A bounce or complaint that quotes such an id names its subscriber and issue as exactly as a
// VERP return path does (mail/verp.ts); a made-up or edited id, or one of the unsigned
// 16-digit ids sent before this format, does not verify.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

type Secrets = ReadonlyArray<{ version: number; key: string }>;

const HASH_CHARS = 16;
const MAC_CHARS = 20;
const MESSAGE_ID = /^<?([a-z0-9][a-z0-9-]{0,99})\.([1-9][0-9]{0,19})\.([0-9a-f]{16}|[0-9a-f]{36})@[^<>@\s]+>?$/;

function mac(key: string, issueId: string, subscriberId: string, hash: string): string {
  // The purpose label keeps these MACs apart from anything else signed with the same key.
  return createHmac('sha256', key).update(`newsletter-message-id\n${issueId}\n${subscriberId}\n${hash}`).digest('hex').slice(0, MAC_CHARS);
}

/**
 * The TAG of a Message-ID: the content hash and, with a secret (the first, current one), its MAC.
 * Without secrets it is the 16-digit hash alone, which identifies but proves nothing.
 */
export function messageIdTag(issueId: string, subscriberId: string, contentHash: string, secrets?: Secrets): string {
  const hash = createHash('sha256').update(`${issueId}\n${subscriberId}\n${contentHash}`).digest('hex').slice(0, HASH_CHARS);
  const key = secrets?.[0]?.key;
  return key ? `${hash}${mac(key, issueId, subscriberId, hash)}` : hash;
}

/**
 * The issue and subscriber a Message-ID of our shape names, signed or not: for what only
 * identifies (which issue an authenticated webhook's report is about), never to decide whom a
 * report may act on. Undefined when it is not of our shape.
 */
export function partsOfOurMessageId(messageId: string | undefined): { issueId: string; subscriberId: string; signed: boolean } | undefined {
  const match = MESSAGE_ID.exec(messageId?.trim() ?? '');
  if (!match) return undefined;
  return { issueId: match[1]!, subscriberId: match[2]!, signed: match[3]!.length === HASH_CHARS + MAC_CHARS };
}

/**
 * The issue and subscriber of a Message-ID that carries a MAC one of `secrets` made (compared in
 * constant time), or null: not ours, an unsigned id of the old format, or a MAC nobody of ours made.
 */
export function verifyMessageId(secrets: Secrets, messageId: string | undefined): { issueId: string; subscriberId: string } | null {
  const match = MESSAGE_ID.exec(messageId?.trim() ?? '');
  if (!match || match[3]!.length !== HASH_CHARS + MAC_CHARS) return null;
  const [, issueId, subscriberId, tag] = match as unknown as [string, string, string, string];
  const given = Buffer.from(tag.slice(HASH_CHARS));
  let ok = false;
  // Every secret is tried, whichever matches, so the time taken does not say which one did.
  for (const secret of secrets) ok = timingSafeEqual(given, Buffer.from(mac(secret.key, issueId, subscriberId, tag.slice(0, HASH_CHARS)))) || ok;
  return ok ? { issueId, subscriberId } : null;
}
