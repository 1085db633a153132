// The studio's form: every field of the issue and of each section, named by its field path,
// labelled, with the finding that names it beside it (and tied to it by aria-describedby).
// Structural edits are submit buttons (`op`), so the form works by keyboard and without a script;
// the script only adds drag-and-drop (the same reorder) and the live preview.
import { formatPath, type PathSegment } from '../content/field-path.ts';
import type { LocatedFinding } from '../content/index.ts';
import { html, type SafeHtml } from '../http/views/html.ts';
import { markdownValuesOf, shown } from '../studio/form-values.ts';
import { valueAt } from '../studio/issue-document.ts';
import { IMAGE_FIELDS, ISSUE_FIELDS, isSectionKind, SECTION_FIELDS, type FormField, type ListField, type ScalarField } from '../studio/issue-fields.ts';
import { markdownPreview } from './markdown-preview.ts';
import { UPLOAD_FIELD } from './studio-body.ts';
import { SECTION_KINDS } from '../content/schema.ts';
import type { ConsoleMessages } from './console-messages/index.ts';

/** The form being drawn: its input, and the upload fields met on the way (for hx-params). */
type FormContext = StudioFormInput & { uploads: string[] };

export interface StudioFormInput {
  m: ConsoleMessages;
  action: string;
  draftAction: string;
  csrf: string;
  base: string;
  data: Record<string, unknown>;
  /** Findings by field path (schema problems and lint), shown beside their fields. */
  findings: ReadonlyMap<string, readonly Pick<LocatedFinding, 'level' | 'message'>[]>;
}

/** An element id from a field path: `sections[0].title` → `f-sections-0-title`. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

export function studioForm(form: StudioFormInput): SafeHtml {
  const input: FormContext = { ...form, uploads: [] };
  const { m, data } = input;
  const s = m.studio;
  const sections = Array.isArray(data.sections) ? (data.sections as unknown[]) : [];
  const issueFields = fields(input, ISSUE_FIELDS, []);
  const sectionItems = sections.map((section, i) => sectionItem(input, section, i, sections.length));
  // The live preview posts the form without its files (an image is sent by its own button).
  const params = input.uploads.length ? html` hx-params="not ${input.uploads.join(',')}"` : '';
  return html`<form id="studio-form" method="post" action="${input.action}" enctype="multipart/form-data" novalidate
 hx-post="${input.draftAction}" hx-trigger="input changed delay:600ms, change" hx-target="#studio-preview" hx-swap="innerHTML"${params}>
<input type="hidden" name="_csrf" value="${input.csrf}"><input type="hidden" name="base" value="${input.base}">
<div class="studio-bar row"><button type="submit" name="op" value="save">${s.save}</button><span class="hint">${s.autosaveHint}</span></div>
<fieldset class="studio-group"><legend>${s.issueFields}</legend>${issueFields}</fieldset>
<h2 id="sections">${s.sections}</h2>
<ol class="studio-list" data-sortable="sections">${sectionItems}</ol>
<div class="row studio-add"><label for="new-kind" class="inline">${s.newKind}</label>
<select id="new-kind" name="newKind">${SECTION_KINDS.map((k) => html`<option value="${k}">${s.kinds[k] ?? k}</option>`)}</select>
<button type="submit" class="secondary" name="op" value="add-section">${s.addSection}</button></div>
<div class="studio-bar row"><button type="submit" name="op" value="save">${s.save}</button></div>
</form>`;
}

function sectionItem(input: FormContext, section: unknown, i: number, count: number): SafeHtml {
  const { m } = input;
  const s = m.studio;
  const kind = (section as { kind?: unknown } | null)?.kind;
  const path = formatPath(['sections', i]);
  const label = isSectionKind(kind) ? (s.kinds[kind] ?? kind) : String(kind);
  const title = (section as { title?: unknown } | null)?.title;
  const legend = `${s.section(i + 1, label)}${typeof title === 'string' && title ? ` · ${title}` : ''}`;
  const body = isSectionKind(kind) ? fields(input, SECTION_FIELDS[kind], ['sections', i]) : html`<p class="notice error">${s.unknownKind(String(kind))}</p>`;
  return html`<li id="${fieldId(path)}" data-index="${i}"><fieldset class="studio-group"><legend>${legend}</legend>
${findingsFor(input, path)}${body}${kind === 'papers' ? arxivBlock(m, path) : kind === 'links' ? feedBlock(m, path) : ''}${itemButtons(m, path, i, count, legend)}</fieldset></li>`;
}

/** An image field's upload: the file (dropped on it or chosen) and the button that sends it with the form. */
function uploadBlock(input: FormContext, path: string): SafeHtml {
  const s = input.m.studio;
  const id = fieldId(`upload.${path}`);
  const name = `${UPLOAD_FIELD}${path}`;
  input.uploads.push(name);
  return html`<div class="studio-field studio-upload"><label for="${id}">${s.uploadLabel}</label>
<input type="file" id="${id}" name="${name}" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby="${id}-hint"><p class="hint" id="${id}-hint">${s.uploadHint}</p>
<p><button type="submit" class="secondary" name="op" value="upload:${path}">${s.uploadButton}</button></p></div>`;
}

