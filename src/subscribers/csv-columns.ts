// The subscriber CSV format shared by import and export, so an export imports back as it was.

/**
 * Columns an export writes, in this order: who, then the consent record (when and how they
 * agreed, from where, to which words, when they confirmed). Import accepts any subset that
 * includes `email`, and the names of earlier exports (LEGACY_COLUMNS).
 */
export const CSV_COLUMNS = [
  'email',
  'name',
  'status',
  'lists',
  'locale',
  'source',
  'consented_at',
  'consent_ip',
  'consent_user_agent',
  'consent_text',
  'confirmed_at',
  'created_at',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Column names of exports before the consent record was complete, read as today's. */
export const LEGACY_COLUMNS: Readonly<Record<string, CsvColumn>> = { consent_at: 'consented_at', consent_source: 'source' };

/** Separator between list ids in the `lists` column (import also accepts ',' and ';'). */
export const LIST_SEPARATOR = ' ';

// Export escapes cells a spreadsheet would run as a formula by prefixing a quote (csv-stringify
// `escape_formulas`); import removes that prefix again, so addresses such as `-x@example.com`
// and names such as `=Team` survive the round trip.
const ESCAPED_FORMULA = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function unescapeFormula(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}
