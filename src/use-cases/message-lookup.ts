// "What happened to my message to x@y?": the subscriber by address (through the store), then
// their entry in the send's ledger (through the ledger), in words an editor can pass on.
import { readCampaign } from '../campaign/records/campaign-record.ts';
import type { Redis } from 'ioredis';
import { shardOf, type LedgerShard } from '../campaign/sends.ts';
import { normaliseEmail } from '../subscribers/email-address.ts';
import type { SubscriberStore } from '../subscribers/types.ts';

export type MessageFate = 'sent' | 'failed' | 'bounced' | 'skipped' | 'unknown' | 'queued' | 'claimed' | 'data-sent' | 'in-doubt';

export type LookupAnswer =
  | { kind: 'not-an-address' }
  | { kind: 'not-subscriber'; email: string }
  | { kind: 'not-in-send'; email: string }
  | { kind: 'found'; email: string; fate: MessageFate };

/** Ledger values (see ledger.ts) to what they mean for the message. */
export function fateOf(value: string): MessageFate {
  if (value.startsWith('f:')) return 'claimed';
  if (value.startsWith('d:')) return 'data-sent';
  if (value.startsWith('p:')) return 'in-doubt';
  if (value === 'sent' || value === 'failed' || value === 'bounced' || value === 'skipped' || value === 'unknown' || value === 'queued') return value;
  return 'queued';
}

export interface LookupDeps {
  redis: Redis;
  shards: readonly LedgerShard[];
  store: SubscriberStore;
}

export async function lookupMessage(deps: LookupDeps, campaignId: string, address: string): Promise<LookupAnswer> {
  const email = normaliseEmail(address);
  if (!email) return { kind: 'not-an-address' };
  const subscriber = await deps.store.findByEmail(email);
  if (!subscriber) return { kind: 'not-subscriber', email };
  // Their entry, and the shard of the send it belongs to, are in their own partition.
  const shard = shardOf(deps.shards, subscriber.id);
  const value = await shard.ledger.state(campaignId, subscriber.id);
  if (value !== null) return { kind: 'found', email, fate: fateOf(value) };
  // Not in the ledger yet: the fan-out has not reached them, and it will if they are on the list.
  const campaign = await readCampaign(deps.redis, shard.keys, campaignId);
  const pending =
    campaign?.mode === 'list' && !campaign.fanoutDone && campaign.state !== 'cancelled' && (await deps.store.isActiveIn(subscriber.id, campaign.listId));
  return pending ? { kind: 'found', email, fate: 'queued' } : { kind: 'not-in-send', email };
}
