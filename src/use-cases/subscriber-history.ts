// A subscriber's part in the recent sends, for the console's subscriber page: for each send that
// holds an entry for them, what became of their message. Read from the ledgers (subscriber ids
// and states only); nothing about a reader is recorded for this.
import { recentCampaignIds } from '../campaign/records/campaign-record.ts';
import { shardOf, type LedgerShard } from '../campaign/sends.ts';
import type { Keys } from '../redis/keys.ts';
import type { Redis } from 'ioredis';
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
}

/** Their outcome in each of the `limit` most recent sends that has one, newest first. */
export async function subscriberHistory(deps: HistoryDeps, subscriberId: string, limit = 50): Promise<HistoryEntry[]> {
  const ids = await recentCampaignIds(deps.redis, deps.keys, limit);
  const shard = shardOf(deps.shards, subscriberId);
  const states = await Promise.all(ids.map((id) => shard.ledger.state(id, subscriberId)));
  return ids.flatMap((campaignId, i) => (states[i] === null || states[i] === undefined ? [] : [{ campaignId, fate: fateOf(states[i]!) }]));
}
