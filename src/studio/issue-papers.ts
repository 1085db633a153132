// Papers in an issue file's YAML document: which arXiv papers it already has, and adding one to a
// group of its papers section in place (comments, key order and blank lines kept: the yaml
// package's Document API, so the rest of the file reads as the editor left it). Where the group or
// the list of groups is a block list with items, the new item's text is put after its last item
// and every other byte stays as written (a re-written document would re-flow folded summaries).
import { Document as YamlDocument, isMap, isSeq, parseDocument, Scalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { IssueContent, Paper } from '../content/schema.ts';
import { arxivIdOfLink } from './arxiv-id.ts';

/** arXiv id (no version) → the field path of the paper that links to it (url or detailsUrl). */
export function arxivPapersIn(issue: IssueContent): Map<string, string> {
  const found = new Map<string, string>();
  issue.sections.forEach((section, s) => {
    if (section.kind !== 'papers') return;
    section.groups.forEach((group, g) => {
      group.papers.forEach((paper, p) => {
        for (const link of [paper.url, paper.detailsUrl]) {
          const ref = arxivIdOfLink(link);
          if (ref && !found.has(ref.id)) found.set(ref.id, `sections[${s}].groups[${g}].papers[${p}]`);
        }
      });
    });
  });
  return found;
}

/** Index of the first papers section, or -1. */
export function papersSectionIndex(issue: IssueContent): number {
  return issue.sections.findIndex((section) => section.kind === 'papers');
}

/**
 * Appends `paper` to the group named `field` of the papers section at `sectionIndex` (a new group
 * at the end when there is none by that name); returns the new paper's field path.
 */
export function addPaperToDocument(doc: Document, sectionIndex: number, field: string, paper: Paper): string {
  const section = doc.getIn(['sections', sectionIndex]);
  if (!isMap(section)) throw new Error(`sections[${sectionIndex}] is not a mapping`);
  const groupSeq = childSeq(doc, section, 'groups');
  let g = groupSeq.items.findIndex((item) => isMap(item) && String(item.get('field')).trim() === field);
  if (g === -1) {
    groupSeq.add(doc.createNode({ field, papers: [] }));
    g = groupSeq.items.length - 1;
  }
  const group = groupSeq.items[g];
  if (!isMap(group)) throw new Error(`group ${g} is not a mapping`);
  const papersSeq = childSeq(doc, group, 'papers');
  // A group written `papers: []` becomes a block list once it holds a paper.
  papersSeq.flow = false;
  papersSeq.add(paperNode(doc, paper));
  return `sections[${sectionIndex}].groups[${g}].papers[${papersSeq.items.length - 1}]`;
}

/** The list under `key` of `map`, made when there is none. */
function childSeq(doc: Document, map: YAMLMap, key: string): YAMLSeq {
  const node: unknown = map.get(key, true);
  if (isSeq(node)) return node;
  const made = doc.createNode([]) as YAMLSeq;
  map.set(key, made);
  return made;
}

/** The paper as the model issue writes one: short lists in brackets, the summary folded (`>-`). */
export function paperNode(doc: Document, paper: Paper): YAMLMap {
  const fields: Record<string, unknown> = { title: paper.title };
  if (paper.translatedTitle) fields.translatedTitle = paper.translatedTitle;
  if (paper.affiliations.length) fields.affiliations = paper.affiliations;
  fields.authors = paper.authors;
  fields.summary = paper.summary;
  if (paper.summaryDraft) fields.summaryDraft = paper.summaryDraft;
  fields.url = paper.url;
  if (paper.detailsUrl) fields.detailsUrl = paper.detailsUrl;
  const node = doc.createNode(fields) as YAMLMap;
  for (const key of ['affiliations', 'authors']) {
    const list = node.get(key, true);
    if (isSeq(list)) list.flow = true;
  }
  const summary = node.get('summary', true);
  if (summary instanceof Scalar) summary.type = Scalar.BLOCK_FOLDED;
  return node;
}

/** The document as text: long lines stay as written (no re-folding), `[a, b]` as the samples write them. */
export function documentText(doc: Document): string {
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * `text` with `paper` added as addPaperToDocument adds it, and the new paper's field path. The
 * rest of the text is kept byte for byte when the list it joins is a block list with items.
 */
export function addPaperToText(text: string, sectionIndex: number, field: string, paper: Paper): { text: string; path: string } {
  const doc = parseDocument(text);
  const groups: unknown = doc.getIn(['sections', sectionIndex, 'groups'], true);
  if (isSeq(groups) && !groups.flow && groups.items.length && groups.range) {
    const at = `sections[${sectionIndex}].groups`;
    const g = groups.items.findIndex((item) => isMap(item) && String(item.get('field')).trim() === field);
    const group = groups.items[g];
    if (g === -1) {
      return { text: spliceItem(text, groups, itemText({ field, papers: [paper] })), path: `${at}[${groups.items.length}].papers[0]` };
    }
    const papers: unknown = isMap(group) ? group.get('papers', true) : undefined;
    if (isSeq(papers) && !papers.flow && papers.items.length && papers.range) {
      return { text: spliceItem(text, papers, itemText(paper)), path: `${at}[${g}].papers[${papers.items.length}]` };
    }
  }
  const path = addPaperToDocument(doc, sectionIndex, field, paper);
  return { text: documentText(doc), path };
}

/** A list item (`- …`) as the model issue writes it, at column 0. */
function itemText(value: Paper | { field: string; papers: Paper[] }): string {
  const doc = new YamlDocument([]);
  const seq = doc.contents as unknown as YAMLSeq;
  if ('field' in value) {
    const group = doc.createNode({ field: value.field, papers: [] }) as YAMLMap;
    const papers = group.get('papers', true) as unknown as YAMLSeq;
    papers.flow = false;
    for (const paper of value.papers) papers.add(paperNode(doc, paper));
    seq.add(group);
  } else {
    seq.add(paperNode(doc, value));
  }
  return documentText(doc);
}

/** `text` with `item` (column-0 text) after the last item of the block list `seq`, at its column. */
function spliceItem(text: string, seq: YAMLSeq, item: string): string {
  const [start, end] = seq.range!;
  const column = start - (text.lastIndexOf('\n', start - 1) + 1);
  let last = end;
  while (last > start && /\s/.test(text[last - 1]!)) last--;
  // After a comment on the last item's line too.
  let at = text.indexOf('\n', last);
  if (at === -1) at = text.length;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = item
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? ' '.repeat(column) + line : line));
  const head = text.slice(0, at).replace(/\r$/, '');
  return `${head}${eol}${lines.join(eol)}${text.slice(head.length)}`;
}
