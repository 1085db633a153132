// How a Subscriber is laid out in its Redis hash. Field names are one or two letters, the
// consent record is a positional JSON array and the update time is left out while it equals
// the creation time, so that a typical hash stays under Redis's listpack limits (fields ≤ 64
// bytes each) and costs ~120 bytes instead of ~600.
import type { ConsentEvent, ConsentEventSource, ConsentEventType, ConsentRecord, Subscriber, SubscriberStatus } from './types.ts';
import { SUBSCRIBER_STATUSES } from './types.ts';

export const FIELD = {
  email: 'e',
  name: 'n',
  locale: 'l',
  status: 's',
  /** List ids joined with ','; list ids never contain one (see fields.ts). */
  lists: 'ls',
  /** Lists asked for and not yet confirmed (pending there), joined with ','. */
  requested: 'rq',
  /** Lists the subscriber left (unsubscribed there), joined with ','. */
  left: 'lf',
  consent: 'c',
  createdAt: 'ca',
  updatedAt: 'ua',
} as const;

/**
 * Fields only the store's scripts read and write (not part of a Subscriber): `sa`, when the
 * record last became unsubscribed, bounced or complained (clockMicros in base 36), which a
 * confirmation link must be younger than.
 */
export const SCRIPT_FIELD = { suppressedAt: 'sa' } as const;

/**
 * The wall clock in microseconds, never going back within a process: what orders a
 * confirmation link against a suppression (a link made in the same millisecond as a bounce is
 * still before or after it). 1.8e15 today, well inside a double's exact integers.
 */
export function clockMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * The consent history (its own Redis list per subscriber, deleted with the record) keeps at most
 * this many events: the first, and the latest after it.
 */
export const CONSENT_HISTORY_MAX = 50;

const CONSENT_SOURCES = ['form', 'import', 'api'] as const;

/**
 * Times are stored as milliseconds since the epoch in base 36 (8 characters, `mik7k1ll`)
 * rather than ISO text (24): three of them per subscriber, a million subscribers, 48 MB.
 * Reading accepts both, so records written before still read the same.
 */
export function storedTime(iso: string): string {
  // An import stores the same creation time for every row: parse it once.
  if (iso === lastIso) return lastStored;
  const ms = Date.parse(iso);
  const stored = Number.isFinite(ms) && ms >= 0 ? ms.toString(36) : iso;
  lastIso = iso;
  lastStored = stored;
  return stored;
}
let lastIso = '';
let lastStored = '';

export function readTime(raw: string | undefined): string | undefined {
  if (raw === undefined || !/^[0-9a-z]{1,10}$/.test(raw)) return raw;
  // Records created together share their times (an import): an export reads the same few again and again.
  let iso = readTimes.get(raw);
  if (iso === undefined) {
    const ms = parseInt(raw, 36);
    iso = Number.isFinite(ms) ? new Date(ms).toISOString() : raw;
    if (readTimes.size >= 256) readTimes.clear();
    readTimes.set(raw, iso);
  }
  return iso;
}
const readTimes = new Map<string, string>();

/** The current time as stored. */
export function storedNow(): string {
  return Date.now().toString(36);
}

/**
 * The consent record as a positional JSON array: [at, source, textVersion, ip, userAgent,
 * confirmedAt], trailing absent values left off, the source as one letter. 24 bytes for an
 * import's `["mx7ped2e","i","bench"]` where the keyed object took 47: a million subscribers,
 * 23 MB. JSON keeps any text (a user agent may hold any character) safe to read back.
 */
const SOURCE_CODE: Record<ConsentRecord['source'], string> = { form: 'f', import: 'i', api: 'a' };
const SOURCE_OF: Record<string, ConsentRecord['source']> = { f: 'form', i: 'import', a: 'api' };

export function encodeConsent(consent: ConsentRecord): string {
  // An import gives every row the same (frozen) record: encode it once.
  if (consent === lastConsent) return lastEncoded;
  const encoded = encodeConsentOnce(consent);
  if (Object.isFrozen(consent)) {
    lastConsent = consent;
    lastEncoded = encoded;
  }
  return encoded;
}
let lastConsent: ConsentRecord | null = null;
let lastEncoded = '';

