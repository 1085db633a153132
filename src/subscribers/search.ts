// Subscriber search: case-blind prefix search of the address's local part, of its domain or of
// the name, combined with a list and a status filter, a page at a time, and how many match.
//
// How a search reads (search-index.ts has the indexes):
// - with text, the index range of the prefix, in the index's order (address, domain then local
//   part, name), merged over the partitions in Redis's byte order; 'auto' without '@' reads the
//   local-part range, then the name range leaving out those the first already gave; 'ali@exam'
//   reads the smaller of the two ranges (local 'ali', domain 'exam') and tests the other half on
//   the member itself, no record read;
// - with a list filter whose list is smaller than the text's range (or no text at all), the
//   list's (or everyone's) bitmap in id order instead, testing the text on each record;
// - list and status filters are tested on the records read for the page (`lists` holds the list,
//   `status` is the record's). A page examines at most PAGE_SCAN_BUDGET candidates: a filter that
//   matches few gives a short page (even an empty one) with a cursor to go on; `next: null` is
//   the only end.
// The cursor names the stretch and the last member (or id) passed: pages stay in order and
// never repeat while subscribers come and go (a new one before the cursor is not shown).
//
// Counts are exact where Redis holds the answer: ZLEXCOUNT for a prefix alone, the status
// counters, BITCOUNT of a list's bitmaps, a list's counters for bounced and complained. Otherwise
// the first COUNT_CAP candidates are tested and `countIsExact` is false: the count is a lower bound.
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import type { Partitions } from '../redis/partitions.ts';
import { isSubscriberId, requireListId, SubscriberInputError } from './fields.ts';
import {
  compareMembers,
  decodeCursor,
  encodeCursor,
  foldAddress,
  foldName,
  idOfMember,
  memberPasses,
  planSearch,
  prefixRange,
  SEARCH_KINDS,
  type SearchCursor,
  type SearchIndex,
  type SearchKind,
  type SearchStretch,
} from './search-index.ts';
import { FIELD, isStatus, splitLists } from './subscriber-codec.ts';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberStatus } from './types.ts';

export type { SearchKind } from './search-index.ts';

export interface SearchQuery {
  /** Searched for, case-blind, as a prefix; '' (or only spaces): no text, every subscriber of the filters. */
  text: string;
  /**
   * 'local': the address from its start (local part first); 'domain': the domain (a leading '@'
   * is dropped); 'name': the name; 'auto' (default): text with '@' is `local@domain` (either half
   * may be left out: '@exam' is a domain, 'ali@' a local part), other text a local part or a name.
   */
  kind?: SearchKind;
  /** Only members of this list (any status unless `status` says). */
  listId?: string | null;
  /** Only subscribers whose status is this. */
  status?: SubscriberStatus | null;
  /** `next` of the previous page of the same query. */
  cursor?: string | null;
  /** At most this many subscribers (1 to MAX_SEARCH_LIMIT). */
  limit: number;
}

export interface SearchResult {
  subscribers: Subscriber[];
  /** Pass back as `cursor` for the next page; null when there is nothing more. */
  next: string | null;
  /** Subscribers matching the query (text and filters) in all: exact, or a lower bound when countIsExact is false. */
  count: number;
  countIsExact: boolean;
}

/** What a search needs of the store. */
export interface SearchContext {
  redis: Redis;
  partitions: Partitions;
  getMany(ids: string[]): Promise<(Subscriber | null)[]>;
  /** Ids after `cursor` whose bit is set in `keyOf`'s bitmap, over every partition in id order. */
  pageIds(keyOf: (k: Keys) => string, cursor: string | null, limit: number): Promise<string[]>;
}

export const MAX_SEARCH_LIMIT = 1000;
/** Candidates a count tests at most before it answers a lower bound. */
export const COUNT_CAP = 10_000;
/** Candidates one page tests at most: a filter that matches few returns a short page and a cursor. */
export const PAGE_SCAN_BUDGET = 10_000;
const MAX_TEXT = 320;

interface Query {
  text: string;
  kind: SearchKind;
  listId: string | null;
  status: SubscriberStatus | null;
}

/** The fields a filter or a text test reads (a Subscriber has them all). */
interface Tested {
  email: string;
  name?: string;
  status: SubscriberStatus;
  lists: string[];
}

/** How a query is read: index ranges, or a bitmap's ids with the text tested on the records. */
type Strategy = { mode: 'index'; stretches: SearchStretch[] } | { mode: 'ids'; stretches: SearchStretch[] };