/** "Add papers by id" in a papers section: the paste, a group for unmapped categories, the button. */
function arxivBlock(m: ConsoleMessages, path: string): SafeHtml {
  const s = m.studio;
  const id = fieldId(`arxiv.${path}`);
  return html`<div class="studio-field studio-arxiv"><label for="${id}">${s.arxivLabel}</label>
<textarea id="${id}" name="${ARXIV_INPUT}${path}" rows="2" aria-describedby="${id}-hint" spellcheck="false"></textarea><p class="hint" id="${id}-hint">${s.arxivHint}</p>
<label for="${id}-group">${s.arxivGroup}</label><input type="text" id="${id}-group" name="${ARXIV_GROUP}${path}">
<p><button type="submit" class="secondary" name="op" value="papers:${path}">${s.arxivButton}</button></p></div>`;
}

/** "Add links from a feed" in a links section: the feed's URL and the button. */
function feedBlock(m: ConsoleMessages, path: string): SafeHtml {
  const s = m.studio;
  const id = fieldId(`feed.${path}`);
  return html`<div class="studio-field studio-feed"><label for="${id}">${s.feedLabel}</label>
<input type="text" id="${id}" name="${FEED_INPUT}${path}" inputmode="url" autocomplete="off" spellcheck="false" aria-describedby="${id}-hint"><p class="hint" id="${id}-hint">${s.feedHint}</p>
<p><button type="submit" class="secondary" name="op" value="feed:${path}">${s.feedButton}</button></p></div>`;
}

export const FEED_INPUT = '_feed.';
/** Form names of the paste and the group (not field paths: applyForm passes them over). */
export const ARXIV_INPUT = '_arxiv.';
export const ARXIV_GROUP = '_arxivGroup.';

function itemButtons(m: ConsoleMessages, path: string, i: number, count: number, what: string): SafeHtml {
  const s = m.studio;
  return html`<div class="row studio-item-actions">
${i > 0 ? html`<button type="submit" class="secondary" name="op" value="up:${path}" aria-label="${s.moveUp}: ${what}">${s.moveUp}</button>` : ''}
${i < count - 1 ? html`<button type="submit" class="secondary" name="op" value="down:${path}" aria-label="${s.moveDown}: ${what}">${s.moveDown}</button>` : ''}
<button type="submit" class="danger" name="op" value="remove:${path}" aria-label="${s.remove}: ${what}">${s.remove}</button></div>`;
}

function fields(input: FormContext, list: readonly FormField[], base: PathSegment[]): SafeHtml[] {
  return list.map((field) => {
    const path = [...base, field.key];
    if (field.type === 'list') return listField(input, field, path);
    if (field.type === 'group')
      return html`<fieldset class="studio-group"><legend>${label(input.m, field.key)}</legend>${findingsFor(input, formatPath(path))}${fields(input, field.fields, path)}${field.fields === IMAGE_FIELDS ? uploadBlock(input, formatPath(path)) : ''}</fieldset>`;
    return scalarField(input, field, path);
  });
}

