// An image an editor uploads in the studio, made fit for email and stored where issues name
// their images: `emails/assets/<newsletter>/<content hash>.<ext>`. Only PNG, JPEG, GIF and WebP,
// recognised by their bytes (never by the name or the type the browser claims: SVG, which can
// carry scripts, and anything else is refused), at most 5 MB, with alternative text; wider than
// 1,200 px it is scaled down to 1,200 px (email is read at 600 px, on screens up to 2×). The
// width and height written into the issue are the stored file's.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { UserError } from '../errors.ts';

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_IMAGE_WIDTH = 1200;

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export class ImageRefused extends UserError {
  override name = 'ImageRefused';
}

export interface StoredImage {
  /** The path issues write (`<newsletter>/<hash>.<ext>`, under emails/assets). */
  src: string;
  width: number;
  height: number;
  format: ImageFormat;
  /** The file was scaled down to MAX_IMAGE_WIDTH. */
  scaled: boolean;
}

/** The format the bytes are, by their signature; null for anything else (SVG included). */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | null {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return null;
}

export async function storeImage(opts: { bytes: Buffer; alt: string; emailsDir: string; newsletter: string; fileName?: string }): Promise<StoredImage> {
  const name = opts.fileName ? `${opts.fileName.slice(0, 100)}: ` : '';
  if (!opts.alt.trim()) throw new ImageRefused(`${name}write its alternative text first (what the image shows, for readers who cannot see it); then upload it`);
  if (opts.bytes.length === 0) throw new ImageRefused(`${name}the file is empty; choose the image again`);
  if (opts.bytes.length > MAX_IMAGE_BYTES) throw new ImageRefused(`${name}the image is larger than 5 MB; make it smaller (email images are a few hundred KB)`);
  const format = imageFormatOf(opts.bytes);
  if (!format) {
    const svg = /<svg[\s>]/i.test(opts.bytes.subarray(0, 1024).toString('utf8'));
    throw new ImageRefused(
      svg
        ? `${name}SVG images are refused (they can carry scripts, and many mail clients do not show them); export it as PNG`
        : `${name}is not a PNG, JPEG, GIF or WebP image (by its content); export it as one of those`,
    );
  }
  let meta: Metadata;
  try {
    meta = await sharp(opts.bytes, { animated: true }).metadata();
  } catch {
    throw new ImageRefused(`${name}the ${format.toUpperCase()} file is damaged and cannot be read; export it again`);
  }
  const width = meta.width ?? 0;
  const pageHeight = meta.pageHeight ?? meta.height ?? 0;
  if (!width || !pageHeight) throw new ImageRefused(`${name}the image has no size; export it again`);
  let data = opts.bytes;
  let size = { width, height: pageHeight };
  const scaled = width > MAX_IMAGE_WIDTH;
  if (scaled) {
    const { data: out, info } = await sharp(opts.bytes, { animated: true })
      .resize({ width: MAX_IMAGE_WIDTH })
      .toFormat(format)
      .toBuffer({ resolveWithObject: true });
    data = out;
    size = { width: info.width, height: info.pageHeight ?? info.height };
  }
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 32);
  const ext = format === 'jpeg' ? 'jpeg' : format;
  const src = `${opts.newsletter}/${hash}.${ext}`;
  const dir = join(opts.emailsDir, 'assets', opts.newsletter);
  const path = join(dir, `${hash}.${ext}`);
  // The same bytes are the same file: stored once, never rewritten.
  if (!(await stat(path).catch(() => null))) {
    await mkdir(dir, { recursive: true });
    const temporary = join(dir, `.${hash}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, data, { flag: 'wx' });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new ImageRefused(`the image could not be stored (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  return { src, ...size, format, scaled };
}
