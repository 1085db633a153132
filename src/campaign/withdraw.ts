// A subscriber who leaves gets nothing after their unsubscribe has answered. The claim already
// reads the subscriber's state atomically, so a job that starts after the change skips them;
// what remains is a claim made just before it, whose SMTP transaction may not have begun yet.
// So: every running send of the list marks the subscriber's queued entry skipped at once, and
// for a claim under way the caller waits until it is over (sent or let go) before answering.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { readStates, recentCampaignIds } from './records/campaign-record.ts';
import { shardOf, type LedgerShard } from './sends.ts';

/** A subscriber's ledger entries are in their own partition's shard of each send. */
export interface WithdrawDeps {
  redis: Redis;
  shards: readonly LedgerShard[];
}

/** Sends among the newest published issues that can still send (the rest cannot). */
const RECENT_ISSUES = 200;
const RUNNING = new Set(['sending', 'paused', 'scheduled']);
const POLL_MS = 20;

/**
 * How long to wait for a claim under way: a live worker finishes a transaction in seconds; a
 * dead one's claim is taken over when its lock runs out (config.workerLockDurationMs), and the
 * new claim sees the subscriber gone. Past this the caller answers anyway.
 */
export const DEFAULT_SETTLE_TIMEOUT_MS = 20_000;

/** Ids of the list sends whose shard under `keys` is running, for any of `listIds`. */
export async function runningListSends(deps: { redis: Redis; keys: Keys }, listIds: readonly string[]): Promise<string[]> {
  const ids = (await recentCampaignIds(deps.redis, deps.keys, RECENT_ISSUES)).filter((id) => !id.includes('~'));
  if (!ids.length || !listIds.length) return [];
  const states = await readStates(deps.redis, deps.keys, ids);
  return ids.filter((_, i) => {
    const c = states[i];
    return c !== null && c !== undefined && RUNNING.has(c.state) && c.mode !== 'test' && listIds.includes(c.listId);
  });
}

/** Waits until `check` is false or `timeoutMs` passed; true when it settled. */
export async function waitUntilSettled(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await check()) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/**
 * Takes the subscriber out of every running send of `listIds`; resolves once none of them has
 * a claim for the subscriber under way (or after `settleTimeoutMs`). Returns the sends touched.
 */
export async function withdrawFromRunningSends(
  deps: WithdrawDeps,
  subscriberId: string,
  listIds: readonly string[],
  settleTimeoutMs = DEFAULT_SETTLE_TIMEOUT_MS,
): Promise<string[]> {
  const { keys, ledger } = shardOf(deps.shards, subscriberId);
  const sends = await runningListSends({ redis: deps.redis, keys }, listIds);
  const underWay: string[] = [];
  for (const campaignId of sends) {
    if ((await ledger.withdraw(campaignId, subscriberId)) === 'in-flight') underWay.push(campaignId);
  }
  for (const campaignId of underWay) {
    await waitUntilSettled(() => ledger.isInFlight(campaignId, subscriberId), settleTimeoutMs);
  }
  return sends;
}
