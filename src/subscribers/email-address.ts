// Addresses and display names as they enter the system (form, API, CLI, CSV import).
// This is the header-injection guard: an address or name reaches a mail header only after
// passing through here, so nothing that could end a header line or open a second address
// (CR, LF, other controls, commas, angle brackets, quotes, spaces) gets past.
import { UserError } from '../errors.ts';

export class InvalidEmailError extends UserError {
  override name = 'InvalidEmailError';
  constructor(readonly input: string) {
    super(`not a valid email address: ${JSON.stringify(input.slice(0, 80))} (expected name@example.com)`);
  }
}

const MAX_ADDRESS = 254; // RFC 5321 forward-path limit
const MAX_LOCAL = 64;
const MAX_LABEL = 63;

// RFC 5322 dot-atom text, plus non-ASCII letters/digits/marks for internationalised
// addresses (RFC 6531). Deliberately excludes the quoted-string form and every "special"
// character ( ) < > [ ] : ; @ \ , " and whitespace, and Unicode format characters such as
// zero-width spaces and bidi overrides (\p{Cf} is not in the class).
const ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\\p{L}\\p{N}\\p{M}]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * Returns the address trimmed, with its domain lower-cased (the local part keeps its case:
 * RFC 5321 says only the receiving host may interpret it), or null when it is not a plain
 * `local@domain.tld` address.
 */
export function normaliseEmail(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_ADDRESS) return null;
  if (CONTROL.test(value)) return null;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > MAX_LOCAL || !LOCAL_PART.test(local)) return null;
  // An RFC 2047 encoded-word is header syntax, never part of an address (RFC 2047 5: not in
  // an addr-spec); accepting one lets a header decoder turn it into something else.
  if (/=\?[^?]*\?[bq]\?/i.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (label.length > MAX_LABEL || !DOMAIN_LABEL.test(label)) return null;
  }
  // A top-level label of digits only means an unbracketed IP address: not an address we mail.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return null;
  return `${local}@${domain}`;
}

/**
 * The mailbox an address names, as the subscriber store keys it: the normalised address
 * case-folded whole. Mailbox providers and listmonk and Ghost treat the local part case-blind,
 * so `Dave@Example.com` and `dave@example.com` are one subscriber (still mailed as first given).
 * Null when it is not an address.
 */
export function mailboxKey(raw: string): string | null {
  const email = normaliseEmail(raw);
  return email === null ? null : email.toLowerCase();
}

/** Like normaliseEmail, but throws InvalidEmailError (a UserError) instead of returning null. */
export function requireEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (email === null) throw new InvalidEmailError(String(raw));
  return email;
}

const MAX_NAME = 100;
// Controls, line/paragraph separators and bidi embedding/override/isolate characters: the
// first could break a header, the last could make a name display as something else.
const NAME_STRIP = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]+/gu;

/** A display name safe to show and to put in a header: one line, trimmed, at most 100 characters. */
export function sanitiseDisplayName(raw: string | null | undefined): string {
  if (typeof raw !== 'string') return '';
  // A lone surrogate is no character: U+FFFD, as its UTF-8 encoding would have made it anyway.
  const oneLine = raw
    .replace(NAME_STRIP, ' ')
    .replace(/\s+/gu, ' ')
    .replace(/\p{Cs}/gu, '\uFFFD')
    .trim();
  // Cut by code points so a CJK name or an emoji is never split in half.
  if (oneLine.length <= MAX_NAME) return oneLine; // at most as many code points as UTF-16 units
  const chars = Array.from(oneLine);
  return chars.length > MAX_NAME ? chars.slice(0, MAX_NAME).join('').trimEnd() : oneLine;
}
