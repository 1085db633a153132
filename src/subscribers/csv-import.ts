// CSV import of subscribers: streams the file (csv-parse), checks the header before writing
// anything, validates each row (bad rows are reported with their line and left out, the rest
// go in), and writes in batches of pipelined commands. Idempotent: the same file twice leaves
// the same state, the second run creating nothing.
// Memory does not grow with the file: one batch is parsed while the one before is written, a
// mailbox repeated in the file is recognised by its subscriber id (one bit each, IdSet), and
// at most MAX_LISTED_ERRORS bad rows are kept for the report (all are counted). Only `pending`
// (a confirmation mail to queue per new pending row) grows with what the file creates.
import { createReadStream } from 'node:fs';
import { isIP } from 'node:net';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { UserError } from '../errors.ts';
import { CSV_COLUMNS, LEGACY_COLUMNS, LIST_SEPARATOR, unescapeFormula, type CsvColumn } from './csv-columns.ts';
import { normaliseEmail, sanitiseDisplayName } from './email-address.ts';
import { DEFAULT_LIST_ID, isListId, normaliseLocale, requireListId } from './fields.ts';
import { applyImportBatch, IdSet, type ImportRow } from './import-apply.ts';
import { normaliseLineEndings } from './line-endings.ts';
import type { NewSubscriberRecord, RedisSubscriberStore } from './redis-store.ts';
import { isConsentSource, isStatus } from './subscriber-codec.ts';
import { SUBSCRIBER_STATUSES, type ConsentRecord, type SubscriberStatus } from './types.ts';

/** The file as a whole cannot be imported (missing, no header, unknown column): nothing was written. */
export class CsvFileError extends UserError {
  override name = 'CsvFileError';
}

export interface ImportOptions {
  /** Put every row in this list. Without it: the row's `lists` column if the file has one, else `pretrain-weekly`. */
  listId?: string;
  /** The addresses already consented elsewhere: rows without a `status` become active (consent source `import`). */
  confirmed?: boolean;
  source?: 'import';
  /** How error messages name the input (default: the file path, or "input" for a stream). */
  label?: string;
  /** Rows written per pipelined batch (default 1000). */
  batchSize?: number;
  /** Called after every batch is written, and once at the end (a console's progress bar). */
  onProgress?: (progress: ImportProgress) => void;
}

/** How far an import is. */
export interface ImportProgress {
  /** Data rows dealt with so far: imported + updated + skipped + errors. */
  rows: number;
  imported: number;
  updated: number;
  skipped: number;
  /** Bad rows so far (every one; ImportResult.errors lists the first MAX_LISTED_ERRORS). */
  errors: number;
}

/** Bad rows an import keeps with their line and message; more are counted (errorCount), not listed. */
export const MAX_LISTED_ERRORS = 10_000;

export interface ImportResult {
  imported: number;
  updated: number;
  skipped: number;
  /** The bad rows, in line order: the first MAX_LISTED_ERRORS of them. */
  errors: Array<{ line: number; message: string }>;
  /** Every bad row (errors.length unless there were more than MAX_LISTED_ERRORS). */
  errorCount: number;
  /** New subscribers left pending (no --confirmed), per list: who needs a confirmation mail. */
  pending: Array<{ subscriberId: string; listId: string }>;
}

