// The token of a tracked link (src/reports/click-token.ts) and what a click's request shows
// (src/reports/click-classify.ts).
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyVersion } from '../../src/config/index.ts';
import { APPLE_PROXY_WINDOW_MS, classifyClick, classifyOpen } from '../../src/reports/click-classify.ts';
import { clickTokenSigner, signClickToken, verifyClickToken } from '../../src/reports/click-token.ts';
import { PrefixedHmac } from '../../src/reports/prefixed-hmac.ts';

const KEY = { version: 2, key: 'k'.repeat(16) + 'x'.repeat(16) };
const OLD = { version: 1, key: 'o'.repeat(32) };
const campaign = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/);
const subscriber = fc.integer({ min: 1, max: 2 ** 40 }).map(String);
const sentAt = fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => s * 1000);

describe('click token', () => {
  it('proves the send time and the same reader key for one reader of one issue, and holds no subscriber id', () => {
    fc.assert(
      fc.property(campaign, subscriber, sentAt, (c, s, t) => {
        const token = signClickToken([KEY], c, s, t);
        expect(token).toMatch(/^2\.[A-Za-z0-9_-]{28}$/);
        const claims = verifyClickToken([KEY], c, token);
        expect(claims).toEqual({ reader: expect.stringMatching(/^[0-9a-f]{18}$/), sentAt: t });
        expect(verifyClickToken([KEY], c, signClickToken([KEY], c, s, t + 5000))?.reader).toBe(claims!.reader);
        // The same 30 characters whatever the id's length: a keyed hash of it, not the id.
        expect(token).toHaveLength(30);
      }),
    );
  });

  it('makes, through the per-campaign signer, exactly the tokens signClickToken makes', () => {
    fc.assert(
      fc.property(
        campaign,
        fc.oneof(subscriber, fc.string({ maxLength: 100 })),
        sentAt,
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.integer({ min: 1, max: 999_999 }),
        (c, s, t, key, version) => {
          const secrets = [{ version, key }];
          expect(clickTokenSigner(secrets, c)(s, t)).toBe(signClickToken(secrets, c, s, t));
        },
      ),
      { numRuns: 500 },
    );
    // One signer, many messages: nothing of one message stays in the next.
    const sign = clickTokenSigner([KEY], 'weekly-064');
    for (const id of ['1', '123456789012', '7', `${'9'.repeat(64)}`, `${'9'.repeat(65)}`, '42'])
      expect(sign(id, 1_796_000_000_000)).toBe(signClickToken([KEY], 'weekly-064', id, 1_796_000_000_000));
  });

  it('hashes like node:crypto for every prefix and suffix length around the block boundaries', () => {
    for (const keyLength of [0, 1, 63, 64, 65, 200]) {
      const key = Buffer.alloc(keyLength, 7);
      for (let prefix = 0; prefix <= 130; prefix += 13) {
        const hmac = new PrefixedHmac(key, Buffer.alloc(prefix, 0x61), 140);
        for (let suffix = 0; suffix <= 140; suffix += 7) {
          const tail = Buffer.alloc(suffix, 0x62);
          const expected = createHmac('sha256', key).update(Buffer.alloc(prefix, 0x61)).update(tail).digest();
          expect(Buffer.from(hmac.compute(tail)).equals(expected), `key ${keyLength}, prefix ${prefix}, suffix ${suffix}`).toBe(true);
        }
      }
    }
  });

  it('verifies tokens signed with a key version as the configuration derives it (up to 999,999)', () => {
    for (const key of ['a-secret-as-in-.env-0123456789abcdef', 'another-one-zyxwvutsrqponm-987654']) {
      const secret = { version: keyVersion(key), key };
      for (const version of [secret.version, 999_999, 1]) {
        const s = { ...secret, version };
        expect(verifyClickToken([s], 'weekly-064', signClickToken([s], 'weekly-064', '42', 60_000))).toMatchObject({ sentAt: 60_000 });
      }
    }
    expect(verifyClickToken([{ version: 1_000_000, key: 'x' }], 'c', signClickToken([{ version: 1_000_000, key: 'x' }], 'c', '1', 0))).toBeNull();
  });

  it('gives a reader another key in every other issue, so nobody can follow them from issue to issue', () => {
    const a = verifyClickToken([KEY], 'weekly-064', signClickToken([KEY], 'weekly-064', '42', 0))!.reader;
    const b = verifyClickToken([KEY], 'weekly-065', signClickToken([KEY], 'weekly-065', '42', 0))!.reader;
    expect(a).not.toBe(b);
  });

  it('refuses any altered character, another issue, and a key no longer configured; still verifies under the previous key', () => {
    const token = signClickToken([KEY], 'weekly-064', '7', 1_700_000_000_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: token.length - 1 }), fc.constantFrom(...'0123456789abcdefABCDEF-_.xyz'), (at, ch) => {
        const altered = token.slice(0, at) + ch + token.slice(at + 1);
        if (altered !== token) expect(verifyClickToken([KEY], 'weekly-064', altered)).toBeNull();
      }),
    );
    expect(verifyClickToken([KEY], 'weekly-065', token)).toBeNull();
    expect(verifyClickToken([OLD], 'weekly-064', token)).toBeNull();
    expect(verifyClickToken([KEY, OLD], 'weekly-064', signClickToken([OLD], 'weekly-064', '7', 0))).not.toBeNull();
    for (const junk of ['', '2.', 'x'.repeat(500), `2.${'A'.repeat(27)}`, `99.${'A'.repeat(28)}`])
      expect(verifyClickToken([KEY], 'weekly-064', junk)).toBeNull();
  });
});

