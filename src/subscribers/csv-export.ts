// CSV export of subscribers, streamed page by page (csv-stringify) so a million rows use no
// more memory than one page. The columns are exactly what the import reads back.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { CSV_COLUMNS, LIST_SEPARATOR } from './csv-columns.ts';
import { requireListId } from './fields.ts';
import type { Subscriber, SubscriberStore } from './types.ts';

export interface ExportOptions {
  /** Only the members of this list (any status); all subscribers when absent. */
  listId?: string;
  pageSize?: number;
}

export function toCsvRow(s: Subscriber): Record<(typeof CSV_COLUMNS)[number], string> {
  return {
    email: s.email,
    name: s.name ?? '',
    locale: s.locale ?? '',
    status: s.status,
    lists: s.lists.join(LIST_SEPARATOR),
    created_at: s.createdAt,
    consent_at: s.consent?.at ?? '',
    consent_source: s.consent?.source ?? '',
  };
}

async function* rows(store: SubscriberStore, listId: string | null, pageSize: number, counter: { exported: number }) {
  let cursor: string | null = null;
  do {
    const page = await store.pageAll(listId, cursor, pageSize);
    for (const subscriber of page.subscribers) {
      counter.exported++;
      yield toCsvRow(subscriber);
    }
    cursor = page.next;
  } while (cursor !== null);
}

/** Writes the header and one row per subscriber, in id order, to `out`; ends `out` unless `end: false` (stdout). */
export async function exportSubscribers(store: SubscriberStore, out: Writable, opts: ExportOptions & { end?: boolean } = {}): Promise<{ exported: number }> {
  const listId = opts.listId === undefined ? null : requireListId(opts.listId);
  const counter = { exported: 0 };
  await pipeline(
    Readable.from(rows(store, listId, opts.pageSize ?? 1000, counter)),
    // escape_formulas: a cell starting with = + - @ would run as a formula in a spreadsheet.
    stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }),
    out,
    { end: opts.end ?? true },
  );
  return counter;
}
