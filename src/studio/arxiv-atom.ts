// arXiv's API answer (an Atom feed) → the papers it describes and the errors it reports. Pure.
// The answer is checked as any outside input: it must be the feed, every paper's abs and pdf links
// must be http(s) links to that same paper on arXiv, and text is whitespace-normalised.
import { XMLParser } from 'fast-xml-parser';
import { ArxivError } from './arxiv-error.ts';
import { arxivIdOfLink, formatArxivId, parseArxivLink, type ArxivId } from './arxiv-id.ts';

export interface ArxivAuthor {
  name: string;
  affiliations: string[];
}

export interface ArxivEntry extends ArxivId {
  title: string;
  /** The abstract, on one line. */
  summary: string;
  authors: ArxivAuthor[];
  primaryCategory: string;
  categories: string[];
  /** arXiv's links as given (http(s), checked to name this paper). */
  absUrl: string;
  pdfUrl: string;
}

/** arXiv's own error entry (`<id>…/api/errors#…</id>`), e.g. "incorrect id format for 1234.5678". */
export interface ArxivErrorEntry {
  message: string;
}

export interface ArxivFeed {
  entries: ArxivEntry[];
  errors: ArxivErrorEntry[];
}

const LISTS = new Set(['entry', 'author', 'link', 'category', 'affiliation']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // arxiv:affiliation → affiliation, arxiv:primary_category → primary_category.
  removeNSPrefix: true,
  // Titles such as "2210" stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => LISTS.has(name),
});

type Node = Record<string, unknown>;

function textOf(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\s+/g, ' ').trim();
  if (node && typeof node === 'object' && '#text' in node) return textOf((node as Node)['#text']);
  return '';
}

function listOf(node: unknown): Node[] {
  return Array.isArray(node) ? node.filter((n): n is Node => typeof n === 'object' && n !== null) : [];
}

function attr(node: Node | undefined, name: string): string {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value.trim() : '';
}

/** The feed in `xml`; throws ArxivError when it is not arXiv's Atom feed. */
export function parseArxivFeed(xml: string): ArxivFeed {
  // arXiv never sends a DTD; one here is at best garbage, at worst an entity bomb.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new ArxivError('arXiv answered with a document type declaration, which its Atom feed never has; try again later');
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch {
    throw new ArxivError('arXiv answered something that is not XML; try again later');
  }
  // `<feed …></feed>` (no entries) reads as an empty string.
  const feed = doc.feed === '' ? {} : doc.feed;
  if (!feed || typeof feed !== 'object') throw new ArxivError('arXiv answered XML that is not its Atom feed (no <feed>); try again later');
  const entries: ArxivEntry[] = [];
  const errors: ArxivErrorEntry[] = [];
  for (const entry of listOf((feed as Node).entry)) {
    const id = textOf(entry.id);
    if (/\/api\/errors\b/.test(id)) {
      errors.push({ message: textOf(entry.summary) || textOf(entry.title) || id });
      continue;
    }
    entries.push(readEntry(entry, id));
  }
  return { entries, errors };
}

function readEntry(entry: Node, idText: string): ArxivEntry {
  const ref = parseArxivLink(idText);
  if ('reason' in ref)
    throw new ArxivError(`arXiv answered with an entry whose id ${JSON.stringify(idText.slice(0, 80))} is not an arXiv abs link; try again later`);
  const name = formatArxivId(ref);
  const links = listOf(entry.link);
  const abs = links.find((l) => attr(l, 'rel') === 'alternate');
  const pdf = links.find((l) => attr(l, 'title') === 'pdf') ?? links.find((l) => attr(l, 'type') === 'application/pdf');
  const absUrl = checkedLink(attr(abs, 'href'), ref, name, 'abs');
  const pdfUrl = checkedLink(attr(pdf, 'href'), ref, name, 'pdf');
  const title = textOf(entry.title);
  if (!title) throw new ArxivError(`arXiv answered with no title for ${name}; try again later`);
  const authors = listOf(entry.author)
    .map((a) => ({ name: textOf(a.name), affiliations: (Array.isArray(a.affiliation) ? a.affiliation : []).map(textOf).filter(Boolean) }))
    .filter((a) => a.name);
  const primaryCategory = attr((Array.isArray(entry.primary_category) ? entry.primary_category[0] : entry.primary_category) as Node | undefined, 'term');
  const categories = listOf(entry.category)
    .map((c) => attr(c, 'term'))
    .filter(Boolean);
  return {
    ...ref,
    title,
    summary: textOf(entry.summary),
    authors,
    primaryCategory: primaryCategory || categories[0] || '',
    categories,
    absUrl,
    pdfUrl,
  };
}

/** An http(s) link to this paper's abs or pdf page, or ArxivError. */
function checkedLink(href: string, ref: ArxivId, name: string, page: 'abs' | 'pdf'): string {
  if (!href) throw new ArxivError(`arXiv answered with no ${page} link for ${name}; try again later`);
  const named = arxivIdOfLink(href);
  if (!named || named.id !== ref.id || !new RegExp(`^https?://[^/]+/${page}/`).test(href)) {
    throw new ArxivError(
      `arXiv answered with ${page === 'abs' ? 'an' : 'a'} ${page} link for ${name} that is not an http(s) link to that paper's ${page} page (${JSON.stringify(href.slice(0, 100))}); try again later`,
    );
  }
  return href;
}
