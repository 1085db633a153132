// The subscriber hash's layout: every record reads back as written, records in the layout
// before (keyed consent object, `ua` always present) still read the same, and the compact
// layout is what is stored.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeConsent, encodeConsent, FIELD, fromHash, toHashFields } from '../../src/subscribers/subscriber-codec.ts';
import type { ConsentRecord, Subscriber } from '../../src/subscribers/types.ts';

const toHash = (pairs: string[]) => Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!]));
// Stored times keep milliseconds: any instant from 1970 on reads back as the same ISO text.
const isoTime = fc.date({ min: new Date(0), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const text = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

const consentArb: fc.Arbitrary<ConsentRecord> = fc.record(
  { at: isoTime, source: fc.constantFrom('form', 'import', 'api'), textVersion: fc.string({ maxLength: 20 }), ip: text, userAgent: text, confirmedAt: isoTime },
  { requiredKeys: ['at', 'source', 'textVersion'] },
) as fc.Arbitrary<ConsentRecord>;

describe('consent record', () => {
  it('reads back exactly as written, whatever the text in it (property)', () => {
    fc.assert(
      fc.property(consentArb, (consent) => {
        expect(decodeConsent(encodeConsent(consent))).toEqual(consent);
      }),
    );
  });

  it('is a positional array with a one-letter source and no trailing empties', () => {
    const at = '2026-12-03T10:00:00.000Z';
    expect(encodeConsent({ at, source: 'import', textVersion: 'bench' })).toBe(`["${Date.parse(at).toString(36)}","i","bench"]`);
    expect(encodeConsent({ at, source: 'form', textVersion: 'v1', userAgent: 'UA' })).toBe(`["${Date.parse(at).toString(36)}","f","v1",null,"UA"]`);
  });

  it('still reads the keyed object records were written as before', () => {
    expect(decodeConsent('{"at":"mx7ped2e","src":"form","tv":"v1","ip":"192.0.2.1","ua":"Mozilla","cf":"mx7ped3a"}')).toEqual({
      at: new Date(parseInt('mx7ped2e', 36)).toISOString(),
      source: 'form',
      textVersion: 'v1',
      ip: '192.0.2.1',
      userAgent: 'Mozilla',
      confirmedAt: new Date(parseInt('mx7ped3a', 36)).toISOString(),
    });
  });

  it('reads a damaged record as absent, not as an error', () => {
    for (const raw of ['[', '[1,"i","v"]', '["mx7ped2e","x","v"]', '["mx7ped2e","i"]', 'null', '"text"', '{"at":1}'])
      expect(decodeConsent(raw)).toBeUndefined();
  });
});

describe('subscriber hash', () => {
  const base: Omit<Subscriber, 'id'> = {
    email: 'li.si@example.org',
    status: 'active',
    lists: ['weekly'],
    createdAt: '2026-12-03T10:00:00.000Z',
    updatedAt: '2026-12-03T10:00:00.000Z',
  };

  it('leaves the update time out while it equals the creation time, and reads it back all the same', () => {
    const hash = toHash(toHashFields(base));
    expect(hash[FIELD.updatedAt]).toBeUndefined();
    expect(fromHash('7', hash)).toEqual({ id: '7', ...base });
  });

  it('stores a later update time', () => {
    const later = { ...base, updatedAt: '2026-12-04T08:30:00.000Z' };
    const hash = toHash(toHashFields(later));
    expect(hash[FIELD.updatedAt]).toBe(Date.parse(later.updatedAt).toString(36));
    expect(fromHash('7', hash)).toEqual({ id: '7', ...later });
  });

  it('reads back any subscriber as written (property)', () => {
    const subscriber = fc.record(
      {
        email: fc.emailAddress(),
        status: fc.constantFrom('pending', 'active', 'unsubscribed', 'bounced', 'complained'),
        lists: fc.uniqueArray(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { maxLength: 3 }),
        createdAt: isoTime,
        updatedAt: isoTime,
        name: text,
        locale: fc.constantFrom('zh-CN', 'en'),
        consent: consentArb,
      },
      { requiredKeys: ['email', 'status', 'lists', 'createdAt', 'updatedAt'] },
    ) as fc.Arbitrary<Omit<Subscriber, 'id'>>;
    fc.assert(
      fc.property(subscriber, (sub) => {
        expect(fromHash('42', toHash(toHashFields(sub)))).toEqual({ id: '42', ...sub });
      }),
    );
  });
});