function checkQuery(q: Omit<SearchQuery, 'cursor' | 'limit'>): Query {
  if (typeof q.text !== 'string') throw new SubscriberInputError('search text must be a string');
  const kind = q.kind ?? 'auto';
  if (!SEARCH_KINDS.includes(kind))
    throw new SubscriberInputError(`not a search kind: ${JSON.stringify(String(kind).slice(0, 20))} (expected ${SEARCH_KINDS.join(', ')})`);
  const status = q.status ?? null;
  if (status !== null && !isStatus(status))
    throw new SubscriberInputError(`not a subscriber status: ${JSON.stringify(String(status).slice(0, 20))} (expected ${SUBSCRIBER_STATUSES.join(', ')})`);
  const listId = q.listId === undefined || q.listId === null ? null : requireListId(q.listId);
  return { text: q.text.slice(0, MAX_TEXT), kind, listId, status };
}

function indexKey(k: Keys, index: SearchIndex): string {
  return index === 'local' ? k.searchLocal() : index === 'domain' ? k.searchDomain() : k.searchName();
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Members of the stretch's range over every partition, in byte order, after `after`, at most `limit`. */
async function rangeMerged(ctx: SearchContext, stretch: SearchStretch, after: string | null, limit: number): Promise<string[]> {
  const { min, max } = prefixRange(stretch.prefix, after);
  const pages = await Promise.all(ctx.partitions.keys.map((k) => ctx.redis.zrangebylex(indexKey(k, stretch.index), min, max, 'LIMIT', 0, limit)));
  if (pages.length === 1) return pages[0]!;
  // Each partition gave its first `limit`: the first `limit` of them all are among those.
  return pages.flat().sort(compareMembers).slice(0, limit);
}

/** Members in the stretch's range over every partition (ZLEXCOUNT). */
async function rangeSize(ctx: SearchContext, stretch: SearchStretch): Promise<number> {
  const { min, max } = prefixRange(stretch.prefix, null);
  return sum(await Promise.all(ctx.partitions.keys.map((k) => ctx.redis.zlexcount(indexKey(k, stretch.index), min, max))));
}

async function bitCount(ctx: SearchContext, keyOf: (k: Keys) => string): Promise<number> {
  return sum(await Promise.all(ctx.partitions.keys.map((k) => ctx.redis.bitcount(keyOf(k)))));
}

async function counter(ctx: SearchContext, keyOf: (k: Keys) => string, field: string): Promise<number> {
  return sum((await Promise.all(ctx.partitions.keys.map((k) => ctx.redis.hget(keyOf(k), field)))).map((v) => Math.max(0, Number(v ?? 0))));
}

/** The bitmap a search without index reads: the list's members (its active ones for status active), or everyone. */
function bitmapOf(q: Query): (k: Keys) => string {
  const listId = q.listId;
  if (listId === null) return (k) => k.allSubscribers();
  return q.status === 'active' ? (k) => k.listActive(listId) : (k) => k.listAll(listId);
}

function passesFilters(s: Tested, q: Query): boolean {
  return (q.listId === null || s.lists.includes(q.listId)) && (q.status === null || s.status === q.status);
}

/** The text test on a record (a search reading a bitmap): any stretch of the plan matches. */
function recordMatchesText(s: Tested, stretches: SearchStretch[]): boolean {
  if (stretches.length === 0) return true;
  const mailbox = foldAddress(s.email);
  const at = mailbox.lastIndexOf('@');
  const local = mailbox.slice(0, at);
  const domain = mailbox.slice(at + 1);
  return stretches.some((st) => {
    if (st.index === 'name') return s.name !== undefined && foldName(s.name).startsWith(st.prefix);
    if (st.index === 'domain') return domain.startsWith(st.prefix) && (st.alsoLocal === undefined || local.startsWith(st.alsoLocal));
    return mailbox.startsWith(st.prefix) && (st.alsoDomain === undefined || domain.startsWith(st.alsoDomain));
  });
}

/** A subscriber an earlier stretch of the same search already gave ('auto': the name range leaves out the local-part matches). */
function shownEarlier(s: Tested, stretch: SearchStretch): boolean {
  return stretch.unlessLocal !== undefined && foldAddress(s.email).startsWith(stretch.unlessLocal);
}

/** Which way to read the query; a cursor decides what a first page decided. */
async function strategyOf(ctx: SearchContext, q: Query, cursor: SearchCursor | null): Promise<Strategy> {
  const plan = planSearch(q.text, q.kind);
  const all = Array.isArray(plan) ? plan : [plan.either[0]];
  if (all.length === 0) return { mode: 'ids', stretches: [] };
  if (cursor) {
    if (cursor.index === 'id') return { mode: 'ids', stretches: all };
    const stretches = Array.isArray(plan) ? plan : plan.either.filter((s) => s.index === cursor.index);
    if (stretches[cursor.stretch]?.index !== cursor.index)
      throw new SubscriberInputError('not a cursor of this search (pass the `next` of the previous page of the same query)');
    return { mode: 'index', stretches };
  }
  let stretches = all;
  let size = 0;
  if (!Array.isArray(plan)) {
    const sizes = await Promise.all(plan.either.map((s) => rangeSize(ctx, s)));
    const smaller = sizes[1]! < sizes[0]! ? 1 : 0;
    stretches = [plan.either[smaller]!];
    size = sizes[smaller]!;
  } else if (q.listId !== null) {
    size = sum(await Promise.all(plan.map((s) => rangeSize(ctx, s))));
  }
  // A list smaller than the text's range: read the list and test the text on its records.
  if (q.listId !== null && (await bitCount(ctx, bitmapOf({ ...q, status: null }))) < size) return { mode: 'ids', stretches: all };
  return { mode: 'index', stretches };
}

/** One page of the query. */
export async function searchSubscribers(ctx: SearchContext, query: SearchQuery): Promise<SearchResult> {
  const q = checkQuery(query);
  const limit = query.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT)
    throw new SubscriberInputError(`search limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, got ${limit}`);
  let cursor: SearchCursor | null = null;
  if (query.cursor) {
    cursor = decodeCursor(query.cursor);
    if (!cursor || (cursor.index === 'id' && !isSubscriberId(cursor.after)))
      throw new SubscriberInputError(`not a search cursor: ${JSON.stringify(String(query.cursor).slice(0, 40))}`);
  }
  const strategy = await strategyOf(ctx, q, cursor);
  const [page, counted] = await Promise.all([
    strategy.mode === 'ids' ? pageByIds(ctx, q, strategy.stretches, cursor, limit) : pageByIndex(ctx, q, strategy.stretches, cursor, limit),
    countWith(ctx, q, strategy),
  ]);
  return { ...page, ...counted };
}

