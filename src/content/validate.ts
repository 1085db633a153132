// Checks parsed YAML against a zod schema and turns every problem into one line of a
// ContentError, in file order, so that an editor fixes a file in one go (one problem per field;
// each unknown key is its own). Zod's default wording is replaced by editor-facing phrases;
// messages the schema sets itself (e.g. "must be an http(s) or mailto URL") are kept as they are.
import type { z } from 'zod';
import { ContentError, type ContentProblem } from './content-error.ts';
import { formatPath, type PathSegment } from './field-path.ts';
import { SECTION_KINDS } from './schema.ts';
import type { YamlSource } from './yaml-source.ts';

interface Problem {
  path: PathSegment[];
  message: string;
  line: number;
  order: number;
}

export function validateSource<S extends z.ZodType>(schema: S, source: YamlSource): z.output<S> {
  const result = schema.safeParse(source.data, { error: describeIssue });
  if (result.success) return result.data;

  const problems: Problem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s === 'string' || typeof s === 'number');
    if (issue.code === 'unrecognized_keys') {
      // One problem per unknown key, on the key's own line (where a typo is), naming the allowed ones.
      const allowed = allowedKeys(schema, path, source.data);
      const hint = allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      for (const key of issue.keys) {
        const at = [...path, key];
        problems.push({ path: at, message: `unknown field "${key}"${hint}`, line: source.lineOf(at), order: problems.length });
      }
    } else {
      problems.push({ path, message: issue.message, line: source.lineOf(path), order: problems.length });
    }
  }
  problems.sort((a, b) => a.line - b.line || a.order - b.order);

  // One problem per field: a second check on the same value (a date that is neither
  // YYYY-MM-DD nor in the calendar) would only repeat the first.
  const seen = new Set<string>();
  const lines: ContentProblem[] = [];
  for (const problem of problems) {
    const field = formatPath(problem.path);
    if (seen.has(field)) continue;
    seen.add(field);
    lines.push({ file: source.file, line: problem.line, field: field || undefined, problem: problem.message });
  }
  throw ContentError.of(lines);
}

const KIND_LIST = SECTION_KINDS.join(', ');

/** Per-parse error map: only called for issues whose schema did not set its own message. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = describeType(issue.expected);
      if (issue.input === undefined) return `is required (expected ${expected})`;
      return `must be ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_union': {
      if (issue.discriminator === undefined) return 'does not match any allowed form';
      const value = (issue.input as Record<string, unknown> | null)?.[issue.discriminator];
      if (value === undefined) return `is required: say which kind of block this is (one of ${KIND_LIST})`;
      return `unknown block kind ${JSON.stringify(value)} (kinds: ${KIND_LIST})`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return `must hold at least ${min} item${min === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      return issue.inclusive ? `must be at least ${min}` : `must be greater than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return `must hold at most ${max} items`;
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'invalid_format':
      return `is not a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `unknown field "${issue.keys[0] ?? ''}"`;
    default:
      return undefined;
  }
}

function describeType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping of fields';
    default:
      return expected;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `text ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** The field names the schema accepts at `path`, following the data through lists and unions. */
function allowedKeys(schema: z.ZodType, path: readonly PathSegment[], data: unknown): string[] {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  let value: unknown = data;
  for (const segment of path) {
    if (!current) return [];
    current = unwrap(childSchema(current, segment, value));
    value = (value as Record<PathSegment, unknown> | undefined)?.[segment];
  }
  if (current && current._zod.def.type === 'union') current = unwrap(pickOption(current, value));
  const def = current?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function childSchema(schema: z.core.$ZodType, segment: PathSegment, value: unknown): z.core.$ZodType | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
  if (def.type === 'object') return def.shape?.[String(segment)];
  if (def.type === 'array') return def.element;
  if (def.type === 'union') {
    const option = unwrap(pickOption(schema, value));
    return option ? childSchema(option, segment, value) : undefined;
  }
  return undefined;
}

/** For a discriminated union, the option the data's discriminator selects. */
function pickOption(schema: z.core.$ZodType, value: unknown): z.core.$ZodType | undefined {
  const def = schema._zod.def as { options?: z.core.$ZodType[]; discriminator?: string };
  if (!def.options || !def.discriminator) return undefined;
  const wanted = (value as Record<string, unknown> | undefined)?.[def.discriminator];
  return def.options.find((option) => {
    const shape = (option._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    const literal = shape?.[def.discriminator!]?._zod.def as { values?: unknown[] } | undefined;
    return literal?.values?.includes(wanted);
  });
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let current = schema;
  for (let i = 0; current && i < 10; i++) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}
