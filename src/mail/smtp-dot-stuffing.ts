// SMTP transparency (RFC 5321 4.5.2) for messages already in canonical form. nodemailer's
// SMTPConnection pipes every message through its DataStream, which doubles a dot that starts a
// line and turns bare CR or LF into CRLF, testing every byte in JavaScript: on issue 64's 73 KB
// that is ~0.5 ms, about half of what sending a message costs the client.
//
// The messages of src/mail/issue-mime.ts end every line with CRLF by construction (headers are
// folded with CRLF, bodies are base64 or quoted-printable lines ending CRLF; checked against
// DataStream itself in test/unit/mail-smtp-dot-stuffing.test.ts), so the only change SMTP
// needs is the doubled dot, found with Buffer.indexOf (native) in microseconds.
//
// How it is installed: the raw message's read stream is piped by SMTPConnection.send into the
// DataStream it just created; our stream's `pipe` swaps that one DataStream's `_transform` for
// this one. Nothing of nodemailer is patched globally (the ceiling benchmark's nodemailer
// blast keeps the stock path). The DataStream fields used (inByteCount, outByteCount, lastByte)
// are nodemailer 10's; when they are missing the stock transform stays (checked by a test).
import type { Writable } from 'node:stream';

const LF_DOT = Buffer.from('\n.', 'latin1');
const DOT = 0x2e;
const LF = 0x0a;
const EXTRA_DOT = Buffer.from('.', 'latin1');

/** The parts of nodemailer 10's DataStream (smtp-connection/data-stream.js) this relies on. */
interface DataStreamShape {
  _transform(chunk: unknown, encoding: BufferEncoding, done: (error?: Error | null) => void): void;
  push(chunk: Buffer): boolean;
  inByteCount: number;
  outByteCount: number;
  /** The previous chunk's last byte, `false` before the first. */
  lastByte: number | false;
}

function isDataStream(dest: unknown): dest is DataStreamShape {
  const d = dest as Partial<DataStreamShape> | null;
  return (
    !!d &&
    typeof d._transform === 'function' &&
    typeof d.push === 'function' &&
    typeof d.inByteCount === 'number' &&
    typeof d.outByteCount === 'number' &&
    'lastByte' in d
  );
}

/**
 * `chunk` with a dot added before every dot that starts a line; `previous` is the byte before
 * the chunk (`false` at the start of the message). Only for CRLF-canonical input.
 */
export function stuffDots(chunk: Buffer, previous: number | false): Buffer {
  const pieces: Buffer[] = [];
  let from = 0;
  if (chunk[0] === DOT && (previous === false || previous === LF)) pieces.push(EXTRA_DOT);
  for (let at = chunk.indexOf(LF_DOT); at !== -1; at = chunk.indexOf(LF_DOT, at + 1)) {
    pieces.push(chunk.subarray(from, at + 1), EXTRA_DOT);
    from = at + 1;
  }
  if (!pieces.length) return chunk;
  pieces.push(chunk.subarray(from));
  return Buffer.concat(pieces);
}

/**
 * Makes `dest`, if it is a nodemailer DataStream, stuff canonical Buffers with `stuffDots`
 * instead of byte by byte. Returns whether it did; anything else keeps the stock transform.
 */
export function useCanonicalDotStuffing(dest: Writable): boolean {
  if (!isDataStream(dest)) return false;
  const stock = dest._transform;
  dest._transform = function canonicalTransform(this: DataStreamShape, chunk, encoding, done) {
    if (!Buffer.isBuffer(chunk) || chunk.length === 0) return stock.call(this, chunk, encoding, done);
    const out = stuffDots(chunk, this.lastByte);
    this.inByteCount += chunk.length;
    this.outByteCount += out.length;
    this.lastByte = chunk[chunk.length - 1]!;
    this.push(out);
    done();
  };
  return true;
}
