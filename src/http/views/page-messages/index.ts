// The web pages' catalogue (src/render/locales/catalogue.ts): every locale's sentences. Pages pick
// the newsletter's locale; a locale without a table falls back to English.
import { messagesIn, type Catalogue } from '../../../render/locales/catalogue.ts';
import { ar } from './ar.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';
import type { Messages, PageLocale } from './types.ts';
import { zhCN } from './zh-CN.ts';
import { zhTW } from './zh-TW.ts';

export type { Messages, PageLocale } from './types.ts';

export const PAGE_MESSAGES: Catalogue<PageLocale, Messages> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW, ja, ko, de, fr, es, ar };

export function messagesFor(locale: string | undefined): Messages {
  return messagesIn(PAGE_MESSAGES, locale, 'en');
}
