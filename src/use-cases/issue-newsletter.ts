// Which newsletter an issue (or its send, named by the issue id) belongs to, for per-newsletter
// roles: the published copy's once it is published (it does not change: editing the file's
// `newsletter:` line in the studio cannot move a running send to another newsletter), else the
// `newsletter:` of its file. An id with neither has none, and the member's own role applies.
import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { parse } from 'yaml';
import { readPublished } from '../campaign/records/publish.ts';
import type { Keys } from '../redis/keys.ts';
import { issueFile } from './publishable-issue.ts';

export interface IssueNewsletterDeps {
  emailsDir: string;
  redis: Redis;
  keys: Keys;
}

export async function newsletterOfIssue(deps: IssueNewsletterDeps, issueId: string): Promise<string | null> {
  const published = await readPublished(deps.redis, deps.keys, issueId).catch(() => null);
  if (published) return published.newsletterId;
  try {
    const doc = parse(await readFile(issueFile(deps.emailsDir, issueId), 'utf8')) as { newsletter?: unknown } | null;
    return typeof doc?.newsletter === 'string' ? doc.newsletter : null;
  } catch {
    return null; // not an issue id, no file, or a file that does not parse: the lint says why elsewhere
  }
}