function encodeConsentOnce(consent: ConsentRecord): string {
  const stored: (string | null)[] = [
    storedTime(consent.at),
    SOURCE_CODE[consent.source],
    consent.textVersion,
    consent.ip || null,
    consent.userAgent || null,
    consent.confirmedAt ? storedTime(consent.confirmedAt) : null,
  ];
  while (stored[stored.length - 1] === null) stored.pop();
  return JSON.stringify(stored);
}

/** The keyed object records were written as before the positional form. */
interface KeyedConsent {
  at: string;
  tv: string;
  src: ConsentRecord['source'];
  ip?: string;
  ua?: string;
  cf?: string;
}

/** A ConsentRecord from stored values of either form; undefined when a required one is missing or damaged. */
function consentOf(at: unknown, source: unknown, textVersion: unknown, ip: unknown, userAgent: unknown, confirmedAt: unknown): ConsentRecord | undefined {
  if (typeof at !== 'string' || typeof textVersion !== 'string' || !CONSENT_SOURCES.includes(source as never)) return undefined;
  const consent: ConsentRecord = { at: readTime(at)!, source: source as ConsentRecord['source'], textVersion };
  if (typeof ip === 'string') consent.ip = ip;
  if (typeof userAgent === 'string') consent.userAgent = userAgent;
  if (typeof confirmedAt === 'string') consent.confirmedAt = readTime(confirmedAt)!;
  return consent;
}

