// An issue ready to publish, from its file or its id, whoever asks (CLI send, the admin API,
// the console): loaded, rendered once, and refused with its findings when lint has errors.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { toPublishedIssue } from '../campaign/records/publish.ts';
import type { PublishedIssue } from '../campaign/types.ts';
import { CONTENT_ID } from '../content/schema.ts';
import type { LocatedFinding } from '../content/index.ts';
import { UserError } from '../errors.ts';
import { plural } from '../render/locales/format.ts';
import { renderIssueFile, type RenderedIssueFile } from './render-issue-file.ts';

export class LintFailedError extends UserError {
  override name = 'LintFailedError';
  constructor(
    readonly file: string,
    readonly findings: readonly LocatedFinding[],
  ) {
    const errors = findings.filter((f) => f.level === 'error').length;
    super(
      `${file}: ${errors} lint ${plural('en', errors, { one: 'error', other: 'errors' })}; fix ${plural('en', errors, { one: 'it', other: 'them' })} before sending`,
    );
  }
}

export class UnknownIssueError extends UserError {
  override name = 'UnknownIssueError';
}

/** The file of issue `issueId` in `emailsDir`; the id is checked before any file-system call. */
export function issueFile(emailsDir: string, issueId: string): string {
  if (!CONTENT_ID.test(issueId))
    throw new UnknownIssueError(`"${issueId.slice(0, 120)}" is not an issue id: lower-case letters, digits and dashes, at most 100`);
  return join(emailsDir, 'issues', `${issueId}.yaml`);
}

/** The file of issue `issueId`, checked to exist; UnknownIssueError when it is not a valid id or has no file. */
export async function existingIssueFile(emailsDir: string, issueId: string): Promise<string> {
  const file = issueFile(emailsDir, issueId);
  await access(file).catch(() => {
    throw new UnknownIssueError(`no issue file issues/${issueId}.yaml`);
  });
  return file;
}

export type PublishableIssue = RenderedIssueFile & { file: string; published: PublishedIssue };

/** Throws LintFailedError when lint has errors (warnings pass). */
export async function loadPublishableIssue(file: string, opts: { assetsUrl: string }): Promise<PublishableIssue> {
  const rendered = await renderIssueFile(file, opts);
  if (rendered.findings.some((f) => f.level === 'error')) throw new LintFailedError(file, rendered.findings);
  return { ...rendered, file, published: toPublishedIssue(rendered.rendered, rendered.issue, rendered.newsletter) };
}
