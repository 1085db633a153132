// Reports and requests that came by mail and were not acted on because nothing in them proved
// whom they are about: a bounce or complaint without our signed VERP return path or signed
// Message-ID (with BOUNCE_ADDRESS set), one that names nobody, an unsubscribe mail whose token
// does not verify. They are kept for the operator to read (`newsletter bounces unmatched`), never
// applied and never counted in an issue's status. This module owns the Redis stream that holds
// them: at most UNMATCHED_MAX_ENTRIES entries, none older than UNMATCHED_RETENTION_DAYS (trimmed
// at every write, filtered at every read; the key expires when nothing arrives for that long).
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

export const UNMATCHED_MAX_ENTRIES = 1000;
export const UNMATCHED_RETENTION_DAYS = 30;
const RETENTION_MS = UNMATCHED_RETENTION_DAYS * 24 * 3600 * 1000;
/** Each field as stored: the mail is anyone's, so what it says is cut short and has no control characters. */
const MAX_FIELD_CHARS = 300;

export interface UnmatchedEntry {
  /** What the mail was: a bounce, a complaint, an unsubscribe request. */
  kind: 'bounce' | 'complaint' | 'unsubscribe';
  /** Why it was not acted on, in words. */
  reason: string;
  /** Where it was read from (a file name, `stdin`). */
  source?: string;
  /** The recipient the report names (not trusted: it is what the mail says). */
  email?: string;
  /** The original's Message-ID the report quotes. */
  messageId?: string;
  /** The address the mail was sent to, a token's MAC left out. */
  address?: string;
  /** A bounce's status code, e.g. 5.1.1. */
  status?: string;
}

export interface UnmatchedRecord extends UnmatchedEntry {
  /** When it was recorded. */
  at: Date;
}

const FIELDS = ['kind', 'reason', 'source', 'email', 'messageId', 'address', 'status'] as const;

function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, MAX_FIELD_CHARS);
}

function minId(now: number): string {
  return `${Math.max(0, now - RETENTION_MS)}-0`;
}

export async function recordUnmatched(redis: Redis, keys: Keys, entry: UnmatchedEntry, now = Date.now()): Promise<void> {
  const fields: string[] = [];
  for (const name of FIELDS) {
    const value = entry[name];
    if (typeof value === 'string' && value !== '') fields.push(name, clean(value));
  }
  const key = keys.unmatchedReports();
  await redis
    .multi()
    .xadd(key, 'MAXLEN', '=', UNMATCHED_MAX_ENTRIES, '*', ...fields)
    .xtrim(key, 'MINID', '=', minId(now))
    .pexpire(key, RETENTION_MS)
    .exec();
}

/** The newest `limit` entries within the retention, newest first. */
export async function recentUnmatched(redis: Redis, keys: Keys, limit = 50, now = Date.now()): Promise<UnmatchedRecord[]> {
  const count = Math.max(1, Math.min(UNMATCHED_MAX_ENTRIES, Math.floor(limit)));
  const entries = await redis.xrevrange(keys.unmatchedReports(), '+', minId(now), 'COUNT', count);
  return entries.map(([id, flat]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
    const kind = record.kind === 'complaint' || record.kind === 'unsubscribe' ? record.kind : 'bounce';
    const out: UnmatchedRecord = { at: new Date(Number(id.split('-')[0])), kind, reason: record.reason ?? '' };
    for (const name of ['source', 'email', 'messageId', 'address', 'status'] as const) if (record[name]) out[name] = record[name];
    return out;
  });
}