/** How many subscribers the query matches (see the head of this file). */
export async function countMatching(ctx: SearchContext, query: Omit<SearchQuery, 'cursor' | 'limit'>): Promise<{ count: number; countIsExact: boolean }> {
  const q = checkQuery(query);
  return countWith(ctx, q, await strategyOf(ctx, q, null));
}

async function pageByIndex(
  ctx: SearchContext,
  q: Query,
  stretches: SearchStretch[],
  cursor: SearchCursor | null,
  limit: number,
): Promise<{ subscribers: Subscriber[]; next: string | null }> {
  const out: Subscriber[] = [];
  const filtered = q.listId !== null || q.status !== null;
  let examined = 0;
  for (let s = cursor?.stretch ?? 0; s < stretches.length; s++) {
    const stretch = stretches[s]!;
    const sparse = filtered || stretch.unlessLocal !== undefined || stretch.alsoDomain !== undefined || stretch.alsoLocal !== undefined;
    const lastStretch = s === stretches.length - 1;
    let after = cursor && cursor.stretch === s ? cursor.after : null;
    for (let round = 0; ; round++) {
      const want = limit - out.length;
      // One more than needed: it tells whether anything follows the page. Filtered reads grow
      // while they come back with few matches.
      const chunk = sparse ? Math.min(1000, Math.max(100, want * 2) << Math.min(round, 4)) : want + 1;
      const members = await rangeMerged(ctx, stretch, after, chunk);
      const candidates = members.filter((m) => memberPasses(stretch, m));
      const records = await ctx.getMany(candidates.map(idOfMember));
      const found = new Map(candidates.map((m, i) => [m, records[i] ?? null]));
      for (let i = 0; i < members.length; i++) {
        const member = members[i]!;
        examined++;
        const r = found.get(member);
        if (!r || !passesFilters(r, q) || shownEarlier(r, stretch)) continue;
        out.push(r);
        if (out.length === limit) {
          const end = lastStretch && i === members.length - 1 && members.length < chunk;
          return { subscribers: out, next: end ? null : encodeCursor({ stretch: s, index: stretch.index, after: member }) };
        }
      }
      if (members.length < chunk) break;
      after = members[members.length - 1]!;
      if (examined >= PAGE_SCAN_BUDGET) return { subscribers: out, next: encodeCursor({ stretch: s, index: stretch.index, after }) };
    }
  }
  return { subscribers: out, next: null };
}

async function pageByIds(
  ctx: SearchContext,
  q: Query,
  stretches: SearchStretch[],
  cursor: SearchCursor | null,
  limit: number,
): Promise<{ subscribers: Subscriber[]; next: string | null }> {
  const out: Subscriber[] = [];
  const keyOf = bitmapOf(q);
  const sparse = stretches.length > 0 || (q.status !== null && !(q.status === 'active' && q.listId !== null));
  let after = cursor?.after ?? null;
  let examined = 0;
  for (let round = 0; ; round++) {
    const want = limit - out.length;
    const chunk = sparse ? Math.min(1000, Math.max(100, want * 2) << Math.min(round, 4)) : want + 1;
    const ids = await ctx.pageIds(keyOf, after, chunk);
    const records = await ctx.getMany(ids);
    for (let i = 0; i < ids.length; i++) {
      examined++;
      const r = records[i];
      if (!r || !passesFilters(r, q) || !recordMatchesText(r, stretches)) continue;
      out.push(r);
      if (out.length === limit) {
        const end = i === ids.length - 1 && ids.length < chunk;
        return { subscribers: out, next: end ? null : encodeCursor({ stretch: 0, index: 'id', after: ids[i]! }) };
      }
    }
    if (ids.length < chunk) return { subscribers: out, next: null };
    after = ids[ids.length - 1]!;
    if (examined >= PAGE_SCAN_BUDGET) return { subscribers: out, next: encodeCursor({ stretch: 0, index: 'id', after }) };
  }
}

