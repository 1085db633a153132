// Console imports run in the background of the server process that took the upload, the one
// owner of their Redis records: a hash per job with its progress, kept a day. Any server
// process shows it; one whose runner stopped beating (the process died) shows as interrupted.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { CsvFileError, type ImportProgress } from '../subscribers/csv-import.ts';
import { runImport, type ImportDeps } from '../use-cases/import-subscribers.ts';

const JOB_TTL_SECONDS = 24 * 3600;
/** A running job writes its progress at least this often; twice that without one: interrupted. */
const BEAT_MS = 2_000;
const JOB_ID = /^[A-Za-z0-9_-]{22}$/;
/** Bad rows the job page lists (all are counted). */
const LISTED_ERRORS = 20;

export type ImportJobState = 'running' | 'done' | 'failed' | 'interrupted';

export interface ImportJob extends ImportProgress {
  id: string;
  state: ImportJobState;
  name: string;
  listId: string;
  confirmed: boolean;
  /** The file's size, and how much of it was read (the progress bar). */
  bytes: number;
  bytesRead: number;
  confirmationsQueued: number;
  /** The first bad rows, `line: message`. */
  errorLines: string[];
  /** Why a failed job stopped (a file that is not a CSV). */
  failure?: string;
}

export interface ImportUpload {
  path: string;
  name: string;
  bytes: number;
  listId: string;
  confirmed: boolean;
}

export class ImportJobs {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly deps: ImportDeps,
    /** Where an unexpected failure of a job is logged (with its stack: the page shows none). */
    private readonly logError: (error: unknown) => void,
  ) {}

  /** Starts the import of an uploaded file; returns the job's id at once. The file is deleted when it ends. */
  async start(upload: ImportUpload): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    const key = this.keys.adminImportJob(id);
    await this.write(key, {
      state: 'running',
      name: upload.name,
      listId: upload.listId,
      confirmed: upload.confirmed ? '1' : '',
      bytes: upload.bytes,
      bytesRead: 0,
      rows: 0,
      imported: 0,
      updated: 0,
      skipped: 0,
      errors: 0,
      beat: Date.now(),
    });
    void this.run(key, upload);
    return id;
  }

  async get(id: string): Promise<ImportJob | null> {
    if (!JOB_ID.test(id)) return null;
    const h = await this.redis.hgetall(this.keys.adminImportJob(id));
    if (!h.state) return null;
    const n = (field: string) => Number(h[field] ?? 0) || 0;
    const stale = h.state === 'running' && Date.now() - n('beat') > 2 * BEAT_MS + 5_000;
    return {
      id,
      state: stale ? 'interrupted' : (h.state as ImportJobState),
      name: h.name ?? '',
      listId: h.listId ?? '',
      confirmed: h.confirmed === '1',
      bytes: n('bytes'),
      bytesRead: n('bytesRead'),
      rows: n('rows'),
      imported: n('imported'),
      updated: n('updated'),
      skipped: n('skipped'),
      errors: n('errors'),
      confirmationsQueued: n('confirmationsQueued'),
      errorLines: h.errorLines ? (JSON.parse(h.errorLines) as string[]) : [],
      ...(h.failure ? { failure: h.failure } : {}),
    };
  }

  private async write(key: string, fields: Record<string, string | number>): Promise<void> {
    await this.redis.multi().hset(key, fields).expire(key, JOB_TTL_SECONDS).exec();
  }

  private async run(key: string, upload: ImportUpload): Promise<void> {
    const stream = createReadStream(upload.path);
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    const beat = setInterval(() => void this.redis.hset(key, 'beat', Date.now()).catch(() => undefined), BEAT_MS);
    try {
      const outcome = await runImport(this.deps, stream, {
        listId: upload.listId,
        confirmed: upload.confirmed,
        label: upload.name || 'upload.csv',
        onProgress: (p) => {
          // At most a few writes a second, whatever the batch size.
          if (Date.now() - lastWrite < 250) return;
          lastWrite = Date.now();
          writing = writing.then(() => this.write(key, { ...p, bytesRead: stream.bytesRead, beat: lastWrite })).catch(() => undefined);
        },
      });
      await writing;
      const errorLines = outcome.errors.slice(0, LISTED_ERRORS).map((e) => `${e.line}: ${e.message}`);
      await this.write(key, {
        state: 'done',
        rows: outcome.imported + outcome.updated + outcome.skipped + outcome.errorCount,
        imported: outcome.imported,
        updated: outcome.updated,
        skipped: outcome.skipped,
        errors: outcome.errorCount,
        bytesRead: upload.bytes,
        confirmationsQueued: outcome.confirmationsQueued,
        errorLines: JSON.stringify(errorLines),
        beat: Date.now(),
      });
    } catch (error) {
      await writing;
      // A file that is not a CSV says why; anything else is ours, and says only that it stopped.
      const failure =
        error instanceof CsvFileError
          ? error.message
          : 'The import stopped because of an error on the server; the log has the details. Rows before it were imported.';
      await this.write(key, { state: 'failed', failure, beat: Date.now() }).catch(() => undefined);
      if (!(error instanceof CsvFileError)) this.logError(error);
    } finally {
      clearInterval(beat);
      await rm(upload.path, { force: true });
    }
  }
}
