// The emails' catalogue (catalogue.ts): the message file of every locale, and the two questions
// the renderer asks of a locale: its words (with the newsletter's own labels over them) and its
// writing direction.
import { ar } from './ar.ts';
import { messagesIn, type Catalogue } from './catalogue.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';
import { LOCALES, RIGHT_TO_LEFT, type LabelOverrides, type Locale } from '../../content/locale-list.ts';
import type { Strings } from './types.ts';
import { zhCN } from './zh-CN.ts';
import { zhTW } from './zh-TW.ts';

export { LABEL_KEYS, LOCALES, type LabelKey, type LabelOverrides, type Locale } from '../../content/locale-list.ts';

const STRINGS: Catalogue<Locale, Strings> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW, ja, ko, de, fr, es, ar };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function isRightToLeft(locale: Locale | undefined): boolean {
  return locale !== undefined && RIGHT_TO_LEFT.includes(locale);
}

/** The locale's words (zh-CN when none is given), with a newsletter's `labels:` over them. */
export function stringsFor(locale: Locale | undefined, labels?: LabelOverrides): Strings {
  const base = messagesIn(STRINGS, locale, 'zh-CN');
  const given = Object.entries(labels ?? {}).filter(([, value]) => typeof value === 'string');
  return given.length ? { ...base, ...Object.fromEntries(given) } : base;
}
