// Counts in CLI output: "1 subscriber", "20 subscribers", "1 mailbox", "2 mailboxes". One
// helper for every command, so no line says "1 subscribers". English's forms are chosen by
// Intl.PluralRules (src/render/locales/format.ts), as the console's and the pages' are.
import { plural } from '../render/locales/format.ts';

/** The English form for `n`: `one` for exactly 1, `other` for every other count (is/are, it/them). */
export function byCount(n: number, one: string, other: string): string {
  return plural('en', n, { one, other });
}

/** `n` and the word, singular for exactly 1 (`many` for irregular plurals). */
export function count(n: number, word: string, many = `${word}s`): string {
  return `${n} ${byCount(n, word, many)}`;
}
