// The sends of a deployment over its partitions (src/redis/partitions.ts): each partition has
// its own shard of every send (campaign hash, ledger, deliver and fan-out queues) next to its
// subscribers, and this is the list of those shards that the send-level modules (start-send, status,
// control, withdraw, the workers) loop over. With one partition there is one shard, under
// KEY_PREFIX, exactly the layout from before partitions.
//
// One word for one partition's part of a send: a shard (SendShard, `shards`, shardOf). The code,
// its comments and its messages say shard, never share.
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { partitionOfId, type Partitions } from '../redis/partitions.ts';
import { Ledger } from './records/ledger.ts';
import { createCampaignQueues, type CampaignQueues } from './queue/queues.ts';

/** One partition's shard of the sends. */
export interface SendShard {
  partition: number;
  keys: Keys;
  ledger: Ledger;
  queues: CampaignQueues;
}

/** What reads a send: its partitions' keys. */
export interface SendReader {
  redis: Redis;
  shards: readonly Pick<SendShard, 'keys'>[];
}

export interface Sends extends SendReader {
  /** Deployment-wide keys (published issues, the archive index). */
  keys: Keys;
  shards: readonly SendShard[];
  /** Closes the queues (not the connections). */
  close(): Promise<void>;
}

/**
 * `redis`: the client for our own commands; `queueConnection`: one made with `forQueues`
 * (BullMQ's), default `redis`. `onError` receives the queues' connection errors.
 */
export function openSends(redis: Redis, parts: Partitions, queueConnection: Redis = redis, onError?: (err: Error, queue: string) => void): Sends {
  const shards = ledgerShards(redis, parts).map((shard) => ({ ...shard, queues: createCampaignQueues(queueConnection, shard.keys.prefix, onError) }));
  return {
    redis,
    keys: parts.base,
    shards,
    async close() {
      await Promise.all(shards.map((s) => s.queues.close()));
    },
  };
}

/** A shard without queue handles: what reads and settles ledger entries (withdraw, lookups). */
export type LedgerShard = Pick<SendShard, 'partition' | 'keys' | 'ledger'>;

export function ledgerShards(redis: Redis, parts: Partitions): LedgerShard[] {
  return parts.keys.map((k, partition) => ({ partition, keys: k, ledger: new Ledger(redis, k) }));
}

/** The partitions' keys of a reader, for the record-level functions. */
export function shardKeys(reader: SendReader): Keys[] {
  return reader.shards.map((s) => s.keys);
}

/** The shard that holds a subscriber's ledger entries: their partition's (a test send's recipients `t1`, … are in the first). */
export function shardOf<S>(shards: readonly S[], subscriberId: string): S {
  return shards[Math.max(0, partitionOfId(subscriberId, shards.length))]!;
}
