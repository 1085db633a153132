// The studio's form bodies. Its form is multipart (it can carry an image), with a few hundred
// fields for a long issue; the site-wide multipart parser takes ten small fields and no file,
// so the studio's scope parses its own: fields (repeated names kept, in order) and at most one
// file of an `_upload.` field, held in memory up to the image cap.
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { HttpInputError } from '../http/respond.ts';
import { MAX_IMAGE_BYTES } from '../studio/store-image.ts';

export interface StudioUpload {
  /** The form field it came in (`_upload.<image path>`). */
  field: string;
  fileName: string;
  data: Buffer;
}

/** Where the parsed body keeps its files: the fields stay at the top, where the CSRF check reads `_csrf`. */
export const UPLOADS = Symbol('studio uploads');

export type StudioBody = Record<string, string | string[]> & { [UPLOADS]?: StudioUpload[] };

/** The files a studio form carried, if any. */
export function uploadsOf(body: unknown): StudioUpload[] {
  if (!body || typeof body !== 'object') return [];
  return (body as StudioBody)[UPLOADS] ?? [];
}

/** Form names of image uploads: `_upload.` + the image's field path. */
export const UPLOAD_FIELD = '_upload.';
const MAX_FIELDS = 5_000;
const MAX_FIELD_BYTES = 1024 * 1024;
/** Every image field has a file input, and a browser sends a (empty) part for each: one may hold a file. */
const MAX_FILE_PARTS = 500;

export function studioMultipartParser(request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: StudioBody) => void): void {
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({
      headers: request.headers as { 'content-type': string },
      limits: { files: MAX_FILE_PARTS, fileSize: MAX_IMAGE_BYTES + 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + MAX_FILE_PARTS },
    });
  } catch {
    done(new HttpInputError(400, 'The form is not multipart (no boundary?).'));
    return;
  }
  const fields = Object.create(null) as Record<string, string | string[]>;
  const files: StudioUpload[] = [];
  const body = Object.assign(fields, { [UPLOADS]: files }) as StudioBody;
  let failed: Error | null = null;
  let settled = false;
  const finish = (error: Error | null) => {
    if (settled) return;
    settled = true;
    if (error) done(error);
    else done(null, body);
  };
  busboy.on('field', (name: string, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
    if (valueTruncated) failed ??= new HttpInputError(413, `The field ${name.slice(0, 100)} is longer than 1 MB.`);
    const known = fields[name];
    fields[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  });
  busboy.on('file', (name: string, stream: NodeJS.ReadableStream, fileName: string) => {
    const chunks: Buffer[] = [];
    stream.on('error', () => {});
    if (!name.startsWith(UPLOAD_FIELD)) return void stream.resume();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Past the cap busboy stops at one byte over: storeImage refuses it by its size, and the
    // rest of the form (what the editor typed) is kept all the same.
    stream.on('end', () => {
      const data = Buffer.concat(chunks);
      // An empty file input still sends a part with no name and no bytes: nothing was chosen.
      if (data.length === 0 && !fileName) return;
      if (files.length > 0) failed ??= new HttpInputError(413, 'Upload one image at a time.');
      else files.push({ field: name, fileName: String(fileName ?? '').slice(0, 200), data });
    });
  });
  busboy.on('filesLimit', () => (failed ??= new HttpInputError(413, 'The form has too many file fields.')));
  busboy.on('fieldsLimit', () => (failed ??= new HttpInputError(413, 'The form has too many fields.')));
  busboy.on('error', () => finish(new HttpInputError(400, 'The form was cut short or is malformed; send it again.')));
  busboy.on('finish', () => finish(failed));
  payload.pipe(busboy);
}
