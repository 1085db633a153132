// The "link to manage your subscription" mail (issue #32 item 3) in every locale: its own words
// through the confirmation template, the link as given, how many days it works, no tokens left.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile, type LoadedIssue } from '../../src/content/index.ts';
import { UserError } from '../../src/errors.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { createRenderer, type Renderer } from '../../src/render/index.ts';
import { LOCALES, stringsFor } from '../../src/render/strings.ts';

let loaded: LoadedIssue;
let renderer: Renderer;

beforeAll(async () => {
  loaded = await loadIssueFile('emails/issues/field-notes-012.yaml');
  renderer = createRenderer(loaded.templates, { encodedSizes });
});

const URL_ = 'https://news.example.test/preferences/p.1.42.field-notes.abc.AAAAAAAAAAAAAAAAAAAAAA';

describe.each(LOCALES)('the preferences-link mail in %s', (locale) => {
  it('has the button with the link, says for how many days, and leaves nothing unfilled', async () => {
    const newsletter = { ...loaded.newsletter, locale };
    const s = stringsFor(locale);
    const mail = await renderer.renderTransactional('preferences-link', { newsletter, preferencesUrl: URL_, name: 'Ann', expiresInDays: 7 });
    expect(mail.subject).toBe(s.preferencesLink.subject(s.title(newsletter.name)));
    expect(mail.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}"`));
    expect(mail.html).toContain(`href="${URL_}"`);
    expect(mail.html).toContain(s.preferencesLink.button);
    expect(mail.text).toContain(URL_);
    const words = (t: string) => t.replace(/\s+/g, ' ');
    expect(words(mail.text)).toContain(words(s.preferencesLink.expires(7)));
    expect(words(mail.text)).toContain(words(s.preferencesLink.ignore));
    for (const part of [mail.subject, mail.html, mail.text]) expect(part).not.toMatch(/undefined|NaN|%%NL_/);
  });
});

it('refuses a link that is not http(s)', async () => {
  await expect(
    renderer.renderTransactional('preferences-link', { newsletter: loaded.newsletter, preferencesUrl: 'javascript:alert(1)', expiresInDays: 7 }),
  ).rejects.toThrow(UserError);
});
