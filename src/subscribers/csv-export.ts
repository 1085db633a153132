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
  /** The words a consent text version stands for (the form's sentence); default: the version itself. */
  consentText?: (textVersion: string) => string | undefined;
  /** Which subscribers, page by page (e.g. a search's pages); default: every member of listId in id order. */
  select?: SelectPage;
}

/** One page of the subscribers to export from `cursor` (null: the start); `next` null after the last. */
export type SelectPage = (cursor: string | null, pageSize: number) => Promise<{ subscribers: readonly Subscriber[]; next: string | null }>;

export function toCsvRow(s: Subscriber, consentText: ExportOptions['consentText'] = () => undefined): Record<(typeof CSV_COLUMNS)[number], string> {
  const c = s.consent;
  return {
    email: s.email,
    name: s.name ?? '',
    status: s.status,
    lists: s.lists.join(LIST_SEPARATOR),
    locale: s.locale ?? '',
    source: c?.source ?? '',
    consented_at: c?.at ?? '',
    consent_ip: c?.ip ?? '',
    consent_user_agent: c?.userAgent ?? '',
    consent_text: c ? (consentText(c.textVersion) ?? c.textVersion) : '',
    confirmed_at: c?.confirmedAt ?? '',
    created_at: s.createdAt,
  };
}

async function* rows(select: SelectPage, pageSize: number, counter: { exported: number }, consentText: ExportOptions['consentText']) {
  let cursor: string | null = null;
  do {
    const page = await select(cursor, pageSize);
    for (const subscriber of page.subscribers) {
      counter.exported++;
      yield toCsvRow(subscriber, consentText);
    }
    cursor = page.next;
  } while (cursor !== null);
}

/** Writes the header and one row per subscriber (in id order, or the selection's) to `out`; ends `out` unless `end: false` (stdout). */
export async function exportSubscribers(store: SubscriberStore, out: Writable, opts: ExportOptions & { end?: boolean } = {}): Promise<{ exported: number }> {
  const listId = opts.listId === undefined ? null : requireListId(opts.listId);
  const select: SelectPage = opts.select ?? ((cursor, pageSize) => store.pageAll(listId, cursor, pageSize));
  const counter = { exported: 0 };
  await pipeline(
    Readable.from(rows(select, opts.pageSize ?? 1000, counter, opts.consentText)),
    // escape_formulas: a cell starting with = + - @ would run as a formula in a spreadsheet.
    stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true }),
    out,
    { end: opts.end ?? true },
  );
  return counter;
}
