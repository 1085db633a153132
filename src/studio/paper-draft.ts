// An arXiv paper → the paper item, and the group its primary category goes to. Pure.
import type { Paper } from '../content/schema.ts';
import type { ArxivEntry } from './arxiv-atom.ts';
import { formatArxivId, type ArxivId } from './arxiv-id.ts';

/**
 * The paper item: title, affiliations (each once, in author order), authors, the abstract as a
 * summary marked `summaryDraft: arxiv-abstract` (lint warns until it is rewritten), the PDF as the
 * download link and the abs page as the details link, both on https://arxiv.org with the version
 * the editor asked for (none: the latest).
 */
export function paperFromArxiv(entry: ArxivEntry, asked: ArxivId): Paper {
  const name = formatArxivId({ id: entry.id, version: asked.version });
  const affiliations = [...new Set(entry.authors.flatMap((a) => a.affiliations))];
  return {
    title: entry.title,
    affiliations,
    authors: entry.authors.map((a) => a.name),
    summary: entry.summary || entry.title,
    summaryDraft: 'arxiv-abstract',
    url: `https://arxiv.org/pdf/${name}`,
    detailsUrl: `https://arxiv.org/abs/${name}`,
  };
}

/**
 * The group (`field`) for a primary category under a newsletter's `arxivGroups`: the category
 * itself (cs.CV), else its archive's wildcard (q-bio.*), else undefined.
 */
export function groupForCategory(category: string, groups: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!groups || !category) return undefined;
  if (Object.hasOwn(groups, category)) return groups[category];
  const archive = category.split('.')[0]!;
  const wildcard = `${archive}.*`;
  if (Object.hasOwn(groups, wildcard)) return groups[wildcard];
  return undefined;
}
