// A subscriber's part in the recent sends, for the console's subscriber page: for each send that
// holds an entry for them, what became of their message, and whether they left (or complained)
// from it. Read from the ledgers (subscriber ids and states only) and the consent history they
// already have; nothing about a reader is recorded for this.
import { recentCampaignIds } from '../campaign/records/campaign-record.ts';
import { shardOf, type LedgerShard } from '../campaign/sends.ts';
import type { Keys } from '../redis/keys.ts';
import type { Redis } from 'ioredis';
import type { ConsentEvent } from '../subscribers/types.ts';
import { fateOf, type MessageFate } from './message-lookup.ts';

export interface HistoryDeps {
  redis: Redis;
  keys: Keys;
  shards: readonly LedgerShard[];
}

export interface HistoryEntry {
  /** The send's id (an issue id; `~` marks a test or a repeat run). */
  campaignId: string;
  fate: MessageFate;
  /** What they did about it: left a list through its link, or complained about it. */
  after?: 'unsubscribed' | 'complained';
}

/**
 * Their outcome in each of the `limit` most recent sends that has one, newest first, with what
 * their consent history (`events`, from the store) says they did about each issue.
 */
export async function subscriberHistory(deps: HistoryDeps, subscriberId: string, events: readonly ConsentEvent[] = [], limit = 50): Promise<HistoryEntry[]> {
  const ids = await recentCampaignIds(deps.redis, deps.keys, limit);
  const shard = shardOf(deps.shards, subscriberId);
  const states = await Promise.all(ids.map((id) => shard.ledger.state(id, subscriberId)));
  const after = new Map<string, HistoryEntry['after']>();
  for (const e of events) if (e.type === 'withdrawn' && e.issueId) after.set(e.issueId, e.source === 'complaint' ? 'complained' : 'unsubscribed');
  return ids.flatMap((campaignId, i) => {
    const state = states[i];
    if (state === null || state === undefined) return [];
    const did = after.get(campaignId);
    return [{ campaignId, fate: fateOf(state), ...(did ? { after: did } : {}) }];
  });
}
