// Every sentence the web pages show, per locale: the catalogue is page-messages/ (one file per
// locale, their shape in page-messages/types.ts). The consent sentence's text is versioned by
// its hash, so the consent record names exactly what the person saw: never edit a published
// consent sentence in place.
import { createHash } from 'node:crypto';
import { PAGE_MESSAGES, type Messages } from './page-messages/index.ts';

export { messagesFor, type Messages, type PageLocale } from './page-messages/index.ts';

/** `form-v1-<locale>-<hash of the consent sentence>`: recorded with every form consent. */
export function consentTextVersion(m: Messages, newsletterName: string): string {
  const digest = createHash('sha256').update(m.consent(newsletterName)).digest('hex').slice(0, 10);
  return `form-v1-${m.lang}-${digest}`;
}

/** The consent sentence a `consentTextVersion` stands for, over these newsletters and every locale. */
export function consentTextResolver(newsletterNames: readonly string[]): (version: string) => string | undefined {
  const texts = new Map<string, string>();
  for (const m of Object.values(PAGE_MESSAGES)) for (const name of newsletterNames) texts.set(consentTextVersion(m, name), m.consent(name));
  return (version) => texts.get(version);
}
