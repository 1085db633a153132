// "Add links from a feed" (issue 28 item 5): an RSS or Atom URL fills a links section of the
// draft with the feed's newest items (title, URL, summary), skipping URLs already in this issue
// or sent in an earlier issue of the newsletter. The feed is fetched as any URL an editor
// typed: public addresses only, with a time limit and a size cap (public-fetch.ts).
import { displayPath, formatPath } from '../content/field-path.ts';
import { issueSchema } from '../content/schema.ts';
import { validateSource } from '../content/validate.ts';
import { parseYamlSource } from '../content/yaml-source.ts';
import { UserError } from '../errors.ts';
import { urlsIn, urlsOfEarlierIssues } from './earlier-issues.ts';
import { parseFeed, type FeedItem } from './feed-items.ts';
import { IssueDocument } from './issue-document.ts';
import { fetchPublic, type PublicFetchOptions } from './public-fetch.ts';

export const FEED_ITEMS_MAX = 10;

export interface AddFeedLinks {
  /** The issue file (its path names the issue; its text is `text`). */
  file: string;
  text: string;
  emailsDir: string;
  sectionIndex: number;
  feedUrl: string;
  fetch: PublicFetchOptions;
  max?: number;
}

export async function addFeedLinks(opts: AddFeedLinks): Promise<{ next: string; added: FeedItem[]; skipped: number }> {
  const file = displayPath(opts.file);
  const issue = validateSource(issueSchema, parseYamlSource(file, opts.text));
  const section = issue.sections[opts.sectionIndex];
  if (section?.kind !== 'links') throw new UserError(`sections[${opts.sectionIndex}] is not a links section`);
  const fetched = await fetchPublic(opts.feedUrl, {
    ...opts.fetch,
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8',
  });
  const items = parseFeed(fetched.body, fetched.url.host);
  const seen = new Set([...urlsIn(issue), ...(await urlsOfEarlierIssues(opts.emailsDir, issue, opts.file))]);
  const fresh = items.filter((item) => !seen.has(item.url));
  const added = fresh.slice(0, opts.max ?? FEED_ITEMS_MAX);
  const doc = IssueDocument.parse(opts.text);
  const listPath = formatPath(['sections', opts.sectionIndex, 'items']);
  for (const item of added)
    doc.appendItem(listPath, { title: item.title, url: item.url, ...(item.summary ? { summary: item.summary } : {}), source: fetched.url.host });
  return { next: added.length ? doc.toString() : opts.text, added, skipped: items.length - fresh.length };
}