/** Reads both forms; undefined for a missing or damaged record. */
export function decodeConsent(raw: string | undefined): ConsentRecord | undefined {
  if (!raw) return undefined;
  try {
    return consentFromValue(JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

function consentFromValue(s: unknown): ConsentRecord | undefined {
  if (Array.isArray(s)) {
    const [at, code, tv, ip, ua, cf] = s as unknown[];
    return consentOf(at, typeof code === 'string' ? SOURCE_OF[code] : undefined, tv, ip, ua, cf);
  }
  if (!s || typeof s !== 'object') return undefined;
  const k = s as Partial<KeyedConsent>;
  return consentOf(k.at, k.src, k.tv, k.ip, k.ua, k.cf);
}

/**
 * A consent event as stored: `[type, consent, listId?, issueId?]` (listId null when only the
 * issue is known), the type one letter, the consent in the
 * positional form of encodeConsent (its source from the wider set of event sources, its text
 * version null when there was none). The store's scripts build some themselves: a record's
 * consent becomes the first event as `["r"|"g", <the stored consent as it is>]`, and a
 * confirmation as `["c", <the request's consent with confirmedAt>, listId]`.
 */
const EVENT_CODE: Record<ConsentEventType, string> = { requested: 'r', confirmed: 'c', granted: 'g', withdrawn: 'w' };
const EVENT_OF: Record<string, ConsentEventType> = { r: 'requested', c: 'confirmed', g: 'granted', w: 'withdrawn' };
const EVENT_SOURCE_CODE: Record<ConsentEventSource, string> = {
  ...SOURCE_CODE,
  console: 'k',
  cli: 'l',
  preferences: 'p',
  'one-click': 'o',
  'unsubscribe-page': 'u',
  mail: 'm',
  complaint: 'x',
  operator: 'op',
};
const EVENT_SOURCE_OF: Record<string, ConsentEventSource> = Object.fromEntries(
  Object.entries(EVENT_SOURCE_CODE).map(([source, code]) => [code, source as ConsentEventSource]),
);

export function encodeConsentEvent(event: ConsentEvent): string {
  const inner: (string | null)[] = [
    storedTime(event.at),
    EVENT_SOURCE_CODE[event.source],
    event.textVersion ?? null,
    event.ip || null,
    event.userAgent ? event.userAgent.slice(0, 512) : null,
    event.confirmedAt ? storedTime(event.confirmedAt) : null,
  ];
  while (inner[inner.length - 1] === null) inner.pop();
  const outer: unknown[] = [EVENT_CODE[event.type], inner];
  if (event.listId || event.issueId) outer.push(event.listId ?? null);
  if (event.issueId) outer.push(event.issueId);
  return JSON.stringify(outer);
}

/** A stored consent event; undefined when damaged. */
export function decodeConsentEvent(raw: string): ConsentEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const [code, inner, listId, issueId] = parsed as unknown[];
  const type = typeof code === 'string' ? EVENT_OF[code] : undefined;
  if (!type) return undefined;
  let fields: { at: unknown; source: unknown; tv: unknown; ip: unknown; ua: unknown; cf: unknown };
  if (Array.isArray(inner)) {
    const [at, src, tv, ip, ua, cf] = inner as unknown[];
    fields = { at, source: typeof src === 'string' ? EVENT_SOURCE_OF[src] : undefined, tv, ip, ua, cf };
  } else if (inner && typeof inner === 'object') {
    const k = inner as Partial<KeyedConsent>;
    fields = { at: k.at, source: k.src, tv: k.tv, ip: k.ip, ua: k.ua, cf: k.cf };
  } else return undefined;
  if (typeof fields.at !== 'string' || typeof fields.source !== 'string') return undefined;
  const event: ConsentEvent = { type, at: readTime(fields.at)!, source: fields.source as ConsentEventSource };
  if (typeof fields.tv === 'string') event.textVersion = fields.tv;
  if (typeof fields.ip === 'string') event.ip = fields.ip;
  if (typeof fields.ua === 'string') event.userAgent = fields.ua;
  if (typeof fields.cf === 'string') event.confirmedAt = readTime(fields.cf)!;
  if (typeof listId === 'string') event.listId = listId;
  if (typeof issueId === 'string') event.issueId = issueId;
  return event;
}

/** The record's consent read as the first event of a history nothing was added to yet (as the scripts seed it). */
export function consentAsEvent(consent: ConsentRecord): ConsentEvent {
  return { type: consent.source === 'form' ? 'requested' : 'granted', ...consent };
}

export function isConsentSource(value: unknown): value is ConsentRecord['source'] {
  return CONSENT_SOURCES.includes(value as never);
}

export function isStatus(value: unknown): value is SubscriberStatus {
  return SUBSCRIBER_STATUSES.includes(value as never);
}

export function splitLists(raw: string | undefined | null): string[] {
  return raw ? raw.split(',').filter(Boolean) : [];
}

/** Field/value pairs for HSET of a new subscriber (absent optional fields are left out). */
export function toHashFields(sub: Omit<Subscriber, 'id'>): string[] {
  const pairs: string[] = [FIELD.email, sub.email, FIELD.status, sub.status, FIELD.lists, sub.lists.join(','), FIELD.createdAt, storedTime(sub.createdAt)];
  // Not stored until it differs: a missing `ua` reads as the creation time (fromHash).
  if (storedTime(sub.updatedAt) !== storedTime(sub.createdAt)) pairs.push(FIELD.updatedAt, storedTime(sub.updatedAt));
  if (sub.name) pairs.push(FIELD.name, sub.name);
  if (sub.locale) pairs.push(FIELD.locale, sub.locale);
  if (sub.consent) pairs.push(FIELD.consent, encodeConsent(sub.consent));
  return pairs;
}

/** Every field of a record, in the order fromFieldValues reads an HMGET of them. */
export const RECORD_FIELDS: readonly string[] = Object.values(FIELD);

/** The subscriber from `HMGET key ...RECORD_FIELDS` (null values: fields not set). */
export function fromFieldValues(id: string, values: ReadonlyArray<string | null>): Subscriber | null {
  const hash: Record<string, string> = {};
  RECORD_FIELDS.forEach((field, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) hash[field] = value;
  });
  return fromHash(id, hash);
}

/** The subscriber stored in `hash` (an HGETALL reply), or null when the hash is empty or damaged. */
export function fromHash(id: string, hash: Record<string, string>): Subscriber | null {
  const email = hash[FIELD.email];
  const status = hash[FIELD.status];
  if (!email || !isStatus(status)) return null;
  const sub: Subscriber = {
    id,
    email,
    status,
    lists: splitLists(hash[FIELD.lists]),
    createdAt: readTime(hash[FIELD.createdAt]) ?? '',
    updatedAt: readTime(hash[FIELD.updatedAt] ?? hash[FIELD.createdAt]) ?? '',
  };
  const requested = splitLists(hash[FIELD.requested]);
  if (requested.length) sub.requested = requested;
  const left = splitLists(hash[FIELD.left]);
  if (left.length) sub.left = left;
  if (hash[FIELD.name]) sub.name = hash[FIELD.name];
  if (hash[FIELD.locale]) sub.locale = hash[FIELD.locale];
  const consent = decodeConsent(hash[FIELD.consent]);
  if (consent) sub.consent = consent;
  return sub;
}
