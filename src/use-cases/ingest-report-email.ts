// `newsletter bounces ingest`: a mail that came back to us, given as the raw bytes of an .eml.
// - A bounce (DSN, RFC 3464) or a feedback-loop complaint (ARF, RFC 5965) is mapped back to the
//   subscriber and the issue, then handled as every delivery report is (delivery-report.ts).
//   With BOUNCE_ADDRESS set, only what we signed may name them: our VERP return path (mail/verp.ts)
//   or our Message-ID quoted from the original, when it carries our MAC (mail/message-id.ts).
//   Anything else is anyone's word: it is recorded as unmatched (delivery-reports/unmatched-log.ts),
//   never applied and never counted in an issue's status. Without BOUNCE_ADDRESS there is no
//   return path to sign, and whoever can put mail in the mailbox is trusted: a signed Message-ID,
//   else the recipient address the report names, else the subscriber id of an unsigned
//   Message-ID of ours.
// - A mail to the List-Unsubscribe mailto (`unsubscribe+TOKEN@domain`) takes the person off the
//   list its signed token names (leave-list.ts, the use case of the one-click unsubscribe); a
//   token that does not verify is recorded as unmatched and changes nothing.
import { shardOf } from '../campaign/sends.ts';
import { readReportEmail, type EmailReport } from '../delivery-reports/report-email.ts';
import { recordUnmatched, type UnmatchedEntry } from '../delivery-reports/unmatched-log.ts';
import { verifyMessageId } from '../mail/message-id.ts';
import { readVerpAddress } from '../mail/verp.ts';
import type { Keys } from '../redis/keys.ts';
import { verifyListToken, type Secrets } from '../subscribers/tokens.ts';
import { partsOfMessageId, reportDelivery, type DeliveryReport, type ReportOutcome } from './delivery-report.ts';
import { leaveList, type LeaveDeps } from './leave-list.ts';

export interface IngestDeps extends LeaveDeps {
  /** Deployment-wide keys: the unmatched log. */
  keys: Keys;
  secrets: Secrets;
  bounceAddress?: string;
}

export interface IngestOptions {
  /** Where the mail was read from (a file name, `stdin`), kept with an unmatched entry. */
  source?: string;
}

/**
 * How the subscriber was found: `verp` (our signed return path), `message-id` (our signed
 * Message-ID), and without BOUNCE_ADDRESS only, `address` (the recipient the report names) and
 * `unsigned-message-id`; `none` when nothing may name them.
 */
export type MatchedBy = 'verp' | 'message-id' | 'address' | 'unsigned-message-id' | 'none';

export interface IngestedReport {
  report: EmailReport;
  matchedBy: MatchedBy;
  issueId?: string;
  /** `unmatched`: not applied, not counted, recorded for the operator (`bounces unmatched`). */
  outcome: ReportOutcome | { kind: 'unmatched'; reason: string };
}

export interface IngestedUnsubscribe {
  /** The mailto's token with its MAC left out (`1.7.pretrain-weekly.…`): safe to print. */
  token: string;
  outcome:
    | { kind: 'left'; subscriberId: string; listId: string }
    | { kind: 'not-on-list'; subscriberId: string; listId: string }
    | { kind: 'no-such-subscriber'; listId: string }
    | { kind: 'unmatched'; reason: string };
}

export type IngestResult =
  | { kind: 'ignored'; reason: string }
  | { kind: 'reports'; reports: IngestedReport[] }
  | { kind: 'unsubscribes'; requests: IngestedUnsubscribe[] };

type Target = { by: MatchedBy; subscriberId?: string; email?: string; issueId?: string; unmatched?: string };

function target(deps: IngestDeps, report: EmailReport): Target {
  const signed = verifyMessageId(deps.secrets, report.messageId);
  if (deps.bounceAddress) {
    for (const address of report.returnPaths) {
      const verp = readVerpAddress(deps.bounceAddress, deps.secrets, address);
      if (!verp) continue;
      // A token too long for the issue names the subscriber alone: the issue then comes from a
      // signed Message-ID about the same subscriber, or from nowhere.
      const issueId = verp.issueId ?? (signed?.subscriberId === verp.subscriberId ? signed.issueId : undefined);
      return { by: 'verp', subscriberId: verp.subscriberId, ...(issueId ? { issueId } : {}) };
    }
    if (signed) return { by: 'message-id', subscriberId: signed.subscriberId, issueId: signed.issueId };
    return { by: 'none', unmatched: whyUnmatched(deps, report) };
  }
  if (signed) return { by: 'message-id', subscriberId: signed.subscriberId, issueId: signed.issueId };
  const quoted = partsOfMessageId(report.messageId);
  if (report.email) return { by: 'address', email: report.email, ...(quoted ? { issueId: quoted.issueId } : {}) };
  if (quoted?.subscriberId) return { by: 'unsigned-message-id', subscriberId: quoted.subscriberId, issueId: quoted.issueId };
  return { by: 'none', unmatched: 'names no recipient and quotes no Message-ID of ours' };
}

