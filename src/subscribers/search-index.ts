// The search indexes of the subscriber store: what goes into them, and how a search reads them.
//
// Per partition, three sorted sets (keys in src/redis/keys.ts), ordered by the members' bytes so
// that ZRANGEBYLEX / ZLEXCOUNT answer a prefix in O(log N + page):
//   searchLocal   `<mailbox>\0<id>`              the case-folded address, local part first
//   searchDomain  `<domain>@<local part>\0<id>`  the same address turned around at its '@'
//   searchName    `<folded name>\0<id>`          only subscribers with a name
// The id after the NUL makes each member unique (two records of one mailbox, left by an old
// version until `subscribers reindex` merges them, are two members) and names the record. A NUL
// sorts before every other byte, so an exact key comes first, then its longer neighbours.
// Folding happens here in JavaScript (Lua's string.lower knows ASCII only): the store's
// scripts receive finished members, built from the values they are about to write.
//
// The score of a member is its first six bytes read as a big-endian integer (lexScore; the
// scripts compute the same in Lua). Redis orders a sorted set by score, then by member: a score
// that grows with the member's bytes leaves that order exactly the members' byte order, which
// is what ZRANGEBYLEX and ZLEXCOUNT walk (Redis documents them for equal scores only; they read
// the members alone, so any order-keeping score serves). What it buys: an insert into a million
// compares doubles on its way down the skiplist and reads a member's bytes only where six bytes
// tie, about a fifth less time per ZADD. Every writer must use lexScore.

/** Case-blind form of an address (already normalised): the mailbox, as the address index keys it. */
export function foldAddress(email: string): string {
  return email.toLowerCase();
}

/** Case-blind form of a display name or of the text searched for in names. */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** The searchLocal member of a subscriber (mailbox = foldAddress of the address). */
export function localMember(mailbox: string, id: string): string {
  return `${mailbox}\0${id}`;
}

/** The searchDomain member: the address turned around at its '@' (a local part never holds one). */
export function domainMember(mailbox: string, id: string): string {
  const at = mailbox.lastIndexOf('@');
  return `${mailbox.slice(at + 1)}@${mailbox.slice(0, at)}\0${id}`;
}

/** The searchName member; '' for no name (nothing is indexed). */
export function nameMember(name: string | undefined | null, id: string): string {
  return name ? `${foldName(name)}\0${id}` : '';
}

/** The score of a member: its first 6 UTF-8 bytes as a big-endian integer (48 bits: exact in a double). */
export function lexScore(member: string): number {
  const bytes = Buffer.from(member.slice(0, 6), 'utf8');
  let score = 0;
  for (let i = 0; i < 6; i++) score = score * 256 + (bytes[i] ?? 0);
  return score;
}

/** The subscriber id a member names. */
export function idOfMember(member: string): string {
  return member.slice(member.lastIndexOf('\0') + 1);
}

/** The key part of a member (before its NUL). */
export function keyOfMember(member: string): string {
  return member.slice(0, member.lastIndexOf('\0'));
}

/** ZRANGEBYLEX / ZLEXCOUNT bounds of every member whose key starts with `prefix`, or that comes after `after`. */
export function prefixRange(prefix: string, after: string | null): { min: Buffer | string; max: Buffer | string } {
  // No UTF-8 string holds the byte 0xFF: `prefix` + 0xFF is above every member that starts with it.
  const max = Buffer.concat([Buffer.from(`[${prefix}`, 'utf8'), Buffer.from([0xff])]);
  if (after !== null) return { min: Buffer.from(`(${after}`, 'utf8'), max };
  return { min: prefix === '' ? '-' : Buffer.from(`[${prefix}`, 'utf8'), max: prefix === '' ? '+' : max };
}

/**
 * Compares two strings in the order Redis keeps them (their UTF-8 bytes), which is code point
 * order; JavaScript's `<` compares UTF-16 code units, which puts U+E000…U+FFFF after the
 * surrogate pairs of U+10000 and above.
 */
