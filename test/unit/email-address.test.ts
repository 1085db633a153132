import { describe, expect, it } from 'vitest';
import { normaliseEmail, requireEmail, sanitiseDisplayName } from '../../src/subscribers/email-address.ts';
import { UserError } from '../../src/errors.ts';

describe('normaliseEmail', () => {
  it('trims and lower-cases the domain but keeps the local part', () => {
    expect(normaliseEmail('  Li.Wei+news@Example.COM \t')).toBe('Li.Wei+news@example.com');
    expect(normaliseEmail("o'brien@mail.example.ie")).toBe("o'brien@mail.example.ie");
    expect(normaliseEmail('用户@例子.中国')).toBe('用户@例子.中国');
    expect(normaliseEmail('a@sub-domain.example.co.uk')).toBe('a@sub-domain.example.co.uk');
  });

  it.each([
    ['', 'empty'],
    ['plainaddress', 'no @'],
    ['a@b@example.com', 'two @'],
    ['=?utf-8?q?a?=@example.org', 'an RFC 2047 encoded-word as the local part'],
    ['x=?UTF-8?B?YQ==?=y@example.org', 'an encoded-word inside the local part'],
    ['@example.com', 'empty local part'],
    ['a@', 'empty domain'],
    ['a@localhost', 'no dot in domain'],
    ['a@example.', 'empty last label'],
    ['a@.example.com', 'empty first label'],
    ['a@-example.com', 'label starting with a hyphen'],
    ['a@1.2.3.4', 'bare IP address'],
    ['a b@example.com', 'space'],
    ['a@exa mple.com', 'space in domain'],
    ['a@example.com\r\nBcc: victim@example.org', 'CRLF header injection'],
    ['a@example.com\nBcc: x@y.org', 'LF'],
    ['a\u0000@example.com', 'NUL'],
    ['a\u0085@example.com', 'NEL'],
    ['a\u2028@example.com', 'line separator'],
    ['a\u202E@example.com', 'bidi override'],
    ['a\u200B@example.com', 'zero-width space'],
    ['a@example.com, b@example.com', 'comma (second address)'],
    ['Eve <eve@example.com>', 'angle brackets'],
    ['"eve"@example.com', 'double quotes'],
    ['a;b@example.com', 'semicolon'],
    ['a..b@example.com', 'consecutive dots'],
    ['.a@example.com', 'leading dot'],
    ['a.@example.com', 'trailing dot'],
    [`${'a'.repeat(65)}@example.com`, 'local part over 64'],
    [`a@${'b'.repeat(64)}.com`, 'label over 63'],
    [`${'a'.repeat(60)}@${'b.'.repeat(97)}com`, 'over 254 characters'],
  ])('rejects %j (%s)', (input) => {
    expect(normaliseEmail(input)).toBeNull();
  });

  it('accepts exactly 254 characters and rejects 255', () => {
    const labels = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}`;
    const ok = `${'a'.repeat(64)}@${labels}.ee.com`;
    expect(ok.length).toBe(254);
    expect(normaliseEmail(ok)).toBe(ok);
    expect(normaliseEmail(`${'a'.repeat(64)}@${labels}.eee.com`)).toBeNull();
  });

  it('requireEmail throws a UserError naming the input', () => {
    expect(() => requireEmail('nope')).toThrow(UserError);
    expect(() => requireEmail('nope')).toThrow(/"nope"/);
    expect(requireEmail('X@Y.ORG')).toBe('X@y.org');
  });
});

describe('sanitiseDisplayName', () => {
  it('removes line breaks and control characters, collapsing the gaps', () => {
    expect(sanitiseDisplayName('  Alice\r\nBcc: x@y.org ')).toBe('Alice Bcc: x@y.org');
    expect(sanitiseDisplayName('A\u0000B\u0007C\u2028D\u202EE')).toBe('A B C D E');
    expect(sanitiseDisplayName('王\t小明')).toBe('王 小明');
  });

  it('returns an empty string for nothing useful', () => {
    expect(sanitiseDisplayName('')).toBe('');
    expect(sanitiseDisplayName(' \r\n\t ')).toBe('');
    expect(sanitiseDisplayName(undefined)).toBe('');
    expect(sanitiseDisplayName(null)).toBe('');
  });

  it('cuts at 100 characters without splitting a character', () => {
    expect(sanitiseDisplayName('x'.repeat(150))).toBe('x'.repeat(100));
    const emoji = sanitiseDisplayName('😀'.repeat(120));
    expect(Array.from(emoji)).toHaveLength(100);
    expect(emoji).toBe('😀'.repeat(100));
  });
});