export async function importSubscribers(store: RedisSubscriberStore, input: string | Readable, opts: ImportOptions = {}): Promise<ImportResult> {
  if (opts.listId !== undefined) requireListId(opts.listId);
  const label = opts.label ?? (typeof input === 'string' ? input : 'input');
  const source = typeof input === 'string' ? await openFile(input, label) : input;
  const result: ImportResult = { imported: 0, updated: 0, skipped: 0, errors: [], errorCount: 0, pending: [] };
  const addError = (line: number, message: string) => {
    result.errorCount++;
    if (result.errors.length < MAX_LISTED_ERRORS) result.errors.push({ line, message });
  };
  const report = () =>
    opts.onProgress?.({
      rows: result.imported + result.updated + result.skipped + result.errorCount,
      imported: result.imported,
      updated: result.updated,
      skipped: result.skipped,
      errors: result.errorCount,
    });
  let lastEnd = 0; // line where the last record (good or bad) ended
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (!err) return undefined;
      // csv-parse reports an unclosed quote at the end of the file; the row began after the last good one.
      const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? lastEnd + 1 : Number(err.lines) || 0;
      addError(line, describeParseError(err));
      lastEnd = Number(err.lines) || lastEnd;
      return undefined;
    },
  });
  // Each record with the line it ends on. csv-parse's `info` option builds two objects per
  // record for that (a quarter of the parse time); its parser's own `info` counter, read as the
  // record is pushed (synchronously, when it is complete), gives the same number.
  parser.push = function (record: unknown, encoding?: BufferEncoding) {
    return Transform.prototype.push.call(this, record === null ? null : { record, lines: parser.info.lines }, encoding);
  };
  const lf = normaliseLineEndings();
  // Errors of reading the input make the file unusable; Redis errors of a batch stay what they are.
  let readError: Error | null = null;
  const failRead = (error: Error) => {
    readError = error;
    parser.destroy(error);
  };
  source.on('error', failRead);
  lf.on('error', failRead);
  source.pipe(lf).pipe(parser);

  // One consent record for every row the file gives none for (--confirmed): shared, never changed.
  const importConsent: ConsentRecord = Object.freeze({ at: new Date().toISOString(), source: opts.source ?? 'import', textVersion: 'import' });
  const batchSize = opts.batchSize ?? 1000;
  const handled = new IdSet();
  let columns: CsvColumn[] | null = null;
  let batch: ImportRow[] = [];
  // The batch written last: `sent` once its creates are on their way to Redis, `done` once
  // counted. The next batch starts at `sent` (Redis runs one connection's commands in order, so
  // the first row of a mailbox is still the one that creates it) and is counted after `done`.
  let writing: { sent: Promise<void>; done: Promise<void> } = { sent: Promise.resolve(), done: Promise.resolve() };
  let failure: unknown = null;
  const write = (rows: ImportRow[]) => {
    let markSent!: () => void;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const done = applyImportBatch(store, rows, result, handled, { onSent: markSent, after: writing.done }).then(report);
    done.catch((error: unknown) => (failure ??= error)); // rethrown by the loop; never unhandled meanwhile
    writing = { sent: Promise.race([sent, done]), done };
  };
  try {
    for await (const { record, lines } of parser as AsyncIterable<{ record: string[]; lines: number }>) {
      lastEnd = lines;
      if (!columns) {
        columns = readHeader(record, label);
        continue;
      }
      // `lines` is where the record ends; quoted newlines inside it move the start back.
      const line = lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
      const row = readRow(record, columns, opts, importConsent);
      if (typeof row === 'string') {
        addError(line, row);
        continue;
      }
      // A repeated mailbox (in any case) is skipped by applyImportBatch: the first row wins, so a
      // second run of the file changes nothing.
      batch.push({ line, record: row });
      if (batch.length >= batchSize) {
        await writing.sent;
        if (failure) throw failure;
        write(batch);
        batch = [];
      }
    }
    await writing.sent;
    if (failure) throw failure;
    if (columns && batch.length > 0) write(batch);
    await writing.done;
  } catch (error) {
    await writing.done.catch(() => {}); // settle the batches in flight before reporting
    if (error !== readError && !(error instanceof CsvError)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CsvFileError(`${label}: cannot read the file (${code ?? (error as Error).message})`);
  } finally {
    if (typeof input === 'string') source.destroy();
  }
  if (!columns) throw new CsvFileError(`${label}: the file is empty; the first row must name the columns, e.g. email,name,locale`);
  result.errors.sort((a, b) => a.line - b.line);
  report();
  return result;
}

async function openFile(path: string, label: string): Promise<Readable> {
  try {
    if (!(await stat(path)).isFile()) throw new CsvFileError(`${label}: not a file`);
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CsvFileError(code === 'ENOENT' ? `${label}: no such file` : `${label}: cannot read the file (${code})`);
  }
  // Small reads: the parser hands over a few hundred rows at a time, and Redis replies in between are not kept waiting.
  return createReadStream(path, { highWaterMark: 16 * 1024 });
}

function readHeader(record: string[], label: string): CsvColumn[] {
  const names = record.map((cell) => cell.trim().toLowerCase()).map((name) => LEGACY_COLUMNS[name] ?? name);
  const allowed = `allowed: ${CSV_COLUMNS.join(', ')}`;
  names.forEach((name, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      const hint = name.includes('@') ? '; the first row must be a header row such as email,name,locale' : '';
      throw new CsvFileError(`${label}:1 unknown column ${JSON.stringify(record[i]!.slice(0, 60))} (${allowed})${hint}`);
    }
    if (names.indexOf(name) !== i) throw new CsvFileError(`${label}:1 column "${name}" appears twice`);
  });
  if (!names.includes('email')) {
    throw new CsvFileError(`${label}:1 no "email" column in the header row; the first row must name the columns, e.g. email,name,locale`);
  }
  return names as CsvColumn[];
}

