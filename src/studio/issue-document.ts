// An issue file as the studio edits it: the YAML document itself (yaml's Document), changed in
// place by field path, so that every key the editor did not touch keeps its order, its style and
// its comments, and the file stays what the CLI, git and CI read. The form's values come in by
// the field paths of issue-fields.ts; structural edits (add, remove, move) work on any list.
import { randomBytes } from 'node:crypto';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Scalar, type YAMLSeq } from 'yaml';
import { formatPath, parsePath, type PathSegment } from '../content/field-path.ts';
import { UserError } from '../errors.ts';
import {
  blankSection,
  ISSUE_FIELDS,
  isSectionKind,
  SECTION_FIELDS,
  type FormField,
  type ListField,
  type ScalarField,
  type SectionKind,
} from './issue-fields.ts';

/** What a form post gives for one name: one value, several (a checkbox after its hidden twin), or none. */
export type FormValue = string | string[] | undefined;
export type FormValues = Readonly<Record<string, FormValue>>;

export class StudioEditError extends UserError {
  override name = 'StudioEditError';
}

export class IssueDocument {
  /** Each scalar's value as parsed: one still equal to it is written back exactly as it was typed. */
  private readonly parsed = new WeakMap<Scalar, unknown>();

  private constructor(
    private readonly doc: Document,
    private readonly text: string,
  ) {
    visit(doc, {
      Scalar: (_, node) => {
        this.parsed.set(node, node.value);
      },
    });
  }

