// src/mail/nodemailer-internals.ts is the one place that uses nodemailer's private modules. If a
// nodemailer upgrade moves or changes one of them, these tests fail and say which.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedSizes } from '../../src/mail/encoded-sizes.ts';
import { encodeHeaderValue, encodeWord, foldLines, quotedPrintable, quoteString, SMTPPool } from '../../src/mail/nodemailer-internals.ts';

describe("nodemailer's private modules, as the fast path uses them", () => {
  it('mime-node: encodes a CJK header value as RFC 2047 words, leaves ASCII alone', () => {
    expect(encodeHeaderValue('Subject', 'Weekly 64')).toBe('Weekly 64');
    expect(encodeHeaderValue('Subject', '《预训练周刊》第64期')).toMatch(/^=\?UTF-8\?[BQ]\?[^?]+\?=( =\?UTF-8\?[BQ]\?[^?]+\?=)*$/);
  });

  it('mime-funcs: quotes a display name, encodes a word, folds a long line', () => {
    expect(quoteString('Ada "the" Lovelace')).toBe('"Ada \\"the\\" Lovelace"');
    expect(encodeWord('读者', 'B', 52)).toBe('=?UTF-8?B?6K+76ICF?=');
    const folded = foldLines(`X-Long: ${'word '.repeat(40).trim()}`, 76);
    expect(folded.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    expect(folded.replace(/\r\n /g, ' ')).toBe(`X-Long: ${'word '.repeat(40).trim()}`);
  });

  it('qp: encodes and soft-wraps at the given width', () => {
    expect(quotedPrintable(Buffer.from('héllo = world', 'utf8'), 76)).toBe('h=C3=A9llo =3D world');
    const wrapped = quotedPrintable(Buffer.from('中'.repeat(40), 'utf8'), 76);
    expect(wrapped.split('\r\n').every((line) => line.length <= 76)).toBe(true);
  });

  it('smtp-pool: a transport class with send and close', () => {
    expect(typeof SMTPPool).toBe('function');
    expect(typeof SMTPPool.prototype.send).toBe('function');
    expect(typeof SMTPPool.prototype.close).toBe('function');
  });
});

describe('encodedSizes', () => {
  it('base64 by its closed form equals the wrapped encoding, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (text) => {
        const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
        const wrapped = (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
        expect(encodedSizes(text).base64).toBe(wrapped.length);
      }),
      { seed: 64, numRuns: 300 },
    );
  });
});