/** A record to create, or the message saying what is wrong with the row. */
function readRow(cells: string[], columns: CsvColumn[], opts: ImportOptions, importConsent: ConsentRecord): NewSubscriberRecord | string {
  if (cells.length > columns.length) {
    return `${cells.length} values but the header has ${columns.length} columns; put values containing commas in double quotes`;
  }
  const get = (column: CsvColumn): string => {
    const i = columns.indexOf(column);
    return i < 0 ? '' : unescapeFormula(cells[i] ?? '').trim();
  };
  const rawEmail = get('email');
  if (rawEmail === '') return 'no email address';
  const email = normaliseEmail(rawEmail);
  if (!email) return `invalid email address ${quote(rawEmail)}`;

  const rawLocale = get('locale');
  const locale = rawLocale === '' ? undefined : normaliseLocale(rawLocale);
  if (locale === null) return `invalid locale ${quote(rawLocale)} (expected e.g. zh-CN or en)`;

  const rawStatus = get('status');
  if (rawStatus !== '' && !isStatus(rawStatus)) return `unknown status ${quote(rawStatus)} (expected ${SUBSCRIBER_STATUSES.join(', ')})`;

  let lists = [opts.listId ?? DEFAULT_LIST_ID];
  if (opts.listId === undefined && columns.includes('lists')) {
    lists = get('lists')
      .split(/[\s,;]+/)
      .filter(Boolean);
    const bad = lists.find((l) => !isListId(l));
    if (bad !== undefined) return `lists: ${quote(bad)} is not a list id (lower-case letters, digits and '-', separated by '${LIST_SEPARATOR}')`;
  }

  const createdAt = readTime(get('created_at'));
  if (createdAt === null) return `created_at: ${quote(get('created_at'))} is not a date-time (expected ISO 8601)`;
  const consentAt = readTime(get('consented_at'));
  if (consentAt === null) return `consented_at: ${quote(get('consented_at'))} is not a date-time (expected ISO 8601)`;
  const confirmedAt = readTime(get('confirmed_at'));
  if (confirmedAt === null) return `confirmed_at: ${quote(get('confirmed_at'))} is not a date-time (expected ISO 8601)`;
  const rawSource = get('source');
  if (rawSource !== '' && !isConsentSource(rawSource)) return `source: ${quote(rawSource)} is not one of form, import, api`;

  // Explicit status (an export) wins; otherwise --confirmed decides. An explicit `active` needs
  // evidence of consent: the export's consent_at, or the operator's --confirmed.
  const status: SubscriberStatus = isStatus(rawStatus) ? rawStatus : opts.confirmed ? 'active' : 'pending';
  if (status === 'active' && !opts.confirmed && consentAt === undefined) {
    return 'status "active" without consented_at: pass --confirmed if these addresses already consented';
  }
  let consent: ConsentRecord | undefined;
  if (consentAt !== undefined) {
    // The record an export carries comes back as it was (the words as a version or the text itself).
    consent = { at: consentAt, source: isConsentSource(rawSource) ? rawSource : 'import', textVersion: get('consent_text').slice(0, 300) || 'import' };
    // Only an address is kept as one: a file may hold anything in that column.
    const ip = get('consent_ip').trim().slice(0, 64);
    const userAgent = get('consent_user_agent').slice(0, 300);
    if (isIP(ip)) consent.ip = ip;
    if (userAgent) consent.userAgent = userAgent;
    if (confirmedAt) consent.confirmedAt = confirmedAt;
  } else if (status === 'active') consent = importConsent;

  const record: NewSubscriberRecord = { email, lists, status };
  const name = sanitiseDisplayName(get('name'));
  if (name) record.name = name;
  if (locale) record.locale = locale;
  if (consent) record.consent = consent;
  if (createdAt) record.createdAt = createdAt;
  return record;
}

/** ISO string, undefined when empty, null when not a date. */
function readTime(raw: string): string | undefined | null {
  if (raw === '') return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function describeParseError(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted value is never closed (the rest of the file was read as part of it)';
    case 'INVALID_OPENING_QUOTE':
      return 'a double quote inside an unquoted value; quote the whole value and double the inner quotes ("")';
    default:
      return err.message;
  }
}