export function compareMembers(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

function codeUnitRank(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

export type SearchKind = 'auto' | 'local' | 'domain' | 'name';
export const SEARCH_KINDS: readonly SearchKind[] = ['auto', 'local', 'domain', 'name'];
export type SearchIndex = 'local' | 'domain' | 'name';

/**
 * One stretch of a search: the members of `index` whose key starts with `prefix`, in order.
 * `domain` (with `local`) keeps only addresses whose domain starts with it (read from the member
 * itself); `unlessLocal` leaves out subscribers whose address starts with it (they were shown
 * by an earlier stretch of the same search).
 */
export interface SearchStretch {
  index: SearchIndex;
  prefix: string;
  alsoDomain?: string;
  alsoLocal?: string;
  unlessLocal?: string;
}

/**
 * What a search text asks for, as stretches read one after the other (an empty list: no text,
 * every subscriber of the filter). The combined `local@domain` query is given both ways round;
 * the store reads whichever of the two ranges is smaller.
 */
export function planSearch(text: string, kind: SearchKind): SearchStretch[] | { either: [SearchStretch, SearchStretch] } {
  const raw = text.trim();
  if (raw === '') return [];
  switch (kind) {
    case 'local':
      return [{ index: 'local', prefix: foldAddress(raw) }];
    case 'domain': {
      const domain = foldAddress(raw.replace(/^@+/, ''));
      return domain === '' ? [] : [{ index: 'domain', prefix: domain }];
    }
    case 'name':
      return [{ index: 'name', prefix: foldName(raw) }];
    case 'auto': {
      const at = raw.indexOf('@');
      if (at < 0) {
        const local = foldAddress(raw);
        return [
          { index: 'local', prefix: local },
          { index: 'name', prefix: foldName(raw), unlessLocal: local },
        ];
      }
      const local = foldAddress(raw.slice(0, at));
      const domain = foldAddress(raw.slice(at + 1));
      if (local === '' && domain === '') return [];
      if (local === '') return [{ index: 'domain', prefix: domain }];
      if (domain === '') return [{ index: 'local', prefix: local }];
      return {
        either: [
          { index: 'local', prefix: local, alsoDomain: domain },
          { index: 'domain', prefix: domain, alsoLocal: local },
        ],
      };
    }
  }
}

/** Whether a member of the stretch's index passes its own string tests (alsoDomain / alsoLocal). */
export function memberPasses(stretch: SearchStretch, member: string): boolean {
  if (stretch.alsoDomain === undefined && stretch.alsoLocal === undefined) return true;
  const key = keyOfMember(member);
  const at = stretch.index === 'local' ? key.lastIndexOf('@') : key.indexOf('@');
  if (stretch.alsoDomain !== undefined) return key.slice(at + 1).startsWith(stretch.alsoDomain);
  return key.slice(at + 1).startsWith(stretch.alsoLocal!);
}

/**
 * A search's position, opaque to callers: which stretch, the index it reads (the combined query
 * may read either), and the last member (or, for a search without text, the last id) it passed.
 */
export interface SearchCursor {
  stretch: number;
  index: SearchIndex | 'id';
  after: string;
}

const INDEX_CODE: Record<SearchCursor['index'], string> = { local: 'l', domain: 'd', name: 'n', id: 'i' };
const CODE_INDEX: Record<string, SearchCursor['index']> = { l: 'local', d: 'domain', n: 'name', i: 'id' };

export function encodeCursor(cursor: SearchCursor): string {
  return `${cursor.stretch}${INDEX_CODE[cursor.index]}${Buffer.from(cursor.after, 'utf8').toString('base64url')}`;
}

/** The cursor, or null when `raw` is not one. */
export function decodeCursor(raw: string): SearchCursor | null {
  const match = /^([0-9])([ldni])([A-Za-z0-9_-]+)$/.exec(raw);
  if (!match) return null;
  const after = Buffer.from(match[3]!, 'base64url').toString('utf8');
  // Not UTF-8, or not what encodeCursor writes: no cursor of ours.
  if (after === '' || Buffer.from(after, 'utf8').toString('base64url') !== match[3]) return null;
  return { stretch: Number(match[1]), index: CODE_INDEX[match[2]!]!, after };
}
