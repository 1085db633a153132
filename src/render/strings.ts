// Every word the templates print that does not come from the issue file. The messages are one
// file per locale in ./locales (their shape in locales/types.ts), so templates stay free of
// language and a new locale is one file there plus its name in locale-list.ts.
export type { Strings } from './locales/types.ts';
export { isLocale, isRightToLeft, LABEL_KEYS, LOCALES, stringsFor, type LabelKey, type LabelOverrides, type Locale } from './locales/index.ts';
