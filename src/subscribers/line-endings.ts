// Turns CRLF and lone CR line breaks into LF before CSV parsing. csv-parse counts lines wrongly
// for CRLF inside quoted values and for files that mix endings (Excel on Windows writes CRLF),
// and the import reports errors by line number, so it must see one kind of line break.
// Works on bytes: 0x0D never occurs inside a multi-byte UTF-8 sequence.
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

export function normaliseLineEndings(): Transform {
  let afterCR = false; // the previous chunk ended with CR: drop a LF that starts this one
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (!afterCR && chunk.indexOf(CR) < 0) return callback(null, chunk);
      const out = Buffer.allocUnsafe(chunk.length);
      let n = 0;
      for (const byte of chunk) {
        if (byte === LF && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = byte === CR;
        out[n++] = afterCR ? LF : byte;
      }
      callback(null, out.subarray(0, n));
    },
  });
}
