// The subscriber CSV format shared by import and export, so an export imports back as it was.

/** Columns an export writes, in this order. Import accepts any subset that includes `email`. */
export const CSV_COLUMNS = ['email', 'name', 'locale', 'status', 'lists', 'created_at', 'consent_at', 'consent_source'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Separator between list ids in the `lists` column (import also accepts ',' and ';'). */
export const LIST_SEPARATOR = ' ';

// Export escapes cells a spreadsheet would run as a formula by prefixing a quote (csv-stringify
// `escape_formulas`); import removes that prefix again, so addresses such as `-x@example.com`
// and names such as `=Team` survive the round trip.
const ESCAPED_FORMULA = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

export function unescapeFormula(value: string): string {
  return ESCAPED_FORMULA.test(value) ? value.slice(1) : value;
}
