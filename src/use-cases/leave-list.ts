// A subscriber leaves a list (the unsubscribe page, RFC 8058 one-click, the admin API) or is
// removed for good (`subscribers remove`): the subscriber store changes their state, then every
// running send of those lists lets them go (src/campaign/withdraw.ts says why in that order).
// When this returns, no SMTP transaction to them starts any more.
import { countLateReport } from '../campaign/records/campaign-record.ts';
import { isCampaignId } from '../campaign/records/ids.ts';
import { shardOf } from '../campaign/sends.ts';
import { withdrawFromRunningSends, type WithdrawDeps } from '../campaign/withdraw.ts';
import type { Subscriber, SubscriberStore, Withdrawal } from '../subscribers/types.ts';

export interface LeaveDeps extends WithdrawDeps {
  store: SubscriberStore;
  /** How long to wait for a transaction already under way (default: withdraw's). */
  settleTimeoutMs?: number;
}

/**
 * Unsubscribes from one list. Null when there is no such subscriber; `left` is true only for the
 * call that took them off (a repeated one-click POST changes, and counts, nothing more).
 * `withdrawal` says how (one-click, the page, an operator…): it goes into the consent history.
 * `fromIssue` is the issue the link came from (the link's `?issue=`): it is believed only when
 * that issue's send holds a message to them, and then the unsubscribe counts against it.
 */
export async function leaveList(
  deps: LeaveDeps,
  subscriberId: string,
  listId: string,
  withdrawal?: Withdrawal,
  fromIssue?: string,
): Promise<{ subscriber: Subscriber; left: boolean; issueId?: string } | null> {
  const issueId = fromIssue && (await wasSent(deps, fromIssue, subscriberId)) ? fromIssue : undefined;
  const result = await deps.store.removeFromList(subscriberId, listId, issueId ? { source: 'operator', ...withdrawal, issueId } : withdrawal);
  await withdrawFromRunningSends(deps, subscriberId, [listId], deps.settleTimeoutMs);
  if (!result) return null;
  if (result.removed && issueId) await countLateReport(deps.redis, shardOf(deps.shards, subscriberId).keys, issueId, 'unsubscribe');
  return { subscriber: result.subscriber, left: result.removed, ...(issueId ? { issueId } : {}) };
}

/** Whether the send `campaignId` holds a message to the subscriber (any state): the link can be theirs. */
export async function wasSent(deps: WithdrawDeps, campaignId: string, subscriberId: string): Promise<boolean> {
  if (!isCampaignId(campaignId)) return false;
  return (await shardOf(deps.shards, subscriberId).ledger.state(campaignId, subscriberId)) !== null;
}

/** Removes the subscriber for good (every list). False when there was none. */
export async function removeSubscriber(deps: LeaveDeps, subscriberId: string): Promise<boolean> {
  const before = await deps.store.get(subscriberId);
  if (!before || !(await deps.store.remove(subscriberId))) return false;
  await withdrawFromRunningSends(deps, subscriberId, before.lists, deps.settleTimeoutMs);
  return true;
}
