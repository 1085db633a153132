// The replay guard of webhook messages (an SNS MessageId): each is acted on once, and only once it
// has been acted on does it count as seen. SNS delivers at least once and retries on a 5xx or a
// timeout, so a message whose processing failed half-way must be applied (the rest of it) on the
// retry, and a message applied already must change nothing more, however often it comes back.
// This module owns the records under `webhook-seen:<id>` (keys.webhookSeen):
//   <id>        hash: `r:<i>` = the outcome of the message's i-th report once it was applied,
//               `done` = when the whole message was; kept SEEN_SECONDS from the last write. (A
//               plain string there is a guard written before this version: done.)
//   <id>:lock   string, while one request applies the message (LOCK_MS at most): another delivery
//               of it meanwhile is told to come back later, never applied alongside.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { Keys } from '../redis/keys.ts';

/**
 * How long a message counts as seen after its last change. Longer than any message is accepted
 * (the SES route refuses one dated more than an hour ago), so a replay meets its record or its age.
 */
export const SEEN_SECONDS = 24 * 3600;
/** A request that died while applying a message holds it this long at most; SNS's retry then applies it. */
export const LOCK_MS = 60_000;

export type WebhookClaim =
  | { kind: 'done' }
  | { kind: 'busy' }
  | {
      kind: 'claimed';
      /** Reports of this message applied by an earlier delivery that failed after them: index → outcome. */
      applied: ReadonlyMap<number, string>;
      /** Records that report `index` was applied with `outcome` (before the next one is tried). */
      noteApplied(index: number, outcome: string): Promise<void>;
      /** The whole message was applied: it is seen from now on, and the claim ends. */
      finish(): Promise<void>;
      /** Processing failed: the claim ends, the message stays unseen (what was applied stays noted). */
      release(): Promise<void>;
    };

// KEYS[1] the record, KEYS[2] its lock; ARGV[1] this claim's token, ARGV[2] LOCK_MS.
// → {'done'} | {'busy'} | {'claimed', field, value, …} (the record's fields so far).
const CLAIM = new LuaScript(`
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'string' then return {'done'} end
if kind == 'hash' and redis.call('HEXISTS', KEYS[1], 'done') == 1 then return {'done'} end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'busy'} end
local out = {'claimed'}
if kind == 'hash' then
  for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do out[#out + 1] = v end
end
return out
`);

// KEYS[1] the record, KEYS[2] its lock; ARGV[1] token, ARGV[2] SEEN_SECONDS, ARGV[3] field ('' for none),
// ARGV[4] its value, ARGV[5] 'unlock' to let the lock go (only if it is still this claim's) or 'keep'.
const NOTE = new LuaScript(`
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
if ARGV[5] == 'unlock' and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`);

/**
 * Claims webhook message `id` (e.g. `sns:<MessageId>`) for processing: `done` when it was applied
 * already (answer as for a duplicate), `busy` while another request applies it (ask the sender to
 * retry later), else the claim, with what an earlier, failed delivery of it already applied.
 */
export async function claimWebhookMessage(redis: Redis, keys: Keys, id: string): Promise<WebhookClaim> {
  const record = keys.webhookSeen(id);
  const lock = keys.webhookSeen(`${id}:lock`);
  const token = randomBytes(12).toString('base64url');
  const reply = (await CLAIM.run(redis, [record, lock], [token, LOCK_MS])) as string[];
  if (reply[0] === 'done') return { kind: 'done' };
  if (reply[0] !== 'claimed') return { kind: 'busy' };
  const applied = new Map<number, string>();
  for (let i = 1; i + 1 < reply.length; i += 2) {
    const index = /^r:([0-9]+)$/.exec(reply[i]!)?.[1];
    if (index !== undefined) applied.set(Number(index), reply[i + 1]!);
  }
  const note = (field: string | undefined, value: string | undefined, unlock: boolean) =>
    NOTE.run(redis, [record, lock], [token, SEEN_SECONDS, field ?? '', value ?? '', unlock ? 'unlock' : 'keep']).then(() => undefined);
  return {
    kind: 'claimed',
    applied,
    noteApplied: (index, outcome) => note(`r:${index}`, outcome, false),
    finish: () => note('done', new Date().toISOString(), true),
    release: () => note(undefined, undefined, true),
  };
}
