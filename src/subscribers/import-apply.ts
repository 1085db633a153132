// Writes one batch of validated import rows to the store: new addresses in one pipelined
// createMany, existing ones compared with what is stored and changed only where the row asks
// for more (a list they are not in, a name, pending → active under --confirmed).
// An address whose owner unsubscribed, bounced or complained is never brought back.
import type { NewSubscriberRecord, RedisSubscriberStore, SubscriberPatch } from './redis-store.ts';
import type { Subscriber, SubscriberStatus } from './types.ts';

export interface ImportRow {
  /** 1-based line of the CSV file where the row starts. */
  line: number;
  record: NewSubscriberRecord;
}

export interface ImportCounts {
  imported: number;
  updated: number;
  skipped: number;
  /** New subscribers left pending, per list: the ones a confirmation mail should ask. */
  pending: Array<{ subscriberId: string; listId: string }>;
}

/** Statuses that record a person's (or their mailbox's) refusal: an import must not undo them. */
export const SUPPRESSED: ReadonlySet<SubscriberStatus> = new Set(['unsubscribed', 'bounced', 'complained']);

/**
 * Subscriber ids, one bit each in 32 KB chunks: what one import run has already dealt with, so a
 * mailbox repeated in the file (in any case) is skipped without keeping every address in memory
 * (a million ids cost 125 KB where a Set of the addresses took ~80 MB).
 */
export class IdSet {
  private readonly chunks = new Map<number, Uint8Array>();

  add(id: string): void {
    const n = Number(id);
    const c = Math.floor(n / CHUNK_BITS);
    let chunk = this.chunks.get(c);
    if (!chunk) {
      chunk = new Uint8Array(CHUNK_BITS / 8);
      this.chunks.set(c, chunk);
    }
    const bit = n % CHUNK_BITS;
    chunk[bit >> 3]! |= 1 << (bit & 7);
  }

  has(id: string): boolean {
    const n = Number(id);
    const bit = n % CHUNK_BITS;
    return ((this.chunks.get(Math.floor(n / CHUNK_BITS))?.[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
  }
}
const CHUNK_BITS = 1 << 18;

/**
 * `handled`: the ids earlier batches of the same file reached; a row whose mailbox is one of
 * them (or an earlier row's of this batch) is skipped, the first row of a mailbox wins.
 * `onSent`: as createMany's (the creates are on their way to Redis). `after`: the batch before
 * this one; the outcomes are counted only once it is done, so batches may overlap in Redis and
 * still count (and skip repeats) in file order.
 */
export async function applyImportBatch(
  store: RedisSubscriberStore,
  rows: ImportRow[],
  counts: ImportCounts,
  handled: IdSet = new IdSet(),
  opts: { onSent?: () => void; after?: Promise<unknown> } = {},
): Promise<void> {
  const outcomes = await store.createMany(
    rows.map((r) => r.record),
    opts.onSent ? { onSent: opts.onSent } : {},
  );
  await opts.after;
  const existing: Array<{ row: ImportRow; id: string }> = [];
  outcomes.forEach((outcome, i) => {
    const row = rows[i]!;
    if (outcome.forgotten || handled.has(outcome.id)) {
      counts.skipped++;
      return;
    }
    handled.add(outcome.id);
    if (outcome.created) {
      counts.imported++;
      if (row.record.status === 'pending') for (const listId of row.record.lists) counts.pending.push({ subscriberId: outcome.id, listId });
    } else existing.push({ row, id: outcome.id });
  });
  if (existing.length === 0) return;
  const current = await store.getMany(existing.map((e) => e.id));
  // Each update is atomic on its own; running them together lets ioredis pipeline them.
  const changed = await Promise.all(existing.map((e, i) => (current[i] ? updateExisting(store, current[i]!, e.row.record) : false)));
  for (const c of changed) {
    if (c) counts.updated++;
    else counts.skipped++;
  }
}

/**
 * Brings an existing subscriber up to what `row` asks for, never undoing a refusal; true when
 * something changed. Also used by `subscribers add` for an address that is already there.
 */
export async function updateExisting(store: RedisSubscriberStore, current: Subscriber, row: NewSubscriberRecord): Promise<boolean> {
  if (SUPPRESSED.has(current.status)) return false;
  const patch: SubscriberPatch = {};
  if (row.name && row.name !== current.name) patch.name = row.name;
  if (row.locale && row.locale !== current.locale) patch.locale = row.locale;
  let to: SubscriberStatus = current.status;
  if (SUPPRESSED.has(row.status)) {
    // An export saying this address left is a refusal recorded elsewhere: honour it here too.
    to = row.status;
  } else if (row.status === 'active' && current.status === 'pending') {
    to = 'active';
    if (row.consent) patch.consent = row.consent;
  }
  let changed = false;
  if (to !== current.status || Object.keys(patch).length > 0) {
    // Guarded by the status we read, so a concurrent unsubscribe is never overwritten.
    const result = await store.transition(current.id, to, { from: [current.status], patch });
    if (!result?.applied) return false;
    changed = true;
  }
  if (!SUPPRESSED.has(to)) {
    for (const list of row.lists) {
      if (current.lists.includes(list)) continue;
      await store.addToList(current.id, list);
      changed = true;
    }
  }
  return changed;
}
