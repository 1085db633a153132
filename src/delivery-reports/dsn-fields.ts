// The text-level helpers of report-email.ts, kept apart so each file stays small: reading the
// header-like fields of a DSN (RFC 3464), an ARF report (RFC 5965) and a quoted header block
// (RFC 5322), and picking addresses, status codes, diagnostics and Message-IDs out of them.
// Pure string work on already MIME-decoded text; nothing here throws on odd input.
import { normaliseEmail } from '../subscribers/email-address.ts';

/** One block of fields: lower-cased names to their unfolded values, in the order they came. */
export type Fields = Map<string, string[]>;

const MAX_VALUE = 4000; // a longer field value is cut: no real one comes close
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

function addField(fields: Fields, line: string): void {
  const colon = line.indexOf(':');
  if (colon <= 0) return;
  const name = line.slice(0, colon).trim().toLowerCase();
  if (!/^[\x21-\x39\x3B-\x7E]+$/.test(name)) return;
  const value = line
    .slice(colon + 1)
    .replace(CONTROL, ' ')
    .trim()
    .slice(0, MAX_VALUE);
  const values = fields.get(name);
  if (values) values.push(value);
  else fields.set(name, [value]);
}

/**
 * Splits text into blocks of fields separated by blank lines (a DSN body: the per-message
 * block, then one block per recipient). A line starting with white space continues the field
 * before it. With `headerOnly`, stops at the first blank line (a message's header block).
 */
export function parseFieldBlocks(text: string, maxBlocks: number, headerOnly = false): Fields[] {
  const blocks: Fields[] = [];
  let current: Fields = new Map();
  let pending: string | null = null;
  const flushField = () => {
    if (pending !== null) addField(current, pending);
    pending = null;
  };
  const flushBlock = () => {
    flushField();
    if (current.size > 0) blocks.push(current);
    current = new Map();
  };
  for (const line of text.split(/\r?\n|\r/)) {
    if (line.trim() === '') {
      if (headerOnly && (current.size > 0 || pending !== null)) break;
      flushBlock();
      if (blocks.length >= maxBlocks) return blocks;
      continue;
    }
    if (/^[ \t]/.test(line) && pending !== null) {
      if (pending.length < MAX_VALUE) pending += ` ${line.trim()}`;
    } else {
      flushField();
      pending = line;
    }
  }
  flushBlock();
  return blocks.slice(0, maxBlocks);
}

/** The header block at the start of a message (or a text/rfc822-headers part). */
export function parseHeaderBlock(text: string): Fields {
  return parseFieldBlocks(text, 1, true)[0] ?? new Map();
}

export function first(fields: Fields | undefined, name: string): string | undefined {
  return fields?.get(name)?.[0];
}

/** Addresses in a header value: the <angle> ones if any, else bare local@domain words; normalised. */
export function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  const angled = [...value.matchAll(/<([^<>\s]*)>/g)].map((m) => m[1] ?? '');
  const candidates = angled.length > 0 ? angled : [...value.matchAll(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g)].map((m) => m[0]);
  const out: string[] = [];
  for (const candidate of candidates) {
    const email = normaliseEmail(candidate.replace(/^mailto:/i, ''));
    if (email && !out.includes(email)) out.push(email);
  }
  return out;
}

/** The address of a DSN `Final-Recipient: rfc822; addr` (or `utf-8;`, RFC 6533) field. */
export function typedAddress(value: string | undefined): string | undefined {
  const match = /^\s*(rfc822|utf-8)\s*;(.*)$/i.exec(value ?? '');
  return match ? addressesIn(match[2])[0] : undefined;
}

/** `5.1.1` from a Status value such as `5.1.1 (user unknown)`, if it is one. */
export function statusCode(value: string | undefined): string | undefined {
  return /^\s*([245]\.\d{1,3}\.\d{1,3})(?!\d)/.exec(value ?? '')?.[1];
}

/** A Diagnostic-Code without its type (`smtp;`), on one line, at most 300 characters. */
export function diagnosticText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = value
    .replace(/^\s*[A-Za-z0-9-]+\s*;/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  const cut = chars.length > 300 ? chars.slice(0, 300).join('') : text;
  return cut === '' ? undefined : cut;
}

/** The SMTP reply class (2, 4 or 5) a diagnostic starts with: `550 ...`, `550-5.1.1 ...`. */
export function replyClass(diagnostic: string | undefined): number | undefined {
  const match = /^([245])\d\d(?:[\s-]|$)/.exec(diagnostic ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The `<id@host>` in a Message-ID value, if there is one. */
export function messageIdIn(value: string | undefined): string | undefined {
  return /<[^<>\s@]{1,500}@[^<>\s@]{1,500}>/.exec(value ?? '')?.[0];
}
