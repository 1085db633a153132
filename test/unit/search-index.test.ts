// The search indexes' helpers without Redis: member layout, Redis's byte order, query plans,
// cursors; and the import's compact set of subscriber ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../../src/subscribers/import-apply.ts';
import {
  compareMembers,
  decodeCursor,
  domainMember,
  encodeCursor,
  idOfMember,
  keyOfMember,
  lexScore,
  localMember,
  memberPasses,
  nameMember,
  planSearch,
  prefixRange,
} from '../../src/subscribers/search-index.ts';

describe('members', () => {
  it('are the folded key, a NUL and the id; the domain one turned around at the @', () => {
    expect(localMember('ada.l@example.com', '42')).toBe('ada.l@example.com\u000042');
    expect(domainMember('ada.l@example.com', '42')).toBe('example.com@ada.l\u000042');
    expect(nameMember('Ada LOVELACE', '7')).toBe('ada lovelace\u00007');
    expect(nameMember('É', '7')).toBe(nameMember('E\u0301', '7')); // NFC: one name however it was typed
    expect(nameMember(undefined, '7')).toBe('');
    expect(idOfMember('example.com@ada.l\u000042')).toBe('42');
    expect(keyOfMember('example.com@ada.l\u000042')).toBe('example.com@ada.l');
  });

  it('orders like Redis: by UTF-8 bytes, whatever JavaScript’s own order says', () => {
    // U+FF01 is below U+1F600 in UTF-8 and in code points, above it in UTF-16 code units.
    expect('\uFF01' > '\u{1F600}').toBe(true);
    expect(compareMembers('\uFF01', '\u{1F600}')).toBeLessThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareMembers(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
      { numRuns: 2000 },
    );
  });

  it('scores keep the byte order (a score never goes down as the member goes up), exactly', () => {
    expect(lexScore('')).toBe(0);
    expect(lexScore('a')).toBe(0x61 * 256 ** 5);
    expect(lexScore('abcdefgh')).toBe(lexScore('abcdef'));
    expect(lexScore('\u00ff')).toBe(0xc3bf * 256 ** 4); // UTF-8 bytes, not code units
    expect(Number.isSafeInteger(lexScore('\u{10FFFF}\u{10FFFF}'))).toBe(true);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        if (compareMembers(a, b) <= 0) expect(lexScore(a)).toBeLessThanOrEqual(lexScore(b));
        else expect(lexScore(a)).toBeGreaterThanOrEqual(lexScore(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('prefix ranges cover exactly the members that start with the prefix', () => {
    const { min, max } = prefixRange('ab', null);
    expect(min).toEqual(Buffer.from('[ab'));
    expect(max).toEqual(Buffer.concat([Buffer.from('[ab'), Buffer.from([0xff])]));
    expect(prefixRange('', null)).toEqual({ min: '-', max: '+' });
    expect(prefixRange('ab', 'abc\u00001').min).toEqual(Buffer.from('(abc\u00001'));
  });
});

describe('query plans', () => {
  it('reads auto text by its @', () => {
    expect(planSearch(' Ali@Exam ', 'auto')).toEqual({
      either: [
        { index: 'local', prefix: 'ali', alsoDomain: 'exam' },
        { index: 'domain', prefix: 'exam', alsoLocal: 'ali' },
      ],
    });
    expect(planSearch('@Exam', 'auto')).toEqual([{ index: 'domain', prefix: 'exam' }]);
    expect(planSearch('ali@', 'auto')).toEqual([{ index: 'local', prefix: 'ali' }]);
    expect(planSearch('Ada', 'auto')).toEqual([
      { index: 'local', prefix: 'ada' },
      { index: 'name', prefix: 'ada', unlessLocal: 'ada' },
    ]);
    expect(planSearch('  ', 'auto')).toEqual([]);
    expect(planSearch('@', 'auto')).toEqual([]);
    expect(planSearch('@@x', 'domain')).toEqual([{ index: 'domain', prefix: 'x' }]);
  });

  it('tests the other half of local@domain on the member itself', () => {
    const [byLocal, byDomain] = (planSearch('al@ex', 'auto') as { either: [never, never] }).either;
    expect(memberPasses(byLocal, localMember('alice@example.com', '1'))).toBe(true);
    expect(memberPasses(byLocal, localMember('alice@other.com', '1'))).toBe(false);
    expect(memberPasses(byDomain, domainMember('alice@example.com', '1'))).toBe(true);
    expect(memberPasses(byDomain, domainMember('bob@example.com', '1'))).toBe(false);
  });
});

describe('cursors', () => {
  it('round-trip, and anything else is no cursor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom('local' as const, 'domain' as const, 'name' as const, 'id' as const),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (stretch, index, after) => {
          expect(decodeCursor(encodeCursor({ stretch, index, after }))).toEqual({ stretch, index, after });
        },
      ),
    );
    for (const bad of ['', 'x', '0x', '0lAA==', '10l', 'l0abc', '0l']) expect(decodeCursor(bad), bad).toBeNull();
  });
});

describe('IdSet', () => {
  it('is a set of subscriber ids', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 200 }),
        (added, asked) => {
          const ids = new IdSet();
          for (const n of added) ids.add(String(n));
          const plain = new Set(added);
          for (const n of [...added, ...asked]) expect(ids.has(String(n))).toBe(plain.has(n));
        },
      ),
    );
  });
});
