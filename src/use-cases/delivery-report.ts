// What a bounce or a complaint reported after the SMTP conversation does (the generic webhook,
// later SES notifications and DSN/ARF files): a permanent bounce marks the subscriber bounced
// (suppressed), three soft bounces within 30 days do the same, a complaint marks them
// complained (unsubscribed and suppressed). Either way every running send of their lists lets
// them go before this returns, and the issue it names counts the report.
import { countLateReport } from '../campaign/records/campaign-record.ts';
import { shardOf } from '../campaign/sends.ts';
import { withdrawFromRunningSends } from '../campaign/withdraw.ts';
import { partsOfOurMessageId } from '../mail/message-id.ts';
import { normaliseEmail } from '../subscribers/email-address.ts';
import { isSubscriberId } from '../redis/subscriber-id.ts';
import type { SubscriberStatus } from '../subscribers/types.ts';
import type { LeaveDeps } from './leave-list.ts';

/** Soft bounces in a row (within SOFT_BOUNCE_WINDOW_SECONDS) that suppress an address. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_SECONDS = 30 * 24 * 3600;

export interface DeliveryReport {
  type: 'bounce' | 'complaint';
  /** Whom it is about: the address, or (exact, from a VERP return path) the subscriber id, which wins. */
  email?: string;
  subscriberId?: string;
  /** For a bounce: a hard (5xx, mailbox gone) rather than a soft (full, deferred) one. */
  permanent?: boolean;
  /** The issue the report is about, when the sender knows it (a Message-ID of ours names it). */
  issueId?: string;
}

export type ReportOutcome =
  | { kind: 'unknown-address' }
  | { kind: 'suppressed'; status: SubscriberStatus; subscriberId: string; issueCounted: boolean }
  | { kind: 'soft-bounce'; count: number; subscriberId: string; issueCounted: boolean };

/**
 * The issue and subscriber ids inside one of our Message-IDs (`<issue.subscriber.TAG@domain>`,
 * newsletterMessageId in src/mail), if it is one, signed or not: it identifies, it proves nothing
 * (verifyMessageId in src/mail/message-id.ts does).
 */
export function partsOfMessageId(messageId: string | undefined): { issueId: string; subscriberId?: string } | undefined {
  const parts = partsOfOurMessageId(messageId);
  if (!parts) return undefined;
  return isSubscriberId(parts.subscriberId) ? { issueId: parts.issueId, subscriberId: parts.subscriberId } : { issueId: parts.issueId };
}

/** The issue id inside one of our Message-IDs, if it is one. */
export function issueOfMessageId(messageId: string | undefined): string | undefined {
  return partsOfMessageId(messageId)?.issueId;
}

export async function reportDelivery(deps: LeaveDeps, report: DeliveryReport): Promise<ReportOutcome> {
  const email = report.email ? normaliseEmail(report.email) : null;
  const subscriber = report.subscriberId ? await deps.store.get(report.subscriberId) : email ? await deps.store.findByEmail(email) : null;
  if (!subscriber) return { kind: 'unknown-address' };
  // A list send's shard is in the subscriber's partition; a test send lives in the first only.
  const shards = [...new Set([shardOf(deps.shards, subscriber.id), deps.shards[0]!])];
  let issueCounted = false;
  for (const shard of report.issueId ? shards : [])
    if (!issueCounted) issueCounted = await countLateReport(deps.redis, shard.keys, report.issueId!, report.type);
  if (report.type === 'bounce' && !report.permanent) {
    const count = await deps.store.noteSoftBounce(subscriber.id, SOFT_BOUNCE_WINDOW_SECONDS);
    if (count < SOFT_BOUNCE_LIMIT) return { kind: 'soft-bounce', count, subscriberId: subscriber.id, issueCounted };
  }
  const status: SubscriberStatus = report.type === 'complaint' ? 'complained' : 'bounced';
  // The consent history names the issue a complaint was about, when the send it names exists.
  const withdrawal = report.type === 'complaint' ? { source: 'complaint' as const, ...(issueCounted ? { issueId: report.issueId! } : {}) } : undefined;
  if (subscriber.status !== status) await deps.store.setStatus(subscriber.id, status, undefined, withdrawal);
  await withdrawFromRunningSends(deps, subscriber.id, subscriber.lists, deps.settleTimeoutMs);
  return { kind: 'suppressed', status, subscriberId: subscriber.id, issueCounted };
}
