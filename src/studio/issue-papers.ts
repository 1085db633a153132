// Papers in an issue file's YAML document: which arXiv papers it already has, and adding one to a
// group of its papers section in place (comments, key order and blank lines kept: the yaml
// package's Document API, so the rest of the file reads as the editor left it).
import { isMap, isSeq, Scalar, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
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
