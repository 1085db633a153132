// Signed list tokens (pure). Confirmation tokens need Redis: test/integration/subscriber-store.test.ts.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PREFERENCES_LINK_DAYS, signListToken, signPreferencesToken, verifyListToken, verifyPreferencesToken } from '../../src/subscribers/tokens.ts';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);
const current = [{ version: 1, key: OLD }];
const rotated = [
  { version: 2, key: NEW },
  { version: 1, key: OLD },
];

/** Replaces one character of `s` at `i` with a different URL-safe one. */
function flip(s: string, i: number): string {
  const c = s[i] === 'A' ? 'B' : 'A';
  return s.slice(0, i) + c + s.slice(i + 1);
}

describe('list tokens', () => {
  it('round-trips subscriber and list, and is URL-safe and short', () => {
    const token = signListToken(current, '12345', 'pretrain-weekly');
    expect(verifyListToken(current, token)).toEqual({ subscriberId: '12345', listId: 'pretrain-weekly' });
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(`unsubscribe+${token}`.length).toBeLessThanOrEqual(64);
    expect(token.startsWith('1.12345.pretrain-weekly.')).toBe(true);
  });

  it('carries a 128-bit HMAC-SHA256 over version, subscriber and list', () => {
    const token = signListToken(current, '7', 'en-weekly');
    const mac = token.split('.')[3]!;
    expect(Buffer.from(mac, 'base64url')).toHaveLength(16);
    const expected = createHmac('sha256', OLD).update('newsletter-list-token\n1\n7\nen-weekly').digest().subarray(0, 16).toString('base64url');
    expect(mac).toBe(expected);
  });

  it('rejects a change to any part', () => {
    const token = signListToken(current, '12345', 'pretrain-weekly');
    const [version, id, list, mac] = token.split('.') as [string, string, string, string];
    expect(verifyListToken(current, `${version}.12346.${list}.${mac}`)).toBeNull();
    expect(verifyListToken(current, `${version}.${id}.pretrain-weeklz.${mac}`)).toBeNull();
    expect(verifyListToken(current, `${version}.${id}.other-list.${mac}`)).toBeNull();
    expect(verifyListToken(current, `2.${id}.${list}.${mac}`)).toBeNull();
    // Every position of the MAC, including the last character whose low bits base64 ignores.
    for (let i = 0; i < mac.length; i++) {
      expect(verifyListToken(current, `${version}.${id}.${list}.${flip(mac, i)}`), `mac position ${i}`).toBeNull();
    }
  });

  it('rejects a token made with another key', () => {
    const forged = signListToken([{ version: 1, key: 'x'.repeat(40) }], '12345', 'pretrain-weekly');
    expect(verifyListToken(current, forged)).toBeNull();
  });

  it('keeps old tokens valid after rotation, signs new ones with the new key', () => {
    const before = signListToken(current, '9', 'pretrain-weekly');
    expect(verifyListToken(rotated, before)).toEqual({ subscriberId: '9', listId: 'pretrain-weekly' });
    const after = signListToken(rotated, '9', 'pretrain-weekly');
    expect(after.startsWith('2.')).toBe(true);
    expect(verifyListToken(rotated, after)).toEqual({ subscriberId: '9', listId: 'pretrain-weekly' });
    // Once the old key is dropped, its tokens stop working; tokens of an unknown version too.
    expect(verifyListToken([{ version: 2, key: NEW }], before)).toBeNull();
    expect(verifyListToken(current, after)).toBeNull();
  });

  it.each([
    ['empty', ''],
    ['garbage', 'hello world'],
    ['only dots', '...'],
    ['three parts', '1.12345.pretrain-weekly'],
    ['five parts', '1.12345.pretrain-weekly.x.AAAAAAAAAAAAAAAAAAAAAA'],
    ['zero version', '0.1.pretrain-weekly.AAAAAAAAAAAAAAAAAAAAAA'],
    ['non-numeric id', '1.abc.pretrain-weekly.AAAAAAAAAAAAAAAAAAAAAA'],
    ['upper-case list', '1.1.Pretrain.AAAAAAAAAAAAAAAAAAAAAA'],
    ['padding', '1.1.pretrain-weekly.AAAAAAAAAAAAAAAAAAAAAA=='],
    ['very long', `1.1.pretrain-weekly.${'A'.repeat(5000)}`],
  ])('rejects a malformed token (%s)', (_label, token) => {
    expect(verifyListToken(rotated, token)).toBeNull();
  });

  it('rejects truncated tokens', () => {
    const token = signListToken(current, '12345', 'pretrain-weekly');
    for (let n = 0; n < token.length; n++) expect(verifyListToken(current, token.slice(0, n))).toBeNull();
    expect(verifyListToken(current, `${token}A`)).toBeNull();
  });

  it('returns null for non-string input and refuses to sign without a key', () => {
    expect(verifyListToken(current, undefined as unknown as string)).toBeNull();
    expect(verifyListToken([], signListToken(current, '1', 'a'))).toBeNull();
    expect(() => signListToken([], '1', 'pretrain-weekly')).toThrow(/no secret/);
    expect(() => signListToken(current, 'abc', 'pretrain-weekly')).toThrow(/subscriber id/);
    expect(() => signListToken(current, '1', 'Bad.List')).toThrow(/list id/);
  });
});

