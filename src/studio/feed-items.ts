// An RSS 2.0 or Atom feed → its items (title, link, a one-paragraph summary), newest first. Pure.
// The feed is outside input: only http(s) links are kept, text is stripped of markup and
// whitespace-normalised, a summary is cut to a paragraph, and a document with a DOCTYPE (entity
// tricks) is refused rather than parsed.
import { XMLParser } from 'fast-xml-parser';
import { UserError } from '../errors.ts';

export interface FeedItem {
  title: string;
  url: string;
  summary?: string;
  /** ms since the epoch, when the feed dates it. */
  published?: number;
}

export class FeedError extends UserError {
  override name = 'FeedError';
}

const SUMMARY_MAX = 280;
const LISTS = new Set(['item', 'entry', 'link']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => LISTS.has(name),
});

type Node = Record<string, unknown>;

export function parseFeed(xml: string, source: string): FeedItem[] {
  if (/<!DOCTYPE/i.test(xml)) throw new FeedError(`${source} is not a feed this studio reads (it declares a DOCTYPE)`);
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch {
    throw new FeedError(`${source} is not an RSS or Atom feed (its XML does not parse)`);
  }
  const rss = (doc.rss as Node | undefined)?.channel as Node | undefined;
  const atom = doc.feed as Node | undefined;
  const rdf = doc.RDF as Node | undefined;
  const raw = (rss?.item ?? atom?.entry ?? rdf?.item) as Node[] | undefined;
  if (!raw) {
    if (rss || atom || rdf) return [];
    throw new FeedError(`${source} is not an RSS or Atom feed (no <rss> or <feed>)`);
  }
  const items = raw.flatMap((node) => {
    const url = linkOf(node);
    const title = plain(textOf(node.title));
    if (!url || !title) return [];
    const summary = cut(plain(textOf(node.description ?? node.summary ?? node.content)));
    const when = Date.parse(plain(textOf(node.pubDate ?? node.published ?? node.updated ?? node.date)));
    const item: FeedItem = { title, url };
    if (summary) item.summary = summary;
    if (!Number.isNaN(when)) item.published = when;
    return [item];
  });
  // Newest first where dated; undated ones keep the feed's order after them.
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (b.item.published ?? -Infinity) - (a.item.published ?? -Infinity) || a.i - b.i)
    .map((x) => x.item);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === 'object') return textOf((value as Node)['#text']);
  return '';
}

/** RSS's <link>text</link>, Atom's <link href> (rel="alternate" or none), or a permalink <guid>. */
function linkOf(node: Node): string | undefined {
  const links = (node.link as unknown[] | undefined) ?? [];
  const candidates: string[] = [];
  for (const link of links) {
    if (typeof link === 'string') candidates.push(link);
    else if (link && typeof link === 'object') {
      const l = link as Node;
      const rel = l['@_rel'];
      if (rel === undefined || rel === 'alternate') candidates.push(String(l['@_href'] ?? textOf(l)));
    }
  }
  candidates.push(textOf(node.guid));
  for (const c of candidates) {
    const url = c.trim();
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return parsed.href;
    } catch {
      // not a URL: try the next
    }
  }
  return undefined;
}

/** Text without markup, on one line. */
function plain(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string): string {
  if (text.length <= SUMMARY_MAX) return text;
  const at = text.lastIndexOf(' ', SUMMARY_MAX - 1);
  return `${text.slice(0, at > SUMMARY_MAX / 2 ? at : SUMMARY_MAX - 1)}…`;
}
