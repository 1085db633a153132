// The console's CSV import in two steps: the upload is parsed here (multipart, one file of at
// most MAX_CSV_BYTES, a few small fields) and kept in Redis for a quarter of an hour, the one
// owner of those keys, so the editor can look at the first rows before anything is imported.
// The public routes' multipart parser takes no files at all; only this route's scope swaps in
// this parser.
import { randomBytes } from 'node:crypto';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Keys } from '../../redis/keys.ts';
import { HttpInputError } from '../respond.ts';

export const MAX_CSV_BYTES = 5 * 1024 * 1024;
const UPLOAD_TTL_SECONDS = 15 * 60;
const UPLOAD_ID = /^[A-Za-z0-9_-]{22}$/;

export interface CsvUploadBody {
  fields: Record<string, string>;
  file?: { name: string; text: string };
}

/** A Fastify content-type parser for multipart/form-data with one CSV file. */
export function csvUploadParser(request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: CsvUploadBody) => void): void {
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({ headers: request.headers as { 'content-type': string }, limits: { files: 1, fileSize: MAX_CSV_BYTES, fields: 10, fieldSize: 1024, parts: 12 } });
  } catch {
    done(new HttpInputError(400, 'The upload is not a multipart form (no boundary?).'));
    return;
  }
  const body: CsvUploadBody = { fields: Object.create(null) as Record<string, string> };
  let failed: Error | null = null;
  let settled = false;
  const finish = (error: Error | null) => {
    if (settled) return;
    settled = true;
    if (error) done(error);
    else done(null, body);
  };
  busboy.on('field', (name: string, value: string) => {
    body.fields[name] = value;
  });
  busboy.on('file', (name: string, stream: NodeJS.ReadableStream, filename: string) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A part cut short errors on the part's stream too; busboy's own 'error' answers for it.
    stream.on('error', () => {});
    stream.on('limit', () => {
      failed = new HttpInputError(413, `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; import it with \`newsletter subscribers import\` instead.`);
    });
    stream.on('end', () => {
      if (name === 'file') body.file = { name: String(filename ?? '').slice(0, 200), text: Buffer.concat(chunks).toString('utf8') };
    });
  });
  busboy.on('filesLimit', () => (failed ??= new HttpInputError(413, 'Send one file at a time.')));
  busboy.on('error', () => finish(new HttpInputError(400, 'The upload was cut short or is malformed; choose the file and send it again.')));
  busboy.on('finish', () => finish(failed));
  payload.pipe(busboy);
}

export class CsvUploads {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async save(upload: { text: string; name: string; listId: string; confirmed: boolean }): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    await this.redis.set(this.keys.adminImport(id), JSON.stringify(upload), 'EX', UPLOAD_TTL_SECONDS);
    return id;
  }

  async load(id: string): Promise<{ text: string; name: string; listId: string; confirmed: boolean } | null> {
    if (!UPLOAD_ID.test(id)) return null;
    const raw = await this.redis.get(this.keys.adminImport(id));
    return raw ? (JSON.parse(raw) as { text: string; name: string; listId: string; confirmed: boolean }) : null;
  }

  async remove(id: string): Promise<void> {
    if (UPLOAD_ID.test(id)) await this.redis.del(this.keys.adminImport(id));
  }
}
