// Dates, numbers and plurals as the locale writes them, by Intl. Formatters are built once per locale.

/** YYYY-MM-DD as a calendar date in `locale` (e.g. March 7, 2025; 2025年3月7日; 7. März 2025), independent of the machine's time zone. */
export function dateFormatter(locale: string): (isoDate: string) => string {
  const format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  return (iso) => format.format(new Date(`${iso}T00:00:00Z`));
}

/** An issue number or a count in the locale's digits, without grouping (issue 1200, not 1,200). */
export function numberFormatter(locale: string): (n: number) => string {
  const format = new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 0 });
  return (n) => format.format(n);
}

/**
 * An event's start (and end) as the locale writes a full date and a time, in the event's time
 * zone, followed by that zone's name: the reader sees the same clock as the organisers and knows
 * which one it is (Thursday, March 28, 2024 at 5:00 PM (UTC)).
 */
export function eventTimeFormatter(locale: string): (start: string, end: string | undefined, timeZone: string) => string {
  const formats = new Map<string, Intl.DateTimeFormat>();
  return (start, end, timeZone) => {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone });
      formats.set(timeZone, format);
    }
    const when = end ? format.formatRange(new Date(start), new Date(end)) : format.format(new Date(start));
    return `${when} (${timeZone})`;
  };
}

/**
 * The words for each plural category a language has (Intl.PluralRules: zero, one, two, few,
 * many, other); `other` is required and stands in for any category left out, so English gives
 * `{ one, other }`, Arabic may give all six, Chinese only `other`.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const pluralRules = new Map<string, Intl.PluralRules>();

/** The form of `forms` that `n` takes in `locale`: plural('en', 1, { one: 'error', other: 'errors' }) is 'error'. */
export function plural(locale: string, n: number, forms: PluralForms): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return forms[rules.select(n)] ?? forms.other;
}