function whyUnmatched(deps: IngestDeps, report: EmailReport): string {
  const bounceDomain = deps.bounceAddress!.slice(deps.bounceAddress!.lastIndexOf('@') + 1).toLowerCase();
  const bounceLocal = deps.bounceAddress!.slice(0, deps.bounceAddress!.lastIndexOf('@')).toLowerCase();
  const verpLike = report.returnPaths.some((a) => a.toLowerCase().startsWith(`${bounceLocal}+`) && a.toLowerCase().endsWith(`@${bounceDomain}`));
  const ours = partsOfMessageId(report.messageId) !== undefined;
  const parts = [
    verpLike ? 'its VERP return path does not verify' : 'no VERP return path of ours',
    ours ? 'its Message-ID does not carry our MAC' : 'no signed Message-ID of ours',
  ];
  return `${parts.join(', ')} (BOUNCE_ADDRESS is set: nothing else may name a subscriber)`;
}

async function ingestReport(deps: IngestDeps, report: EmailReport, opts: IngestOptions): Promise<IngestedReport> {
  const found = target(deps, report);
  if (found.by === 'none') {
    const reason = found.unmatched ?? 'nothing names a subscriber';
    await recordUnmatched(deps.redis, deps.keys, unmatchedEntry(report, reason, opts));
    return { report, matchedBy: 'none', outcome: { kind: 'unmatched', reason } };
  }
  const delivery: DeliveryReport = {
    type: report.type,
    permanent: report.permanent,
    ...(found.subscriberId ? { subscriberId: found.subscriberId } : {}),
    ...(found.email ? { email: found.email } : {}),
    ...(found.issueId ? { issueId: found.issueId } : {}),
  };
  return { report, matchedBy: found.by, ...(found.issueId ? { issueId: found.issueId } : {}), outcome: await reportDelivery(deps, delivery) };
}

function unmatchedEntry(report: EmailReport, reason: string, opts: IngestOptions): UnmatchedEntry {
  return {
    kind: report.type,
    reason,
    ...(opts.source ? { source: opts.source } : {}),
    ...(report.email ? { email: report.email } : {}),
    ...(report.messageId ? { messageId: report.messageId } : {}),
    ...(report.status ? { status: report.status } : {}),
    ...(report.returnPaths[0] ? { address: report.returnPaths[0] } : {}),
  };
}

/** A list token without its MAC, to show and to keep: `1.7.pretrain-weekly.…`. */
function withoutMac(token: string): string {
  const dot = token.lastIndexOf('.');
  return dot > 0 ? `${token.slice(0, dot)}.…` : '…';
}

async function ingestUnsubscribe(deps: IngestDeps, token: string, opts: IngestOptions): Promise<IngestedUnsubscribe> {
  const shown = withoutMac(token);
  const claims = verifyListToken(deps.secrets, token);
  if (!claims) {
    const reason = 'its token does not verify (forged, cut short or altered on the way)';
    await recordUnmatched(deps.redis, deps.keys, {
      kind: 'unsubscribe',
      reason,
      address: `unsubscribe+${shown}`,
      ...(opts.source ? { source: opts.source } : {}),
    });
    return { token: shown, outcome: { kind: 'unmatched', reason } };
  }
  const result = await leaveList(deps, claims.subscriberId, claims.listId, { source: 'mail' });
  if (!result) return { token: shown, outcome: { kind: 'no-such-subscriber', listId: claims.listId } };
  if (!result.left) return { token: shown, outcome: { kind: 'not-on-list', subscriberId: claims.subscriberId, listId: claims.listId } };
  // Counted once per person and list, as the one-click route counts: `serve` adds these to
  // newsletter_unsubscribes_total{how="mailto"} (it is another process).
  await deps.redis.hincrby(shardOf(deps.shards, claims.subscriberId).keys.mailUnsubscribes(), claims.listId, 1);
  return { token: shown, outcome: { kind: 'left', subscriberId: claims.subscriberId, listId: claims.listId } };
}

export async function ingestReportEmail(deps: IngestDeps, raw: Buffer, opts: IngestOptions = {}): Promise<IngestResult> {
  const read = await readReportEmail(raw);
  if (read.kind === 'ignored') return read;
  if (read.kind === 'unsubscribe') {
    const requests: IngestedUnsubscribe[] = [];
    for (const token of read.request.tokens) requests.push(await ingestUnsubscribe(deps, token, opts));
    return { kind: 'unsubscribes', requests };
  }
  const reports: IngestedReport[] = [];
  for (const report of read.reports) reports.push(await ingestReport(deps, report, opts));
  return { kind: 'reports', reports };
}