  /** The text as YAML; one clear error when it does not parse (the form cannot show it then). */
  static parse(text: string): IssueDocument {
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length) throw new StudioEditError(`the file is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); fix it in "Edit as YAML"`);
    if (!isMap(doc.contents)) throw new StudioEditError('the file does not hold an issue (a mapping of fields); fix it in "Edit as YAML"');
    return new IssueDocument(doc, text);
  }

  /** The issue as plain data, as it is now (not validated). */
  data(): Record<string, unknown> {
    return (this.doc.toJS({ maxAliasCount: 100 }) ?? {}) as Record<string, unknown>;
  }

  /**
   * The document as YAML. yaml writes every node anew, which would reflow the paragraphs an
   * editor folded by hand (`>` blocks, plain text over several lines); so each such scalar that
   * nobody changed is written out as a marker and replaced by its original text. Lists only move
   * items among their siblings, so that text's indentation is still right.
   */
  toString(): string {
    const nonce = randomBytes(6).toString('hex');
    const kept: string[] = [];
    const restore: Array<() => void> = [];
    visit(this.doc, {
      Scalar: (key, node) => {
        if (key === 'key') return;
        const source = this.untouchedSource(node);
        if (source === undefined) return;
        const { value, type } = node;
        node.value = `nlkeep${nonce}x${kept.length}`;
        node.type = 'PLAIN';
        restore.push(() => {
          node.value = value;
          node.type = type;
        });
        kept.push(source);
      },
    });
    // As the files are written by hand: no folding, `[a, b]` without inner spaces.
    let out = this.doc.toString({ lineWidth: 0, flowCollectionPadding: false });
    for (const undo of restore) undo();
    kept.forEach((source, i) => {
      out = out.replace(`nlkeep${nonce}x${i}`, () => source);
    });
    return out;
  }

  /** The text a scalar was parsed from, when it spans several lines and its value is unchanged. */
  private untouchedSource(node: Scalar): string | undefined {
    if (!node.range || !this.parsed.has(node) || this.parsed.get(node) !== node.value) return undefined;
    const source = this.text.slice(node.range[0], node.range[1]).replace(/\s+$/, '');
    // One line is written back the same anyway; a block that keeps its final newlines (`|+`) is left to yaml.
    if (!source.includes('\n') || /^[|>][1-9]?\+/.test(source)) return undefined;
    return source;
  }

  /** The sections' kinds, in order (undefined for one the schema does not know). */
  sectionKinds(): (SectionKind | undefined)[] {
    const sections = this.data().sections;
    return Array.isArray(sections)
      ? sections.map((s) => (isSectionKind((s as Record<string, unknown> | null)?.kind) ? (s as { kind: SectionKind }).kind : undefined))
      : [];
  }

  /**
   * Writes the form's values into the document: only fields the form carries and whose value
   * changed, so an untouched key keeps its style and comments. Lists keep their length (items
   * are added and removed by their own buttons).
   */
  applyForm(values: FormValues): void {
    const data = this.data();
    this.applyFields(ISSUE_FIELDS, [], data, values);
    const kinds = this.sectionKinds();
    kinds.forEach((kind, i) => {
      if (kind) this.applyFields(SECTION_FIELDS[kind], ['sections', i], data, values);
    });
  }

  /** Adds a section of `kind` after section `after` (at the end when not given). Returns its index. */
  addSection(kind: SectionKind, after?: number): number {
    const seq = this.seqAt(['sections'], true);
    const at = after === undefined || after >= seq.items.length ? seq.items.length : Math.max(0, after + 1);
    seq.items.splice(at, 0, this.doc.createNode(blankSection(kind)));
    return at;
  }

  /** Appends a blank item to the list at `listPath` (`sections[0].groups[1].papers`). Returns the new item's path. */
  addItem(listPath: string): string {
    const path = parsePath(listPath);
    const field = listFieldAt(this.data(), path);
    if (!field) throw new StudioEditError(`${listPath} is not a list the form can add to`);
    const seq = this.seqAt(path, true);
    seq.items.push(this.doc.createNode(field.blank()));
    return formatPath([...path, seq.items.length - 1]);
  }

  /** Appends `value` to the list at `listPath` (made when missing). Returns the new item's path. */
  appendItem(listPath: string, value: Record<string, unknown>): string {
    const path = parsePath(listPath);
    const seq = this.seqAt(path, true);
    seq.flow = false;
    seq.items.push(this.doc.createNode(value));
    return formatPath([...path, seq.items.length - 1]);
  }

  /** Removes the item at `itemPath` (`sections[2]`). */
  remove(itemPath: string): void {
    const { seq, index } = this.itemAt(itemPath);
    seq.items.splice(index, 1);
  }

  /** Moves the item at `itemPath` one place up (-1) or down (+1); at an end, nothing moves. Returns its new path. */
  move(itemPath: string, delta: -1 | 1): string {
    const { seq, index, listPath } = this.itemAt(itemPath);
    const to = index + delta;
    if (to < 0 || to >= seq.items.length) return itemPath;
    const [item] = seq.items.splice(index, 1);
    seq.items.splice(to, 0, item);
    return formatPath([...listPath, to]);
  }

  /** Puts the list's items in `order` (old indexes, each once: what a drag leaves). */
  reorder(listPath: string, order: readonly number[]): void {
    const seq = this.seqAt(parsePath(listPath), false);
    const n = seq.items.length;
    const seen = new Set(order);
    if (order.length !== n || seen.size !== n || order.some((i) => !Number.isInteger(i) || i < 0 || i >= n))
      throw new StudioEditError(`the new order of ${listPath} does not name each of its ${n} items once; reload the page`);
    const items = [...seq.items];
    seq.items.splice(0, n, ...order.map((i) => items[i]));
  }

  private itemAt(itemPath: string): { seq: YAMLSeq; index: number; listPath: PathSegment[] } {
    const path = parsePath(itemPath);
    const index = path.at(-1);
    const listPath = path.slice(0, -1);
    if (typeof index !== 'number') throw new StudioEditError(`${itemPath} is not an item of a list`);
    const seq = this.seqAt(listPath, false);
    if (index >= seq.items.length) throw new StudioEditError(`${itemPath} is not there any more; reload the page`);
    return { seq, index, listPath };
  }

  private seqAt(path: readonly PathSegment[], create: boolean): YAMLSeq {
    let node = this.doc.getIn(path, true);
    if ((node === undefined || node === null) && create) {
      this.doc.setIn(path, this.doc.createNode([]));
      node = this.doc.getIn(path, true);
    }
    if (!isSeq(node)) throw new StudioEditError(`${formatPath(path)} is not a list in the file`);
    return node;
  }

  private applyFields(fields: readonly FormField[], base: PathSegment[], data: unknown, values: FormValues): void {
    for (const field of fields) {
      const path = [...base, field.key];
      if (field.type === 'list') {
        const items = valueAt(data, path);
        if (Array.isArray(items)) for (let i = 0; i < items.length; i++) this.applyFields(field.item, [...path, i], data, values);
      } else if (field.type === 'group') {
        const names = scalarNames(field.fields, path);
        if (!names.some((n) => values[n] !== undefined)) continue;
        const empty = names.every((n) => lastValue(values[n]).trim() === '');
        if (empty && !field.required) {
          if (valueAt(data, path) !== undefined) this.doc.deleteIn(path);
        } else this.applyFields(field.fields, path, data, values);
      } else this.applyScalar(field, path, data, values[formatPath(path)]);
    }
  }

  private applyScalar(field: ScalarField, path: PathSegment[], data: unknown, raw: FormValue): void {
    if (raw === undefined) return; // not in this form: leave it as it is
    const current = valueAt(data, path);
    const next = readValue(field, lastValue(raw));
    if (next === undefined) {
      if (current !== undefined) this.doc.deleteIn(path);
      return;
    }
    if (sameValue(current, next)) return;
    if (Array.isArray(next)) this.doc.setIn(path, this.doc.createNode(next));
    else if (isScalar(this.doc.getIn(path, true)) || current === undefined) this.doc.setIn(path, next);
    else this.doc.setIn(path, this.doc.createNode(next));
  }
}

