// The locales a newsletter may be written in and the labels an editor may override: names only,
// which the content schema validates; the message tables that use them are src/render/locales/.

/** One message file per entry in src/render/locales (`en.ts`, `zh-CN.ts`, …). */
export const LOCALES = ['en', 'zh-CN', 'zh-TW', 'ja', 'ko', 'de', 'fr', 'es', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

/** Written right to left: the templates mirror their alignment, padding and accents for these. */
export const RIGHT_TO_LEFT: readonly Locale[] = ['ar'];

/**
 * The plain-string labels of `Strings` (src/render/locales/types.ts): what a newsletter's `labels:`
 * may replace. Labels that are functions (title, dates, sentences with the name in them) stay
 * the locale's. types.ts checks at compile time that this list and `Strings` agree.
 */
export const LABEL_KEYS = [
  'viewOnline',
  'greetingPrefix',
  'greetingSuffix',
  'defaultName',
  'affiliations',
  'authors',
  'download',
  'details',
  'speaker',
  'time',
  'communityTitle',
  'previous',
  'next',
  'source',
  'disclaimer',
  'unsubscribe',
  'managePreferences',
  'place',
  'online',
  'register',
  'addToCalendar',
  'sponsorLabel',
  'imageLabel',
  'subscribe',
] as const;
export type LabelKey = (typeof LABEL_KEYS)[number];
export type LabelOverrides = Partial<Record<LabelKey, string>>;
