// VERP return paths: each message's MAIL FROM names its subscriber and issue, signed, within the
// 64-character local part; anything not made by us (another key, an edited id) reads as null.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVerpAddress, verpAddress } from '../../src/mail/verp.ts';

const current = { version: 2, key: 'c'.repeat(40) };
const previous = { version: 1, key: 'p'.repeat(40) };
const BOUNCES = 'bounces@news.example';

describe('VERP addresses', () => {
  it('round-trips subscriber and issue, case-blind on the fixed parts', () => {
    const address = verpAddress(BOUNCES, [current], '7', 'pretrain-weekly-064');
    expect(address).toMatch(/^bounces\+7\.pretrain-weekly-064\.[A-Za-z0-9_-]{12}@news\.example$/);
    expect(readVerpAddress(BOUNCES, [current], address)).toEqual({ subscriberId: '7', issueId: 'pretrain-weekly-064' });
    expect(readVerpAddress(BOUNCES, [current], `<${address.replace('bounces+', 'Bounces+').replace('news.example', 'NEWS.example')}>`)).toEqual({
      subscriberId: '7',
      issueId: 'pretrain-weekly-064',
    });
  });

  it('still reads addresses signed with the previous secret after a rotation', () => {
    const old = verpAddress(BOUNCES, [previous], '12', 'field-notes-012');
    expect(readVerpAddress(BOUNCES, [current, previous], old)).toEqual({ subscriberId: '12', issueId: 'field-notes-012' });
    expect(readVerpAddress(BOUNCES, [current], old)).toBeNull();
  });

  it('drops the issue from the token when it would pass 64 characters, and still names the subscriber', () => {
    const long = `issue-${'x'.repeat(60)}`;
    const address = verpAddress(BOUNCES, [current], '123456789', long);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(readVerpAddress(BOUNCES, [current], address)).toEqual({ subscriberId: '123456789' });
  });

  it('refuses edited ids, other local parts and other domains', () => {
    const address = verpAddress(BOUNCES, [current], '7', 'pretrain-weekly-064');
    for (const forged of [
      address.replace('+7.', '+8.'),
      address.replace('064', '065'),
      address.replace('bounces+', 'other+'),
      address.replace('news.example', 'evil.example'),
      'bounces@news.example',
      'bounces+7@news.example',
    ]) {
      expect(readVerpAddress(BOUNCES, [current], forged), forged).toBeNull();
    }
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(readVerpAddress(BOUNCES, [current], s)).toBeNull();
      }),
    );
  });
});