function listField(input: FormContext, field: ListField, path: PathSegment[]): SafeHtml {
  const { m } = input;
  const name = formatPath(path);
  const items = valueAt(input.data, path);
  const list = Array.isArray(items) ? items : [];
  const what = label(m, field.key);
  return html`<fieldset class="studio-group"><legend>${what}</legend>${findingsFor(input, name)}
<ol class="studio-list" data-sortable="${name}">${list.map((_, i) => {
    const itemPath = formatPath([...path, i]);
    const legend = m.studio.item(i + 1, what);
    const upload = field.item === IMAGE_FIELDS ? uploadBlock(input, itemPath) : '';
    return html`<li id="${fieldId(itemPath)}" data-index="${i}"><fieldset class="studio-group"><legend>${legend}</legend>${findingsFor(input, itemPath)}${fields(input, field.item, [...path, i])}${upload}${itemButtons(m, itemPath, i, list.length, legend)}</fieldset></li>`;
  })}</ol>
<button type="submit" class="secondary" name="op" value="add:${name}">${m.studio.add(what)}</button></fieldset>`;
}

function scalarField(input: StudioFormInput, field: ScalarField, path: PathSegment[]): SafeHtml {
  const { m } = input;
  const name = formatPath(path);
  const id = fieldId(name);
  const value = shown(field, valueAt(input.data, path));
  const found = input.findings.get(name) ?? [];
  const hintId = `${id}-hint`;
  const findingId = `${id}-finding`;
  const hint = field.type === 'lines' ? m.studio.linesHint : field.type === 'markdown' ? m.studio.markdownHint : '';
  const describedBy = [hint ? hintId : '', findingId].filter(Boolean).join(' ');
  const invalid = found.some((f) => f.level === 'error') ? 'true' : 'false';
  const required = field.required ? html` aria-required="true"` : '';
  const control =
    field.type === 'flag'
      ? html`<input type="hidden" name="${name}" value=""><input type="checkbox" id="${id}" name="${name}" value="${field.value ?? ''}"${value ? html` checked` : ''} aria-describedby="${describedBy}">`
      : field.type === 'text' || field.type === 'markdown' || field.type === 'lines'
        ? html`<textarea id="${id}" name="${name}" rows="${field.type === 'markdown' ? 6 : 3}" aria-describedby="${describedBy}" aria-invalid="${invalid}"${required}>${value}</textarea>`
        : html`<input type="text" id="${id}" name="${name}" value="${value}"${inputMode(field)} aria-describedby="${describedBy}" aria-invalid="${invalid}"${required}>`;
  const labelled =
    field.type === 'flag'
      ? html`<p class="row studio-flag">${control}<label for="${id}" class="inline">${label(m, field.key)}</label></p>`
      : html`<label for="${id}">${label(m, field.key)}</label>${control}`;
  const preview =
    field.type === 'markdown'
      ? html`<details class="md-preview"><summary>${m.studio.markdownPreview}</summary><div class="md" id="${id}-md" aria-live="polite">${markdownPreview(value)}</div></details>`
      : '';
  return html`<div class="studio-field">${labelled}${hint ? html`<p class="hint" id="${hintId}">${hint}</p>` : ''}${preview}
<p class="field-finding" id="${findingId}" data-finding-for="${name}">${found.map((f) => html`<span class="level ${f.level}">${m.levels[f.level]}</span> ${f.message} `)}</p></div>`;
}

function inputMode(field: ScalarField): SafeHtml | string {
  if (field.type === 'url') return html` inputmode="url" autocomplete="off" spellcheck="false"`;
  if (field.type === 'number') return html` inputmode="numeric"`;
  if (field.type === 'date' || field.type === 'datetime') return html` autocomplete="off" spellcheck="false"`;
  return '';
}

/** Each Markdown field's preview, redrawn in place (htmx out-of-band) with every live preview. */
export function markdownPreviews(data: Record<string, unknown>): SafeHtml {
  return html`${markdownValuesOf(data).map(
    ([path, value]) => html`<div class="md" id="${fieldId(path)}-md" aria-live="polite" hx-swap-oob="true">${markdownPreview(value)}</div>`,
  )}`;
}

/** Findings that name a list, an item or a group as a whole, above its fields. */
function findingsFor(input: StudioFormInput, path: string): SafeHtml | string {
  const found = input.findings.get(path);
  if (!found?.length) return '';
  return html`<p class="field-finding">${found.map((f) => html`<span class="level ${f.level}">${input.m.levels[f.level]}</span> ${f.message} `)}</p>`;
}

function label(m: ConsoleMessages, key: string): string {
  return m.studio.fields[key] ?? key;
}
