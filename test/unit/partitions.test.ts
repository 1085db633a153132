// src/redis/partitions.ts: P = 1 keeps every key name of a single-Redis deployment; P > 1 gives
// each partition its own hash tag for subscriber and send keys, and keeps deployment-wide keys
// under KEY_PREFIX; ids and addresses map to partitions the same way every time.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keys } from '../../src/redis/keys.ts';
import keySlot from 'cluster-key-slot';
import { partitionPrefix, partitionsFor } from '../../src/redis/partitions.ts';

describe('partitions', () => {
  it('P = 1 is the KEY_PREFIX itself: the same key names as before partitions', () => {
    const parts = partitionsFor('{nl}');
    expect(parts.count).toBe(1);
    expect(parts.keys).toHaveLength(1);
    const [only] = parts.keys;
    const plain = keys('{nl}');
    expect(only!.subscriber('7')).toBe(plain.subscriber('7'));
    expect(only!.ledger('w-1')).toBe('{nl}:campaign:w-1:ledger');
    expect(only!.prefix).toBe('{nl}');
    expect(parts.ofId('12345')).toBe(0);
    expect(parts.ofEmail('a@example.com')).toBe(0);
  });

  it('P = 3: subscriber and send keys under partition tags, deployment-wide keys under {nl}', () => {
    const parts = partitionsFor('{nl}', 3);
    // {nl.2} hashes outside the last third of the slots: the next tag that falls in it.
    expect(parts.keys.map((k) => k.prefix)).toEqual(['{nl.0}', '{nl.1}', '{nl.2.1}']);
    const k1 = parts.keys[1]!;
    expect(k1.subscriber('4')).toBe('{nl.1}:sub:4');
    expect(k1.emailIndex()).toBe('{nl.1}:sub:by-email');
    expect(k1.listActive('weekly')).toBe('{nl.1}:list:weekly:active-bits');
    expect(k1.campaign('w-1')).toBe('{nl.1}:campaign:w-1');
    expect(k1.ledger('w-1')).toBe('{nl.1}:campaign:w-1:ledger');
    expect(k1.rendered('w-1')).toBe('{nl}:issue:w-1:rendered');
    expect(k1.archiveIndex()).toBe('{nl}:campaigns');
    expect(k1.confirmToken('h')).toBe('{nl}:confirm:h');
    expect(k1.adminSession('h')).toBe('{nl}:admin-session:h');
    expect(partitionPrefix('{nl}', 2, 3)).toBe('{nl.2.1}');
  });

  it('partition p of P hashes into the p-th of P equal slot ranges (one per master of an evenly made cluster)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9_-]{1,12}$/), fc.integer({ min: 2, max: 64 }), (stem, count) => {
        const parts = partitionsFor(`{${stem}}`, count);
        parts.keys.forEach((k, p) => {
          const slot = keySlot(k.prefix.slice(1, -1));
          expect(slot).toBeGreaterThanOrEqual(Math.floor((p * 16384) / count));
          expect(slot).toBeLessThan(Math.floor(((p + 1) * 16384) / count));
        });
        expect(new Set(parts.keys.map((k) => k.prefix)).size).toBe(count);
      }),
      { numRuns: 50 },
    );
  });

  it('an id names its partition (id mod P); what is not an id names none', () => {
    const parts = partitionsFor('{nl}', 3);
    expect(['3', '4', '5', '9007199254740993'].map(parts.ofId)).toEqual([0, 1, 2, Number(9007199254740993n % 3n)]);
    for (const bad of ['', '0', '-1', '1.5', 'x', '01', '1e3']) expect(parts.ofId(bad)).toBe(-1);
  });

  it('an address always lands in the same partition, in range, and addresses spread over all of them', () => {
    const parts = partitionsFor('{nl}', 4);
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const p = parts.ofEmail(email);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(4);
        expect(parts.ofEmail(email)).toBe(p);
      }),
    );
    const seen = new Set(Array.from({ length: 200 }, (_, i) => parts.ofEmail(`reader${i}@example.com`)));
    expect(seen.size).toBe(4);
  });

  it('refuses a count out of range', () => {
    expect(() => partitionsFor('{nl}', 0)).toThrow(RangeError);
    expect(() => partitionsFor('{nl}', 65)).toThrow(RangeError);
    expect(() => partitionsFor('{nl}', 1.5)).toThrow(RangeError);
  });
});