/** status, lists, address and name of each id (null: no such record), one pipeline per partition. */
async function readTested(ctx: SearchContext, ids: string[]): Promise<(Tested | null)[]> {
  const out: (Tested | null)[] = ids.map(() => null);
  const byPartition = new Map<number, number[]>();
  ids.forEach((id, i) => {
    const p = ctx.partitions.ofId(id);
    if (p < 0) return;
    const group = byPartition.get(p);
    if (group) group.push(i);
    else byPartition.set(p, [i]);
  });
  await Promise.all(
    [...byPartition].map(async ([p, indexes]) => {
      const pipeline = ctx.redis.pipeline();
      for (const i of indexes) pipeline.hmget(ctx.partitions.keys[p]!.subscriber(ids[i]!), FIELD.status, FIELD.lists, FIELD.email, FIELD.name);
      const replies = (await pipeline.exec()) ?? [];
      indexes.forEach((i, n) => {
        const [error, value] = replies[n] ?? [new Error('no reply')];
        if (error) throw error;
        const [status, lists, email, name] = value as Array<string | null>;
        if (!status || !email || !isStatus(status)) return;
        out[i] = { status, lists: splitLists(lists), email, ...(name ? { name } : {}) };
      });
    }),
  );
  return out;
}

async function countWith(ctx: SearchContext, q: Query, strategy: Strategy): Promise<{ count: number; countIsExact: boolean }> {
  const exact = (count: number) => ({ count, countIsExact: true });
  if (strategy.mode === 'ids' && strategy.stretches.length === 0) {
    const { listId, status } = q;
    if (listId === null && status === null) return exact(sum(await Promise.all(SUBSCRIBER_STATUSES.map((s) => counter(ctx, (k) => k.statusCounts(), s)))));
    if (listId === null) return exact(await counter(ctx, (k) => k.statusCounts(), status!));
    if (status === null || status === 'active') return exact(await bitCount(ctx, bitmapOf(q)));
    // A list counts those who asked for it as pending there and those who left as unsubscribed:
    // its counters answer for members only in the other two states.
    if (status === 'bounced' || status === 'complained') return exact(await counter(ctx, (k) => k.listCounts(listId), status));
  }
  if (strategy.mode === 'ids') {
    let count = 0;
    let budget = COUNT_CAP;
    let after: string | null = null;
    const keyOf = bitmapOf(q);
    while (budget > 0) {
      const chunk = Math.min(1000, budget);
      const ids = await ctx.pageIds(keyOf, after, chunk);
      budget -= ids.length;
      count += (await readTested(ctx, ids)).filter((r) => r && passesFilters(r, q) && recordMatchesText(r, strategy.stretches)).length;
      if (ids.length < chunk) return exact(count);
      after = ids[ids.length - 1]!;
    }
    return { count, countIsExact: (await ctx.pageIds(keyOf, after, 1)).length === 0 };
  }
  const filtered = q.listId !== null || q.status !== null;
  let count = 0;
  let budget = COUNT_CAP;
  for (const stretch of strategy.stretches) {
    const stringTest = stretch.alsoDomain !== undefined || stretch.alsoLocal !== undefined;
    const recordTest = filtered || stretch.unlessLocal !== undefined;
    if (!stringTest && !recordTest) {
      count += await rangeSize(ctx, stretch);
      continue;
    }
    let after: string | null = null;
    for (;;) {
      if (budget <= 0) {
        const more = (await rangeMerged(ctx, stretch, after, 1)).length > 0;
        if (more) return { count, countIsExact: false };
        break;
      }
      const chunk = Math.min(1000, budget);
      const members = await rangeMerged(ctx, stretch, after, chunk);
      budget -= members.length;
      const candidates = members.filter((m) => memberPasses(stretch, m));
      if (recordTest) count += (await readTested(ctx, candidates.map(idOfMember))).filter((r) => r && passesFilters(r, q) && !shownEarlier(r, stretch)).length;
      else count += candidates.length;
      if (members.length < chunk) break;
      after = members[members.length - 1]!;
    }
  }
  return exact(count);
}
