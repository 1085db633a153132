// What the studio's form shows of an issue: every field of every section kind, with the kind of
// input it takes, following the issue schema (src/content/schema.ts). The form names each input
// by its field path (`sections[0].groups[1].papers[2].url`), the same path lint and the schema
// use, so a finding appears beside the field it names.
import { SECTION_KINDS } from '../content/schema.ts';

/**
 * line: one line of text; text: a paragraph; markdown: Markdown (a larger box); url: an address;
 * number: a whole number; date: YYYY-MM-DD; datetime: a time with its offset; lines: a list of
 * short texts, one per line (authors); flag: a checkbox that writes `value` when ticked.
 */
export type ScalarType = 'line' | 'text' | 'markdown' | 'url' | 'number' | 'date' | 'datetime' | 'lines' | 'flag';

export interface ScalarField {
  key: string;
  type: ScalarType;
  /** The schema refuses it empty: an empty input writes '' (and the schema names it), never deletes it. */
  required?: boolean;
  /** `flag`: what a ticked box writes. */
  value?: string;
}

/** A nested mapping (an image, a link): dropped as a whole when every field of it is left empty (unless required). */
export interface GroupField {
  key: string;
  type: 'group';
  fields: readonly FormField[];
  required?: boolean;
}

/** A list of mappings (papers, events, links): each item its own fieldset, with add, remove and move. */
export interface ListField {
  key: string;
  type: 'list';
  item: readonly FormField[];
  /** A new item as it is added: the required fields empty, so the form shows them. */
  blank: () => Record<string, unknown>;
}

export type FormField = ScalarField | GroupField | ListField;
export type SectionKind = (typeof SECTION_KINDS)[number];

/** An image's fields: a group (or list item) with exactly these is an image, which the form can upload. */
export const IMAGE_FIELDS: readonly FormField[] = [
  { key: 'src', type: 'url', required: true },
  { key: 'alt', type: 'line' },
  { key: 'width', type: 'number' },
  { key: 'height', type: 'number' },
  { key: 'href', type: 'url' },
];
const image = (key: string, required = false): GroupField => ({ key, type: 'group', fields: IMAGE_FIELDS, ...(required ? { required } : {}) });
const link = (key: string): GroupField => ({
  key,
  type: 'group',
  fields: [
    { key: 'title', type: 'line', required: true },
    { key: 'url', type: 'url', required: true },
  ],
});

const paperFields: FormField[] = [
  { key: 'title', type: 'line', required: true },
  { key: 'translatedTitle', type: 'line' },
  { key: 'affiliations', type: 'lines' },
  { key: 'authors', type: 'lines', required: true },
  { key: 'summary', type: 'markdown', required: true },
  { key: 'summaryDraft', type: 'flag', value: 'arxiv-abstract' },
  { key: 'url', type: 'url', required: true },
  { key: 'detailsUrl', type: 'url' },
];

const eventFields: FormField[] = [
  { key: 'title', type: 'line', required: true },
  { key: 'speaker', type: 'line' },
  { key: 'time', type: 'line' },
  { key: 'start', type: 'datetime' },
  { key: 'end', type: 'datetime' },
  { key: 'timeZone', type: 'line' },
  { key: 'place', type: 'line' },
  { key: 'online', type: 'url' },
  { key: 'registration', type: 'url' },
  { key: 'summary', type: 'text' },
  { key: 'url', type: 'url', required: true },
];

const linkItemFields: FormField[] = [
  { key: 'title', type: 'line', required: true },
  { key: 'url', type: 'url', required: true },
  { key: 'summary', type: 'text' },
  { key: 'source', type: 'line' },
];

/** The fields of each section kind, in the order the form shows them (after `kind`). */
export const SECTION_FIELDS: Record<SectionKind, readonly FormField[]> = {
  papers: [
    { key: 'title', type: 'line', required: true },
    {
      key: 'groups',
      type: 'list',
      blank: () => ({ field: '', papers: [] }),
      item: [
        { key: 'field', type: 'line', required: true },
        { key: 'papers', type: 'list', item: paperFields, blank: () => ({ title: '', authors: [], summary: '', url: '' }) },
      ],
    },
  ],
  events: [
    { key: 'title', type: 'line', required: true },
    { key: 'events', type: 'list', item: eventFields, blank: () => ({ title: '', time: '', url: '' }) },
  ],
  community: [{ key: 'title', type: 'line' }, { key: 'text', type: 'markdown' }, { key: 'bullets', type: 'lines' }, { key: 'note', type: 'line' }, image('qr')],
  image: [image('image', true), { key: 'caption', type: 'line' }],
  text: [
    { key: 'title', type: 'line' },
    { key: 'markdown', type: 'markdown', required: true },
  ],
  navigation: [link('previous'), link('next')],
  button: [
    { key: 'label', type: 'line', required: true },
    { key: 'url', type: 'url', required: true },
    { key: 'note', type: 'line' },
  ],
  quote: [
    { key: 'text', type: 'text', required: true },
    { key: 'source', type: 'line' },
    { key: 'url', type: 'url' },
  ],
  links: [
    { key: 'title', type: 'line', required: true },
    { key: 'items', type: 'list', item: linkItemFields, blank: () => ({ title: '', url: '' }) },
  ],
  sponsor: [
    { key: 'name', type: 'line', required: true },
    { key: 'text', type: 'text', required: true },
    { key: 'url', type: 'url', required: true },
    image('image'),
  ],
  divider: [],
};

/** A new section of `kind` as it is added: its required fields empty. */
export function blankSection(kind: SectionKind): Record<string, unknown> {
  switch (kind) {
    case 'papers':
      return { kind, title: '', groups: [] };
    case 'events':
      return { kind, title: '', events: [] };
    case 'image':
      return { kind, image: { src: '', alt: '' } };
    case 'text':
      return { kind, markdown: '' };
    case 'button':
      return { kind, label: '', url: '' };
    case 'quote':
      return { kind, text: '' };
    case 'links':
      return { kind, title: '', items: [] };
    case 'sponsor':
      return { kind, name: '', text: '', url: '' };
    default:
      return { kind };
  }
}

/** The issue's own fields, above its sections. */
export const ISSUE_FIELDS: readonly FormField[] = [
  { key: 'subject', type: 'line', required: true },
  { key: 'preheader', type: 'line' },
  { key: 'number', type: 'number', required: true },
  { key: 'date', type: 'date', required: true },
  { key: 'theme', type: 'line' },
  { key: 'banner', type: 'list', item: IMAGE_FIELDS, blank: () => ({ src: '', alt: '' }) },
];

export function isSectionKind(value: unknown): value is SectionKind {
  return typeof value === 'string' && (SECTION_KINDS as readonly string[]).includes(value);
}