describe('classifyClick', () => {
  const person = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
  const base = { method: 'GET', userAgent: person, sentAt: 0, now: 3_600_000 };

  it('counts nothing for a HEAD or a token that proves nothing', () => {
    expect(classifyClick({ ...base, method: 'HEAD' })).toBe('none');
    expect(classifyClick({ ...base, sentAt: null })).toBe('none');
  });

  it('counts scanners, previewers, bare HTTP clients and a missing user agent as machines', () => {
    for (const agent of [
      undefined,
      '',
      'Mozilla/5.0 (compatible; BingPreview/1.0b)',
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
      'Proofpoint URL Defense',
      'Barracuda Sentinel (EE)',
      'python-requests/2.32.3',
      'curl/8.5.0',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    ]) {
      expect(classifyClick({ ...base, userAgent: agent }), String(agent)).toBe('machine');
    }
  });

  it('counts a click within the window after sending as a machine, a later one as a person (unless a burst says otherwise)', () => {
    expect(classifyClick({ ...base, now: 59_999 })).toBe('machine');
    expect(classifyClick({ ...base, now: 60_000 })).toBe('candidate');
    expect(classifyClick({ ...base, now: 5_000, machineWindowMs: 1_000 })).toBe('candidate');
  });
});

describe('classifyOpen', () => {
  const person = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)';
  const base = { method: 'GET', userAgent: person, sentAt: 0, now: 3_600_000 };
  const gmail = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';

  it('counts Apple’s privacy proxy (a bare Mozilla/5.0 soon after delivery) as a machine, later as a person', () => {
    expect(classifyOpen({ ...base, userAgent: 'Mozilla/5.0', now: 5 * 60_000 })).toBe('machine');
    expect(classifyOpen({ ...base, userAgent: 'Mozilla/5.0', now: APPLE_PROXY_WINDOW_MS })).toBe('candidate');
  });

  it('counts Gmail’s image proxy as a person, even soon after delivery', () => {
    expect(classifyOpen({ ...base, userAgent: gmail })).toBe('candidate');
    expect(classifyOpen({ ...base, userAgent: gmail, now: 10_000 })).toBe('candidate');
  });

  it('counts scanners and fetches within the machine window as machines, a HEAD or a bad token not at all', () => {
    expect(classifyOpen({ ...base, userAgent: 'Barracuda Sentinel (EE)' })).toBe('machine');
    expect(classifyOpen({ ...base, now: 30_000 })).toBe('machine');
    expect(classifyOpen({ ...base })).toBe('candidate');
    expect(classifyOpen({ ...base, method: 'HEAD' })).toBe('none');
    expect(classifyOpen({ ...base, sentAt: null })).toBe('none');
  });
});
