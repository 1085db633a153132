// The web pages' sentence tables: every locale complete, the right table per locale, and consent
// versions that map back to the sentence the person saw (and never move for existing ones).
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/render/strings.ts';
import { consentTextResolver, consentTextVersion, messagesFor, type Messages } from '../../src/http/views/messages.ts';

const NAMES = ['Weekly Digest', '科研周报'];

/** Sample arguments per function member; members not listed take a newsletter name. */
const SAMPLE_ARGS: Record<string, unknown[][]> = {
  confirmNote: [[24]],
  checkInboxBody: [[24]],
  confirmInvalidBody: [[48]],
  issueNumber: [[1], [1200]],
  subscribeIntro: [['Example Press']],
  unsubscribeBody: [['a***@example.com', 'Weekly Digest']],
  unsubscribedBody: [
    ['a***@example.com', 'Weekly Digest'],
    [null, 'Weekly Digest'],
  ],
  'preferences.intro': [['a***@example.com']],
  'preferences.linkIntro': [[7]],
  'preferences.linkSent': [[7]],
};

/** Every string a table holds, with functions called on sample arguments, named by their path. */
function strings(value: unknown, path: string, out: Array<[string, string]>): Array<[string, string]> {
  if (typeof value === 'string') out.push([path, value]);
  else if (typeof value === 'function') {
    for (const args of SAMPLE_ARGS[path] ?? [['Weekly Digest']]) {
      const result: unknown = (value as (...a: unknown[]) => unknown)(...args);
      expect(typeof result, path).toBe('string');
      out.push([`${path}(${args.join(', ')})`, result as string]);
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

function keyPaths(value: unknown, path = ''): string[] {
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => keyPaths(v, path ? `${path}.${k}` : k));
  return [path];
}

function at(m: Messages, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], m);
}

describe('page messages', () => {
  const en = messagesFor('en');

  it.each(LOCALES)('%s has every key of the English table, each giving a real sentence', (locale) => {
    const m = messagesFor(locale);
    expect(m.lang).toBe(locale);
    for (const path of keyPaths(en)) {
      const v = at(m, path);
      expect(v, `${locale} ${path}`).toBeDefined();
      expect(typeof v, `${locale} ${path}`).toBe(typeof at(en, path));
    }
    for (const [path, s] of strings(m, '', [])) {
      expect(s.trim(), `${locale} ${path}`).not.toBe('');
      expect(s, `${locale} ${path}`).not.toMatch(/undefined|NaN|\[object /);
    }
  });

  it('puts the sample numbers and names into the sentences', () => {
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      const hours = new Intl.NumberFormat(locale, { useGrouping: false }).format(24);
      expect(m.confirmNote(24), locale).toMatch(new RegExp(`24|${hours}`));
      expect(m.issueNumber(7), locale).toMatch(new RegExp(`7|${new Intl.NumberFormat(locale).format(7)}`));
      expect(m.consent('Weekly Digest'), locale).toContain('Weekly Digest');
      expect(m.unsubscribeBody('a***@example.com', 'Weekly Digest'), locale).toContain('a***@example.com');
    }
  });

  it('picks the locale’s table and falls back to English', () => {
    expect(messagesFor('de').subscribeButton).toBe('Abonnieren');
    expect(messagesFor('fr').lang).toBe('fr');
    expect(messagesFor('xx')).toBe(en);
    expect(messagesFor(undefined)).toBe(en);
    expect(messagesFor('toString')).toBe(en);
    expect(en.subscribeButton).toBe('Subscribe');
  });

  it('marks Arabic, and only Arabic, right to left', () => {
    for (const locale of LOCALES) expect(messagesFor(locale).dir, locale).toBe(locale === 'ar' ? 'rtl' : undefined);
  });

  it('keeps French typography: a no-break space before : ? !', () => {
    for (const [path, s] of strings(messagesFor('fr'), '', [])) {
      expect(s.replace(/https?:\/\/\S+/g, ''), path).not.toMatch(/[^\u00a0][:?!]/);
    }
  });

  it('resolves the consent version of every locale back to its sentence', () => {
    const resolve = consentTextResolver(NAMES);
    const versions = new Set<string>();
    for (const locale of LOCALES) {
      const m = messagesFor(locale);
      for (const name of NAMES) {
        const version = consentTextVersion(m, name);
        expect(version.startsWith(`form-v1-${locale}-`)).toBe(true);
        expect(resolve(version)).toBe(m.consent(name));
        versions.add(version);
      }
    }
    expect(versions.size).toBe(LOCALES.length * NAMES.length);
    expect(resolve('form-v1-de-0000000000')).toBeUndefined();
  });

  it('keeps the en and zh-CN consent versions existing subscribers were recorded with', () => {
    expect(consentTextVersion(messagesFor('en'), 'Weekly Digest')).toBe('form-v1-en-1904ca10e0');
    expect(consentTextVersion(messagesFor('en'), '科研周报')).toBe('form-v1-en-b087ccb9f9');
    expect(consentTextVersion(messagesFor('zh-CN'), 'Weekly Digest')).toBe('form-v1-zh-CN-56b5759ce3');
    expect(consentTextVersion(messagesFor('zh-CN'), '科研周报')).toBe('form-v1-zh-CN-e50ebdc26b');
  });
});
