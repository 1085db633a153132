// A SpliceTemplate with its static parts already transfer-encoded, so that one recipient's
// part body is a few short encodes (their values) joined with big precomputed pieces, instead
// of UTF-8- and base64/QP-encoding ~100 KB per message.
//
// Why joining encoded pieces is still one valid encoding:
// - quoted-printable: a soft line break (`=` CRLF) may end any line; each piece is encoded on
//   its own and a soft break joins it to the next, so the decoded text is the concatenation.
// - base64: pieces are cut at 3-byte boundaries of the decoded bytes, so each piece is whole
//   4-character groups with no padding inside the body; lines may be shorter than 76 (MIME
//   decoders skip line breaks), and every line is a whole number of groups anyway. Where a
//   static part starts after a value, the 0-2 bytes needed to reach a 3-byte boundary are
//   taken from its head at send time; each part is precomputed for the three possible offsets.
// Pieces always end at a line end, which also lets DKIM's relaxed body canonicalization be
// applied piece by piece (canonical forms of static pieces are precomputed too).
import type { SpliceTemplate, TokenName, TokenValues } from '../render/types.ts';
import { CRLF, base64Lines, qpPiece, relaxedBodyPiece, toCrlf } from './mime-encoding.ts';
import type { TransferEncoding } from './types.ts';

/** Wire bytes and their DKIM relaxed-canonical form (the same object when they are equal). */
export interface BodyPiece {
  raw: Buffer;
  canon: Buffer;
}

export interface EncodedTemplate {
  encoding: TransferEncoding;
  /** Appends this part's encoded body for `values`; the last piece ends with the CRLF before the next delimiter. */
  write(values: TokenValues, out: BodyPiece[]): void;
}

const EMPTY = Buffer.alloc(0);

function piece(text: string, canonicalize: boolean): BodyPiece {
  const raw = Buffer.from(text, 'latin1');
  if (!canonicalize) return { raw, canon: raw };
  const canon = relaxedBodyPiece(text);
  return { raw, canon: canon === text ? raw : Buffer.from(canon, 'latin1') };
}

const SOFT_BREAK = piece(`=${CRLF}`, false);
const LINE_END = piece(CRLF, false);

export function encodeTemplate(template: SpliceTemplate, encoding: TransferEncoding): EncodedTemplate {
  if (template.parts.length !== template.tokens.length + 1) {
    throw new Error(`splice template has ${template.parts.length} parts for ${template.tokens.length} tokens (expected one more part than tokens)`);
  }
  const parts = template.parts.map(toCrlf);
  return encoding === 'base64' ? base64Template(parts, template.tokens) : qpTemplate(parts, template.tokens);
}

/** One static part cut for a given number (0-2) of pending bytes before it. */
interface Base64Cut {
  /** Bytes that complete the pending group, or the whole part when it is too short to reach an aligned middle. */
  head: Buffer;
  /** The aligned middle, encoded; null when there is none. */
  middle: BodyPiece | null;
  /** Bytes after the middle, carried into the next group. */
  tail: Buffer;
}

