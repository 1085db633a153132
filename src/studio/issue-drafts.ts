// Issue files as the studio reads and writes them: every issue of one newsletter as plain data
// (drafts that do not validate yet included), and a new draft written next to them, never over
// an existing file.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { listIssueFiles } from '../content/index.ts';
import { UserError } from '../errors.ts';
import type { LatestIssue, NewIssueDraft } from './new-issue.ts';

/** The issues in emails/issues that name `newsletter`; a file that is not YAML is passed over. */
export async function issuesOf(emailsDir: string, newsletter: string): Promise<Array<LatestIssue & { path: string }>> {
  const found: Array<LatestIssue & { path: string }> = [];
  for (const path of await listIssueFiles(emailsDir)) {
    let data: unknown;
    try {
      data = parse(await readFile(path, 'utf8'));
    } catch {
      continue;
    }
    if (typeof data === 'object' && data !== null && (data as Record<string, unknown>).newsletter === newsletter) {
      found.push({ id: basename(path, '.yaml'), path, data: data as Record<string, unknown> });
    }
  }
  return found;
}

/** Writes the draft as emails/issues/<id>.yaml and returns its path; refuses to replace a file. */
export async function writeDraft(emailsDir: string, draft: NewIssueDraft, heading: string): Promise<string> {
  const path = join(emailsDir, 'issues', `${draft.id}.yaml`);
  const text = `${heading
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n')}\n${stringify(draft.data, { lineWidth: 0 })}`;
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`${path} exists already; edit it, or remove it to start again`);
    throw new UserError(`${path}: cannot write (${code ?? String(error)})`);
  }
  return path;
}

/** Today's date (YYYY-MM-DD) where the newsletter's editors are. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
