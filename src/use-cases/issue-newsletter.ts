// Which newsletter an issue (or its send, named by the issue id) belongs to: the `newsletter:`
// of its file. What a member may do to an issue can depend on it (per-newsletter roles); an id
// with no file has none, and then the member's own role applies.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { issueFile } from './publishable-issue.ts';

export async function newsletterOfIssue(emailsDir: string, issueId: string): Promise<string | null> {
  try {
    const doc = parse(await readFile(issueFile(emailsDir, issueId), 'utf8')) as { newsletter?: unknown } | null;
    return typeof doc?.newsletter === 'string' ? doc.newsletter : null;
  } catch {
    return null; // not an issue id, no file, or a file that does not parse: the lint says why elsewhere
  }
}