function base64Template(parts: string[], tokens: TokenName[]): EncodedTemplate {
  const cuts = parts.map((text) => {
    const bytes = Buffer.from(text, 'utf8');
    return [0, 1, 2].map((pending): Base64Cut => {
      const start = (3 - pending) % 3;
      const middleLength = bytes.length > start ? Math.floor((bytes.length - start) / 3) * 3 : 0;
      if (middleLength === 0) return { head: bytes, middle: null, tail: EMPTY };
      return {
        head: bytes.subarray(0, start),
        middle: piece(base64Lines(bytes.subarray(start, start + middleLength)), false),
        tail: bytes.subarray(start + middleLength),
      };
    });
  });
  // The most static bytes that can wait in `pending` over one message: per part, its head and tail.
  const staticPending = cuts.reduce((sum, three) => sum + Math.max(...three.map((c) => c.head.length + c.tail.length)), 0);
  // Reused by every message (write runs start to end without yielding): the bytes waiting to be encoded.
  let pending = new Uint8Array(256);

  return {
    encoding: 'base64',
    write(values, out) {
      const before = out.length;
      // A value is UTF-8-encoded once per message, however often its token occurs (a click
      // token stands in every tracked link: ~30 times in the model issue).
      const bytesOf = new Map<TokenName, Buffer>();
      let valueBytes = 0;
      for (const token of tokens) {
        let value = bytesOf.get(token);
        if (value === undefined) {
          value = Buffer.from(toCrlf(values[token]), 'utf8');
          bytesOf.set(token, value);
        }
        valueBytes += value.length;
      }
      const most = staticPending + valueBytes;
      if (pending.length < most) pending = new Uint8Array(most);
      // Every encoded run of this message goes into one buffer; its pieces are views of it.
      const arena = Buffer.allocUnsafe(Math.ceil(most / 3) * 4 + Math.ceil(most / 57) * 2 + (cuts.length + 1) * 8);
      let used = 0;
      let pendingLength = 0;
      const add = (bytes: Uint8Array) => {
        for (let j = 0; j < bytes.length; j++) pending[pendingLength + j] = bytes[j]!;
        pendingLength += bytes.length;
      };
      const flush = () => {
        if (pendingLength === 0) return;
        const start = used;
        used = base64LinesInto(pending, pendingLength, arena, used);
        // Writes past a Buffer's end are dropped silently: never send such a message.
        if (used > arena.length) throw new Error(`base64 template: ${used} bytes for a run buffer of ${arena.length}`);
        const raw = arena.subarray(start, used);
        out.push({ raw, canon: raw });
        pendingLength = 0;
      };
      for (let i = 0; i < cuts.length; i++) {
        const cut = cuts[i]![pendingLength % 3]!;
        add(cut.head);
        if (cut.middle) {
          flush();
          out.push(cut.middle);
          add(cut.tail);
        }
        const token = tokens[i];
        if (token !== undefined) add(bytesOf.get(token)!);
      }
      flush();
      if (out.length === before) out.push(LINE_END);
    },
  };
}

const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/**
 * `base64Lines(bytes[0 .. length))` written into `out` at `at` (returns where it ends): the same
 * bytes, without a native call and two allocations for each of a message's ~60 short runs.
 */
function base64LinesInto(bytes: Uint8Array, length: number, out: Buffer, at: number): number {
  let column = 0;
  let i = 0;
  for (; i + 3 <= length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[at++] = BASE64[v >>> 18]!;
    out[at++] = BASE64[(v >>> 12) & 63]!;
    out[at++] = BASE64[(v >>> 6) & 63]!;
    out[at++] = BASE64[v & 63]!;
    column += 4;
    if (column === 76) {
      out[at++] = 13;
      out[at++] = 10;
      column = 0;
    }
  }
  if (i < length) {
    const two = i + 1 < length;
    const v = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
    out[at++] = BASE64[v >>> 18]!;
    out[at++] = BASE64[(v >>> 12) & 63]!;
    out[at++] = two ? BASE64[(v >>> 6) & 63]! : 61;
    out[at++] = 61;
    column += 4;
  }
  if (column > 0) {
    out[at++] = 13;
    out[at++] = 10;
  }
  return at;
}

function qpTemplate(parts: string[], tokens: TokenName[]): EncodedTemplate {
  const encoded = parts.map((text) => {
    const qp = qpPiece(text);
    return { piece: piece(qp, true), empty: qp.length === 0, endsLine: qp.endsWith(CRLF) };
  });

  return {
    encoding: 'quoted-printable',
    write(values, out) {
      // `open`: the last piece stopped mid-line, so a soft break must join the next one.
      let open = false;
      // Each value is encoded once per message, however often its token occurs (see base64 above).
      const encodedValues = new Map<TokenName, { piece: BodyPiece; endsLine: boolean }>();
      const emit = (p: BodyPiece, endsLine: boolean) => {
        if (open) out.push(SOFT_BREAK);
        out.push(p);
        open = !endsLine;
      };
      for (let i = 0; i < encoded.length; i++) {
        const part = encoded[i]!;
        if (!part.empty) emit(part.piece, part.endsLine);
        const token = tokens[i];
        if (token !== undefined && values[token] !== '') {
          let value = encodedValues.get(token);
          if (value === undefined) {
            const qp = qpPiece(toCrlf(values[token]));
            value = { piece: piece(qp, true), endsLine: qp.endsWith(CRLF) };
            encodedValues.set(token, value);
          }
          emit(value.piece, value.endsLine);
        }
      }
      // The CRLF that belongs to the following delimiter (RFC 2046 5.1.1).
      out.push(LINE_END);
    },
  };
}
