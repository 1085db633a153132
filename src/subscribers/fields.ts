// Validation of the small subscriber fields other than the address: list ids, locales, ids.
import { UserError } from '../errors.ts';

/** The list used when a command is not told which one (the first newsletter's list). */
export const DEFAULT_LIST_ID = 'pretrain-weekly';

export class SubscriberInputError extends UserError {
  override name = 'SubscriberInputError';
}

// Same shape as the newsletter ids in the content schema. It also keeps list ids free of the
// ',' that separates them inside a subscriber hash and the ':' that separates key parts.
const LIST_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export function isListId(value: unknown): value is string {
  return typeof value === 'string' && LIST_ID.test(value);
}

export function requireListId(value: string): string {
  if (!isListId(value)) {
    throw new SubscriberInputError(
      `not a list id: ${JSON.stringify(String(value).slice(0, 80))} (expected lower-case letters, digits and '-', e.g. ${DEFAULT_LIST_ID})`,
    );
  }
  return value;
}

/** Store ids are positive integers written in decimal ("1", "2", …): defined once, in src/redis/subscriber-id.ts. */
export { isSubscriberId } from '../redis/subscriber-id.ts';

// Intl.getCanonicalLocales costs a few µs; an import asks about the same few tags 100,000 times.
const localeCache = new Map<string, string | null>();

/** A BCP 47 tag in canonical case (`zh-cn` and `zh_CN` → `zh-CN`), or null when not one. */
export function normaliseLocale(raw: string): string | null {
  const value = typeof raw === 'string' ? raw.trim().replace(/_/g, '-') : '';
  if (value === '' || value.length > 35 || !/^[A-Za-z0-9-]+$/.test(value)) return null;
  let canonical = localeCache.get(value);
  if (canonical === undefined) {
    try {
      canonical = Intl.getCanonicalLocales(value)[0] ?? null;
    } catch {
      canonical = null;
    }
    if (localeCache.size < 1000) localeCache.set(value, canonical);
  }
  return canonical;
}
