// plural(): the form Intl.PluralRules picks for a count, with `other` for any category not given.
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/render/locales/format.ts';
import { byCount, count } from '../../src/cli/plural.ts';
import { messagesFor } from '../../src/http/views/messages.ts';
import { stringsFor } from '../../src/render/strings.ts';

describe('plural', () => {
  it('gives English one form for 1 and the other for every other count', () => {
    const forms = { one: 'error', other: 'errors' };
    expect([0, 1, 2, 1.5, 21].map((n) => plural('en', n, forms))).toEqual(['errors', 'error', 'errors', 'errors', 'errors']);
  });

  it("follows the locale's categories, and falls back to other", () => {
    const ar = { zero: 'zero', one: 'one', two: 'two', few: 'few', many: 'many', other: 'other' };
    expect([0, 1, 2, 3, 11, 100].map((n) => plural('ar', n, ar))).toEqual(['zero', 'one', 'two', 'few', 'many', 'other']);
    expect(plural('fr', 0, { one: 'heure', other: 'heures' })).toBe('heure');
    expect(plural('zh-CN', 1, { one: 'never', other: '封' })).toBe('封');
    expect(plural('ar', 2, { one: 'one', other: 'other' })).toBe('other');
  });

  it('serves the CLI: count and byCount', () => {
    expect([count(1, 'subscriber'), count(2, 'subscriber'), count(0, 'mailbox', 'mailboxes')]).toEqual(['1 subscriber', '2 subscribers', '0 mailboxes']);
    expect([byCount(1, 'it', 'them'), byCount(3, 'it', 'them')]).toEqual(['it', 'them']);
  });
});

describe('a confirmation link valid for one hour (CONFIRM_TTL_HOURS=1)', () => {
  it('says one hour, not one hours', () => {
    expect(stringsFor('en').confirm.expires(1)).toBe('This link expires in 1 hour.');
    expect(stringsFor('de').confirm.expires(1)).toBe('Dieser Link ist 1 Stunde gültig.');
    expect(messagesFor('en').confirmNote(1)).toBe('We will email you a link to confirm; it is valid for 1 hour.');
    expect(messagesFor('es').confirmInvalidBody(1)).toContain('válidos durante 1 hora)');
    expect(messagesFor('fr').checkInboxBody(1)).toContain('suivez le lien dans l’heure pour');
    expect(messagesFor('en').confirmNote(48)).toBe('We will email you a link to confirm; it is valid for 48 hours.');
  });
});
