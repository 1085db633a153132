// The console's CSV import in two steps: the upload is streamed to a file on this server's disk
// (multipart, one file of at most MAX_CSV_BYTES, a few small fields) and described in Redis for a
// quarter of an hour, the one owner of those keys, so the editor can look at the first rows before
// anything is imported; the import then reads the file as a stream (import-jobs.ts). The public
// routes' multipart parser takes no files at all; only this route's scope swaps in this parser.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { HttpInputError } from '../http/respond.ts';

/** Large enough for millions of rows; a bound all the same, on the server's disk. */
export const MAX_CSV_BYTES = 512 * 1024 * 1024;
const UPLOAD_TTL_SECONDS = 15 * 60;
const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;
const UPLOAD_DIR = join(tmpdir(), 'newsletter-uploads');

export interface UploadedFile {
  name: string;
  /** Where it was written, on this server's disk. */
  path: string;
  bytes: number;
}

export interface CsvUploadBody {
  fields: Record<string, string>;
  file?: UploadedFile;
}

/** A Fastify content-type parser for multipart/form-data with one CSV file, written to disk as it arrives. */
export function csvUploadParser(request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: CsvUploadBody) => void): void {
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({
      headers: request.headers as { 'content-type': string },
      limits: { files: 1, fileSize: MAX_CSV_BYTES, fields: 10, fieldSize: 1024, parts: 12 },
    });
  } catch {
    done(new HttpInputError(400, 'The upload is not a multipart form (no boundary?).'));
    return;
  }
  const body: CsvUploadBody = { fields: Object.create(null) as Record<string, string> };
  let failed: Error | null = null;
  let settled = false;
  let writing: Promise<void> = Promise.resolve();
  const finish = (error: Error | null) => {
    if (settled) return;
    settled = true;
    // The file is complete on disk before the handler sees it; a failed upload leaves none behind.
    void writing.then(async () => {
      if (error && body.file) await rm(body.file.path, { force: true });
      if (error) done(error);
      else done(null, body);
    });
  };
  busboy.on('field', (name: string, value: string) => {
    body.fields[name] = value;
  });
  busboy.on('file', (name: string, stream: NodeJS.ReadableStream, filename: string) => {
    if (name !== 'file') return void stream.resume();
    const path = join(UPLOAD_DIR, `${randomBytes(16).toString('base64url')}.csv`);
    const file: UploadedFile = { name: String(filename ?? '').slice(0, 200), path, bytes: 0 };
    body.file = file;
    // A part cut short errors on the part's stream too; busboy's own 'error' answers for it.
    stream.on('error', () => {});
    stream.on('limit', () => {
      failed = new HttpInputError(413, `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; import it with \`newsletter subscribers import\` instead.`);
    });
    mkdirSync(UPLOAD_DIR, { recursive: true, mode: 0o700 });
    const out = createWriteStream(path, { mode: 0o600 });
    writing = new Promise<void>((resolve) => {
      out.on('finish', () => {
        file.bytes = out.bytesWritten;
        resolve();
      });
      out.on('error', (error) => {
        failed ??= new HttpInputError(507, `The upload could not be stored on the server (${error.message}).`);
        resolve();
      });
    });
    stream.pipe(out);
  });
  busboy.on('filesLimit', () => (failed ??= new HttpInputError(413, 'Send one file at a time.')));
  busboy.on('error', () => finish(new HttpInputError(400, 'The upload was cut short or is malformed; choose the file and send it again.')));
  busboy.on('finish', () => finish(failed));
  payload.pipe(busboy);
}

/** The first `bytes` of an uploaded file, as text: enough for a preview of its first rows. */
export async function headOf(path: string, bytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Uploads nobody imported (their Redis entry expired after a quarter of an hour) leave after an hour. */
async function sweepAbandoned(now = Date.now()): Promise<void> {
  const names = await readdir(UPLOAD_DIR).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(UPLOAD_DIR, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > 3_600_000) await rm(path, { force: true });
  }
}

export interface SavedUpload extends UploadedFile {
  listId: string;
  confirmed: boolean;
}

export class CsvUploads {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async save(upload: SavedUpload): Promise<string> {
    await sweepAbandoned();
    const id = randomBytes(16).toString('base64url');
    await this.redis.set(this.keys.adminImport(id), JSON.stringify(upload), 'EX', UPLOAD_TTL_SECONDS);
    return id;
  }

  async load(id: string): Promise<SavedUpload | null> {
    if (!UPLOAD_ID.test(id)) return null;
    const raw = await this.redis.get(this.keys.adminImport(id));
    return raw ? (JSON.parse(raw) as SavedUpload) : null;
  }

  /** Forgets the upload; its file too unless `keepFile` (an import about to read it). */
  async remove(id: string, opts: { keepFile?: boolean } = {}): Promise<void> {
    if (!UPLOAD_ID.test(id)) return;
    const upload = await this.load(id);
    await this.redis.del(this.keys.adminImport(id));
    if (upload && !opts.keepFile) await rm(upload.path, { force: true });
  }
}