/** The form's value for a field as the file should hold it; undefined: the key goes. */
export function readValue(field: ScalarField, input: string): unknown {
  const text = input.replace(/\r\n?/g, '\n');
  switch (field.type) {
    case 'flag':
      return text === field.value ? field.value : undefined;
    case 'lines': {
      const lines = text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      return lines.length || field.required ? lines : undefined;
    }
    case 'number': {
      const t = text.trim();
      if (t === '') return field.required ? '' : undefined;
      return /^-?\d{1,15}$/.test(t) ? Number(t) : t;
    }
    case 'markdown':
    case 'text': {
      const t = text.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
      if (t === '') return field.required ? '' : undefined;
      // Several lines end in a newline, so YAML writes them as a plain `|` block, as by hand.
      return t.includes('\n') ? `${t}\n` : t;
    }
    default: {
      const t = text.trim();
      return t === '' && !field.required ? undefined : t;
    }
  }
}

/** Equal as the schema reads them (it trims strings): a block scalar's final newline is no change. */
function sameValue(current: unknown, next: unknown): boolean {
  if (typeof current === 'string' && typeof next === 'string') return current.trimEnd() === next.trimEnd();
  return JSON.stringify(current) === JSON.stringify(next);
}

function lastValue(value: FormValue): string {
  if (Array.isArray(value)) return value.at(-1) ?? '';
  return value ?? '';
}

function scalarNames(fields: readonly FormField[], base: PathSegment[]): string[] {
  return fields.flatMap((f) => (f.type === 'list' ? [] : f.type === 'group' ? scalarNames(f.fields, [...base, f.key]) : [formatPath([...base, f.key])]));
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The list field the path names (in the issue's own fields or a section's), if it is one. */
export function listFieldAt(data: unknown, path: readonly PathSegment[]): ListField | undefined {
  let fields: readonly FormField[] = ISSUE_FIELDS;
  let rest = path;
  if (path[0] === 'sections' && typeof path[1] === 'number') {
    const kind = (valueAt(data, path.slice(0, 2)) as { kind?: unknown } | undefined)?.kind;
    if (!isSectionKind(kind)) return undefined;
    fields = SECTION_FIELDS[kind];
    rest = path.slice(2);
  }
  let found: FormField | undefined;
  for (let i = 0; i < rest.length; i++) {
    const segment = rest[i];
    if (typeof segment === 'number') {
      if (found?.type !== 'list') return undefined;
      fields = found.item;
      found = undefined;
      continue;
    }
    found = fields.find((f) => f.key === segment);
    if (!found) return undefined;
    if (found.type === 'group') fields = found.fields;
  }
  return found?.type === 'list' ? found : undefined;
}
