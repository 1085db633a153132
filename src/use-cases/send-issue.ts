// The editor's "send this issue to its list", whoever asks (the CLI, `dev`, later the console):
// refuse while a send of it runs; say so, changing nothing, when it is done (unless only new
// subscribers or the failed are asked for); check that publishing is allowed; let the caller
// confirm with the number of recipients; publish once; start the send.
import { checkPublish, publishIssue, type PublishOutcome } from '../campaign/records/publish.ts';
import { previousSend, startListSend, type SendDeps, type SendStarted } from '../campaign/start-send.ts';
import type { CampaignRecord, PublishedIssue } from '../campaign/types.ts';
import { UserError } from '../errors.ts';

export type SendIssueDeps = SendDeps;

export interface SendIssueRequest {
  published: PublishedIssue;
  at?: Date;
  /** Publish even though the issue was published before with other content. */
  force?: boolean;
  /** Only subscribers the send never had (`--new-subscribers`). */
  onlyNew?: boolean;
  /** Again to those it has as failed or skipped (`--retry-failed`). */
  retryFailed?: boolean;
  /** Asked before anything is written; false stops here. */
  confirm?: (question: { recipients: number; resend: boolean }) => Promise<boolean>;
}

export type SendIssueOutcome =
  | { kind: 'already-sent'; record: CampaignRecord }
  | { kind: 'not-confirmed' }
  | { kind: 'started'; started: SendStarted; publish: PublishOutcome; resend: boolean };

export async function sendIssue(deps: SendIssueDeps, request: SendIssueRequest): Promise<SendIssueOutcome> {
  const { published } = request;
  if (request.onlyNew && request.retryFailed) throw new UserError('--new-subscribers and --retry-failed: choose one');
  const previous = await previousSend(deps, published.issueId);
  const done = previous?.state === 'done' ? previous : null;
  const resend = done !== null && Boolean(request.onlyNew || request.retryFailed);
  if (done && !resend) return { kind: 'already-sent', record: done };
  const publish = await checkPublish(deps.redis, deps.keys, published, { force: request.force });
  const recipients = (await deps.store.countByStatus(published.listId)).active ?? 0;
  if (request.confirm && !(await request.confirm({ recipients, resend }))) return { kind: 'not-confirmed' };
  const result = await publishIssue(deps.redis, deps.keys, published, { force: request.force });
  const started = await startListSend(deps, result.published, {
    ...(request.at ? { at: request.at } : {}),
    ...(request.onlyNew ? { onlyNew: true } : {}),
    ...(request.retryFailed ? { retryFailed: true } : {}),
  });
  return { kind: 'started', started, publish, resend };
}