describe('preferences tokens (issue #32 item 3)', () => {
  const DAY = 24 * 3600 * 1000;
  const now = Date.parse('2025-06-10T12:00:00Z');

  it('round-trips subscriber, list and time; works for PREFERENCES_LINK_DAYS, then is authentic but expired', () => {
    const token = signPreferencesToken(current, '12345', 'pretrain-weekly', now);
    expect(token).toMatch(/^p\.1\.12345\.pretrain-weekly\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifyPreferencesToken(current, token, now)).toEqual({ subscriberId: '12345', listId: 'pretrain-weekly', issuedAt: now, expired: false });
    expect(verifyPreferencesToken(current, token, now + PREFERENCES_LINK_DAYS * DAY - 1)?.expired).toBe(false);
    expect(verifyPreferencesToken(current, token, now + PREFERENCES_LINK_DAYS * DAY)?.expired).toBe(true);
    // Made in the future (a forged clock would need the key anyway): not accepted as fresh.
    expect(verifyPreferencesToken(current, token, now - 3600_000)?.expired).toBe(true);
  });

  it('is not a list token, nor a list token one, and no part can change', () => {
    const token = signPreferencesToken(current, '7', 'en-weekly', now);
    expect(verifyListToken(current, token)).toBeNull();
    expect(verifyPreferencesToken(current, signListToken(current, '7', 'en-weekly'), now)).toBeNull();
    const [p, version, id, list, issued, mac] = token.split('.') as [string, string, string, string, string, string];
    expect(verifyPreferencesToken(current, [p, version, '8', list, issued, mac].join('.'), now)).toBeNull();
    expect(verifyPreferencesToken(current, [p, version, id, 'other', issued, mac].join('.'), now)).toBeNull();
    // A later time (to make an expired link fresh again) breaks the MAC.
    expect(verifyPreferencesToken(current, [p, version, id, list, (now + DAY).toString(36), mac].join('.'), now + DAY)).toBeNull();
    expect(verifyPreferencesToken(current, [p, version, id, list, issued, flip(mac, 3)].join('.'), now)).toBeNull();
    for (let n = 0; n < token.length; n++) expect(verifyPreferencesToken(current, token.slice(0, n), now)).toBeNull();
  });

  it('verifies under every configured key version and refuses to sign without one', () => {
    const old = signPreferencesToken(current, '1', 'pretrain-weekly', now);
    expect(verifyPreferencesToken(rotated, old, now)?.subscriberId).toBe('1');
    expect(verifyPreferencesToken([{ version: 2, key: NEW }], old, now)).toBeNull();
    expect(() => signPreferencesToken([], '1', 'pretrain-weekly')).toThrow(/no secret/);
  });
});
