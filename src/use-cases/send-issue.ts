// The editor's "send this issue to its list", whoever asks (the CLI, `dev`, later the console):
// refuse while a send of it runs; say so, changing nothing, when it is done (unless only new
// subscribers or the failed are asked for); check that publishing is allowed; let the caller
// confirm with the number of recipients; publish once (with its links tracked when the
// newsletter counts clicks); start the send.
import { checkPublish, publishIssue, type PublishOutcome } from '../campaign/records/publish.ts';
import { withTrackedLinks } from '../campaign/records/tracked-links.ts';
import { previousSend, startListSend, type SendDeps, type SendStarted } from '../campaign/start-send.ts';
import type { CampaignRecord, PublishedIssue } from '../campaign/types.ts';
import { UserError } from '../errors.ts';
import { ClickStore } from '../reports/click-store.ts';

export interface SendIssueDeps extends SendDeps {
  /** PUBLIC_URL without a trailing slash: tracked links go through `${publicUrl}/r/…`. */
  publicUrl: string;
}

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
  if (request.onlyNew && request.retryFailed) throw new UserError('--new-subscribers and --retry-failed: choose one');
  const previous = await previousSend(deps, request.published.issueId);
  const done = previous?.state === 'done' ? previous : null;
  const resend = done !== null && Boolean(request.onlyNew || request.retryFailed);
  if (done && !resend) return { kind: 'already-sent', record: done };
  const clicks = new ClickStore(deps.redis, deps.keys);
  const published = await withTrackedLinks(request.published, deps.publicUrl, clicks);
  const publish = await checkPublish(deps.redis, deps.keys, published, { force: request.force });
  const recipients = (await deps.store.countByStatus(published.listId)).active ?? 0;
  if (request.confirm && !(await request.confirm({ recipients, resend }))) return { kind: 'not-confirmed' };
  const result = await publishIssue(deps.redis, deps.keys, published, { force: request.force });
  // The link table of what is stored (an unchanged issue keeps its first publication), before any
  // message with those links can leave.
  if (result.published.clicks) await clicks.saveLinks(result.published.issueId, result.published.clicks.links);
  if (result.published.clicks?.opens) await clicks.trackOpens(result.published.issueId);
  const started = await startListSend(deps, result.published, {
    ...(request.at ? { at: request.at } : {}),
    ...(request.onlyNew ? { onlyNew: true } : {}),
    ...(request.retryFailed ? { retryFailed: true } : {}),
  });
  return { kind: 'started', started, publish, resend };
}
