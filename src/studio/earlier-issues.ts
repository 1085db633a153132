// The arXiv papers a newsletter's earlier issues carried, so a paper sent before is flagged when it
// is added again. Read loosely: an old file that no longer passes the schema still counts, and one
// that does not parse is passed over (lint names it when it matters).
import { resolve } from 'node:path';
import { arxivIdOfLink } from './arxiv-id.ts';
import { issuesOf } from './issue-drafts.ts';

/** arXiv id (no version) → the earlier issue (file base name) that carried it, the latest first. */
export async function arxivPapersOfEarlierIssues(emailsDir: string, issue: { newsletter: string; number: number }, self: string): Promise<Map<string, string>> {
  const found: Array<{ number: number; id: string; papers: string[] }> = [];
  for (const { id, path, data } of await issuesOf(emailsDir, issue.newsletter)) {
    if (resolve(path) === resolve(self) || typeof data.number !== 'number' || data.number >= issue.number) continue;
    found.push({ number: data.number, id, papers: linksOf(data.sections) });
  }
  const earlier = new Map<string, string>();
  for (const { id, papers } of found.sort((a, b) => b.number - a.number)) {
    for (const link of papers) {
      const ref = arxivIdOfLink(link);
      if (ref && !earlier.has(ref.id)) earlier.set(ref.id, id);
    }
  }
  return earlier;
}

/** Every http(s) URL any field of the newsletter's other issues holds (numbered before `issue`): links sent before. */
export async function urlsOfEarlierIssues(emailsDir: string, issue: { newsletter: string; number: number }, self: string): Promise<Set<string>> {
  const urls = new Set<string>();
  for (const { path, data } of await issuesOf(emailsDir, issue.newsletter)) {
    if (resolve(path) === resolve(self) || typeof data.number !== 'number' || data.number >= issue.number) continue;
    for (const url of urlsIn(data)) urls.add(url);
  }
  return urls;
}

/** Every string value of `value`, at any depth, that is an http(s) URL. */
export function urlsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (/^https?:\/\//i.test(value.trim())) out.push(value.trim());
  } else if (Array.isArray(value)) for (const v of value) urlsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) urlsIn(v, out);
  return out;
}

/** Every url and detailsUrl of the papers sections' papers. */
function linksOf(sections: unknown): string[] {
  const links: string[] = [];
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  for (const section of list(sections)) {
    const s = section as { kind?: unknown; groups?: unknown };
    if (s?.kind !== 'papers') continue;
    for (const group of list(s.groups)) {
      for (const paper of list((group as { papers?: unknown })?.papers)) {
        for (const key of ['url', 'detailsUrl'] as const) {
          const value = (paper as Record<string, unknown>)?.[key];
          if (typeof value === 'string') links.push(value);
        }
      }
    }
  }
  return links;
}
