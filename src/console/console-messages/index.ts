// The console's catalogue (src/render/locales/catalogue.ts): its sentences in each of its two
// languages. The console's language comes from the editor's choice (a cookie set by the
// language links) or the browser's Accept-Language.
import { messagesIn, type Catalogue } from '../../render/locales/catalogue.ts';
import { en } from './en.ts';
import type { ConsoleLocale, ConsoleMessages } from './types.ts';
import { zhCN } from './zh-CN.ts';

export { CONSOLE_LOCALES, type ConsoleLocale, type ConsoleMessages } from './types.ts';

export const CONSOLE_MESSAGES: Catalogue<ConsoleLocale, ConsoleMessages> = { en, 'zh-CN': zhCN };

export function consoleMessages(locale: ConsoleLocale): ConsoleMessages {
  return messagesIn(CONSOLE_MESSAGES, locale, 'en');
}

/** The editor's choice (cookie) if it is one of ours, else the first Accept-Language match, else en. */
export function consoleLocale(choice: string | undefined, acceptLanguage: string | undefined): ConsoleLocale {
  if (choice === 'en' || choice === 'zh-CN') return choice;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
