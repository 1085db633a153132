// Our Message-IDs carry a MAC (src/mail/message-id.ts): a report quoting one proves which message
// it is about; an edited, made-up or old unsigned id proves nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partsOfOurMessageId, verifyMessageId } from '../../src/mail/message-id.ts';
import { newsletterMessageId } from '../../src/mail/newsletter-message.ts';
import { partsOfMessageId } from '../../src/use-cases/delivery-report.ts';

const current = { version: 2, key: 'c'.repeat(40) };
const previous = { version: 1, key: 'p'.repeat(40) };
const CONTENT = 'ab'.repeat(32);

describe('signed Message-IDs', () => {
  it('name issue and subscriber, stay deterministic, and verify under the secret that made them', () => {
    const id = newsletterMessageId('pretrain-weekly-064', '7', CONTENT, 'news.example', [current]);
    expect(id).toMatch(/^<pretrain-weekly-064\.7\.[0-9a-f]{36}@news\.example>$/);
    expect(newsletterMessageId('pretrain-weekly-064', '7', CONTENT, 'news.example', [current])).toBe(id);
    expect(newsletterMessageId('pretrain-weekly-064', '7', 'cd'.repeat(32), 'news.example', [current])).not.toBe(id);
    expect(verifyMessageId([current], id)).toEqual({ issueId: 'pretrain-weekly-064', subscriberId: '7' });
    expect(verifyMessageId([current], ` ${id.slice(1, -1)} `)).toEqual({ issueId: 'pretrain-weekly-064', subscriberId: '7' });
    expect(partsOfOurMessageId(id)).toEqual({ issueId: 'pretrain-weekly-064', subscriberId: '7', signed: true });
    expect(partsOfMessageId(id)).toEqual({ issueId: 'pretrain-weekly-064', subscriberId: '7' });
  });

  it('still verify after a key rotation, and not once the old key is gone', () => {
    const old = newsletterMessageId('field-notes-012', '12', CONTENT, 'news.example', [previous]);
    expect(verifyMessageId([current, previous], old)).toEqual({ issueId: 'field-notes-012', subscriberId: '12' });
    expect(verifyMessageId([current], old)).toBeNull();
  });

  it('an unsigned id (no secret, or of the old 16-digit format) identifies but does not verify', () => {
    const unsigned = newsletterMessageId('pretrain-weekly-064', '7', CONTENT, 'news.example');
    expect(unsigned).toMatch(/^<pretrain-weekly-064\.7\.[0-9a-f]{16}@news\.example>$/);
    expect(verifyMessageId([current], unsigned)).toBeNull();
    expect(verifyMessageId([current], '<any-issue.3.0000000000000000@example.com>')).toBeNull();
    expect(partsOfOurMessageId(unsigned)).toEqual({ issueId: 'pretrain-weekly-064', subscriberId: '7', signed: false });
  });

  it('another subscriber, issue or MAC in a signed id does not verify', () => {
    const id = newsletterMessageId('pretrain-weekly-064', '7', CONTENT, 'news.example', [current]);
    expect(verifyMessageId([current], id.replace('.7.', '.8.'))).toBeNull();
    expect(verifyMessageId([current], id.replace('pretrain-weekly-064', 'pretrain-weekly-065'))).toBeNull();
    expect(
      verifyMessageId(
        [current],
        id.replace(/[0-9a-f](@)/, (c, at: string) => `${c === '0' ? '1' : '0'}${at}`),
      ),
    ).toBeNull();
    expect(verifyMessageId([current], `<any-issue.3.${'0'.repeat(36)}@example.com>`)).toBeNull();
    expect(verifyMessageId([], id)).toBeNull();
  });

  it('no string verifies unless it was made with the key', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
        fc.integer({ min: 1, max: 1e9 }),
        fc.stringMatching(/^[0-9a-f]{36}$/),
        (issue, subscriber, tag) => {
          expect(verifyMessageId([current], `<${issue}.${subscriber}.${tag}@example.com>`)).toBeNull();
        },
      ),
      { seed: 32, numRuns: 500 },
    );
  });
});
