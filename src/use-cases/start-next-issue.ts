// "New issue": the draft of a newsletter's next issue written to emails/issues, from the latest
// issue's structure or empty (src/studio/new-issue.ts), as `newsletter new` and the console's
// issues page start it.
import type { Newsletter } from '../content/schema.ts';
import { issuesOf, todayIn, writeDraft } from '../studio/issue-drafts.ts';
import { draftNextIssue } from '../studio/new-issue.ts';

export interface StartedIssue {
  /** The draft's issue id (its file's base name) and where it was written. */
  id: string;
  path: string;
  number: number;
  date: string;
  /** The number of the issue whose structure it copies; null for a skeleton. */
  fromNumber: number | null;
}

/** Throws UserError when the draft's file exists already (nothing is overwritten). */
export async function startNextIssue(
  emailsDir: string,
  newsletter: Pick<Newsletter, 'id' | 'name' | 'archiveUrl' | 'timeZone'>,
  opts: { empty?: boolean; now?: Date } = {},
): Promise<StartedIssue> {
  const issues = await issuesOf(emailsDir, newsletter.id);
  const draft = draftNextIssue({ newsletter: newsletter.id, name: newsletter.name, archiveUrl: newsletter.archiveUrl }, issues, {
    fromLatest: !opts.empty,
    today: todayIn(newsletter.timeZone, opts.now),
  });
  const { fromNumber } = draft;
  const number = draft.data.number as number;
  const date = draft.data.date as string;
  const from = draftOrigin(fromNumber);
  const path = await writeDraft(
    emailsDir,
    draft,
    `${newsletter.name}, issue ${number} (${date}): a draft from ${from}.\nFill in what \`newsletter lint ${draft.id}.yaml\` names, then preview and send.`,
  );
  return { id: draft.id, path, number, date, fromNumber };
}

/** Where a draft came from, in the words the CLI and the file's heading use. */
export function draftOrigin(fromNumber: number | null): string {
  return fromNumber === null ? 'an empty skeleton' : `the sections of issue ${fromNumber}`;
}
