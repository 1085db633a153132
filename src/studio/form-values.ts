// The form's inputs for an issue as it is: one value per field path, written the way the input
// shows it (lines joined by newlines, numbers as digits, a ticked flag as its value). What the
// studio's page fills in, and what IssueDocument.applyForm reads back unchanged.
import { formatPath, type PathSegment } from '../content/field-path.ts';
import { ISSUE_FIELDS, isSectionKind, SECTION_FIELDS, type FormField, type ScalarField } from './issue-fields.ts';
import { valueAt } from './issue-document.ts';

export function formValuesOf(data: Record<string, unknown>): Record<string, string> {
  return valuesOf(data, () => true);
}

/** The Markdown fields' values by field path (for their previews). */
export function markdownValuesOf(data: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(valuesOf(data, (field) => field.type === 'markdown'));
}

function valuesOf(data: Record<string, unknown>, wanted: (field: ScalarField) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const collect = (fields: readonly FormField[], base: PathSegment[]) => collectFields(fields, base, data, out, wanted);
  collect(ISSUE_FIELDS, []);
  const sections = data.sections;
  if (Array.isArray(sections))
    sections.forEach((section, i) => {
      const kind = (section as { kind?: unknown } | null)?.kind;
      if (isSectionKind(kind)) collect(SECTION_FIELDS[kind], ['sections', i]);
    });
  return out;
}

function collectFields(
  fields: readonly FormField[],
  base: PathSegment[],
  data: unknown,
  out: Record<string, string>,
  wanted: (field: ScalarField) => boolean,
): void {
  for (const field of fields) {
    const path = [...base, field.key];
    if (field.type === 'list') {
      const items = valueAt(data, path);
      if (Array.isArray(items)) for (let i = 0; i < items.length; i++) collectFields(field.item, [...path, i], data, out, wanted);
    } else if (field.type === 'group') collectFields(field.fields, path, data, out, wanted);
    else if (wanted(field)) out[formatPath(path)] = shown(field, valueAt(data, path));
  }
}

/** A stored value as its input shows it. */
export function shown(field: ScalarField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'lines') return Array.isArray(value) ? value.map(String).join('\n') : String(value);
  if (field.type === 'flag') return value === field.value ? String(value) : '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\n$/, '');
}
