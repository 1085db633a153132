// The ledger: per campaign, subscriberId → state in one hash, with the counters in the campaign
// hash. Every transition is one Lua script, so a state and its counter always move together
// and a final state is written (and counted) at most once, whatever retries or crashes happen.
//
// Ledger values: `queued` (registered by the fan-out), `f:<attemptId>` (claimed: a worker is
// about to send), `d:<attemptId>` (the message data went out; its final dot follows, so the
// server may accept it from now on), or a final state (sent, bounced, failed, skipped, unknown).
// A later attempt that finds another's `f:` marker sends again silently: no data had left, so
// the server cannot have the message. One that finds a `d:` marker sends again too (nothing is
// lost) and counts a possible duplicate: the earlier attempt may have got its 250 and died, or
// lost the connection before the reply, the one window SMTP cannot close. A dead attempt's
// `d:` met while the send is paused is parked as `p:` (still in doubt, no longer in flight).
//
// The campaign's `inflight` counter is the number of live claims (f: or d:): pause, cancel and
// unsubscribe wait until the transactions already under way are over before they answer, so
// that nothing starts after they returned.
//
// This file owns the ledger hash and its in-doubt set; the campaign hash is campaign-record.ts's,
// and these scripts change it only through that file's Lua functions (CAMPAIGN_LUA).
import type { Redis } from 'ioredis';
import type { Keys } from '../../redis/keys.ts';
import { subscriberReadSpec } from '../../subscribers/redis-store.ts';
import { CAMPAIGN_LUA } from './campaign-record.ts';
import { isTestCampaignId, TEST_TTL_SECONDS } from './ids.ts';
import { LuaScript } from '../../redis/lua-script.ts';
import type { ClaimOutcome, FinalState } from '../types.ts';

/** Subscribers re-sent after an in-doubt attempt (the possible duplicates), for reports. */
export function inDoubtKey(k: Keys, campaignId: string): string {
  return `${k.ledger(campaignId)}:in-doubt`;
}

// Shared Lua: the campaign hash's functions (CAMPAIGN_LUA: counters, cursor, "done" when the
// fan-out finished and nothing is queued), the final-state tests and settle.
const COMMON = `${CAMPAIGN_LUA}
local function isFinal(s)
  return s == 'sent' or s == 'bounced' or s == 'failed' or s == 'skipped' or s == 'unknown'
end
-- A claim in flight: claimed (f:) or with its data out (d:).
local function isLive(s)
  if not s then return false end
  local p = string.sub(s, 1, 2)
  return p == 'f:' or p == 'd:'
end
-- Records a final state unless one exists; a subscriber seen for the first time joins total.
-- doubt: the in-doubt set (or false): a subscriber in it may hold an earlier copy, so ending
-- without a delivery of our own is unknown, never skipped or failed (which a later send retries).
local function settle(ledger, campaign, sub, cur, state, now, doubt)
  if cur and isFinal(cur) then return cur end
  if doubt and (state == 'skipped' or state == 'failed') and redis.call('SISMEMBER', doubt, sub) == 1 then state = 'unknown' end
  if not cur then campaignAdd(campaign, 'total', 1) end
  if isLive(cur) then campaignAdd(campaign, 'inflight', -1) end
  redis.call('HSET', ledger, sub, state)
  campaignAdd(campaign, state, 1)
  checkDone(campaign, now)
  return state
end
`;

// KEYS: ledger, campaign, in-doubt set, subscriber hash. ARGV: subscriberId, attemptId, who,
// now, then for who = 'member': listId and the subscriber hash's status, lists, email and name
// field names. who is '1'/'0' when the caller knows (a test send), 'member' when the claim
// reads the subscriber itself: active, in the list, with an address. Reading it here saves a
// round trip per message and leaves no gap between "still subscribed?" and the claim.
const CLAIM = new LuaScript(`${COMMON}
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local c = redis.call('HMGET', KEYS[2], 'contentHash', 'state')
local hash = c[1] or ''
if cur and isFinal(cur) then return {cur, hash} end
local state = c[2]
if not state then return {'missing', ''} end
local active = ARGV[3] == '1'
local email, name = '', ''
if ARGV[3] == 'member' then
  local f = redis.call('HMGET', KEYS[4], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
  if f[1] == 'active' and f[2] and f[3] and string.find(',' .. f[2] .. ',', ',' .. ARGV[5] .. ',', 1, true) then
    active = true
    email = f[3]
    name = f[4] or ''
  end
end
-- Our own marker: this claim is a replay (the client re-sent it after a reconnect), not a
-- dead attempt; nothing was sent under it yet.
local mine = cur == 'f:' .. ARGV[2]
local marker = (not mine) and isLive(cur)
-- Another attempt's data went out (d:, or p: parked): the server may hold the message.
local doubt = (marker and string.sub(cur, 1, 2) == 'd:') or (cur ~= false and cur ~= nil and string.sub(cur, 1, 2) == 'p:')
-- An in-doubt message of a cancelled send, or to someone who left since, is not sent again.
if state == 'cancelled' or not active then
  local final = 'skipped'
  if doubt then final = 'unknown' end
  return {settle(KEYS[1], KEYS[2], ARGV[1], cur, final, ARGV[4], KEYS[3]), hash}
end
if state == 'paused' then
  -- A claim (ours, or a dead attempt's) that sent no data goes back to the queue; a dead one
  -- whose data went out is parked, still in doubt. Neither is in flight any more.
  if mine or (marker and not doubt) then
    redis.call('HSET', KEYS[1], ARGV[1], 'queued')
    campaignAdd(KEYS[2], 'inflight', -1)
  elseif marker then
    redis.call('HSET', KEYS[1], ARGV[1], 'p:' .. string.sub(cur, 3))
    campaignAdd(KEYS[2], 'inflight', -1)
  end
  return {'paused', hash}
end
if mine then return {'claimed', hash, email, name} end
if not cur then campaignAdd(KEYS[2], 'total', 1) end
-- Taking over a dead attempt's live claim keeps the count; anything else is one more in flight.
if not marker then campaignAdd(KEYS[2], 'inflight', 1) end
redis.call('HSET', KEYS[1], ARGV[1], 'f:' .. ARGV[2])
if doubt then
  -- Counted once per subscriber, however often their message comes back in doubt.
  if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then campaignAdd(KEYS[2], 'possibleDuplicates', 1) end
  -- A test send's keys expire (TEST_TTL_SECONDS on its campaign hash): so does this set.
  local ttl = redis.call('TTL', KEYS[2])
  if ttl > 0 then redis.call('EXPIRE', KEYS[3], ttl) end
  return {'in-doubt', hash, email, name}
end
return {'claimed', hash, email, name}
`);

// KEYS: ledger, campaign, subscriber hash. ARGV: subscriberId, attemptId, then for a list
// member: listId and the hash's status and lists field names. Right before the final dot: the
// claim must still be ours, the send still sending, the member still active in the list; then
// the data counts as sent (d:). Otherwise 0, and the message is withdrawn before its dot.
const DATA_SENT = new LuaScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == 'd:' .. ARGV[2] then return 1 end
if cur ~= 'f:' .. ARGV[2] then return 0 end
if redis.call('HGET', KEYS[2], 'state') ~= 'sending' then return 0 end
if ARGV[3] then
  local f = redis.call('HMGET', KEYS[3], ARGV[4], ARGV[5])
  if f[1] ~= 'active' or not f[2] or not string.find(',' .. f[2] .. ',', ',' .. ARGV[3] .. ',', 1, true) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], 'd:' .. ARGV[2])
return 1
`);

// KEYS: ledger, campaign, in-doubt set. ARGV: subscriberId, now. The subscriber left: a queued entry is
// skipped at once (its job will find a final state), a parked in-doubt one ends unknown (not
// sent again); a live claim is reported, for the caller to wait until it is over.
const WITHDRAW = new LuaScript(`${COMMON}
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur == 'queued' then return settle(KEYS[1], KEYS[2], ARGV[1], cur, 'skipped', ARGV[2], KEYS[3]) end
if cur and string.sub(cur, 1, 2) == 'p:' then return settle(KEYS[1], KEYS[2], ARGV[1], cur, 'unknown', ARGV[2], KEYS[3]) end
if isLive(cur) then return 'in-flight' end
return cur or 'none'
`);

// KEYS: ledger, campaign, in-doubt set, sends by minute. ARGV: subscriberId, final state, now,
// the minute (ms since the epoch / 60,000; '' for a test send, which has no timeline). A message
// counted sent here for the first time counts in its minute too: the report's timeline.
const FINISH = new LuaScript(`${COMMON}
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local state = settle(KEYS[1], KEYS[2], ARGV[1], cur, ARGV[2], ARGV[3], KEYS[3])
if state == 'sent' and not (cur and isFinal(cur)) and ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[4], ARGV[4], 1) end
return state
`);

// KEYS: ledger, campaign, in-doubt set. ARGV: subscriberId, attemptId, now. Only our own marker goes back
// to `queued`; in a cancelled send (whose queued entries cancel already moved to skipped) it
// becomes skipped at once, so the status shows nothing queued.
const RELEASE = new LuaScript(`${COMMON}
local cur = redis.call('HGET', KEYS[1], ARGV[1])
-- d: too: a release after the data means the server answered that it did not take it.
if cur ~= 'f:' .. ARGV[2] and cur ~= 'd:' .. ARGV[2] then return 0 end
if redis.call('HGET', KEYS[2], 'state') == 'cancelled' then
  settle(KEYS[1], KEYS[2], ARGV[1], cur, 'skipped', ARGV[3], KEYS[3])
else
  redis.call('HSET', KEYS[1], ARGV[1], 'queued')
  campaignAdd(KEYS[2], 'inflight', -1)
end
return 1
`);

// KEYS: ledger, campaign. ARGV: next cursor, ids… Registers a fan-out chunk and saves the
// cursor in the same step, so a resumed fan-out neither skips nor double-counts a chunk.
const REGISTER = new LuaScript(`${CAMPAIGN_LUA}
local added = 0
for i = 2, #ARGV do
  added = added + redis.call('HSETNX', KEYS[1], ARGV[i], 'queued')
end
if added > 0 then campaignAdd(KEYS[2], 'total', added) end
campaignSaveCursor(KEYS[2], ARGV[1])
return added
`);

// KEYS: ledger, campaign. ARGV: now. The fan-out has added every job.
const FANOUT_DONE = new LuaScript(`${COMMON}
campaignFanoutDone(KEYS[2])
checkDone(KEYS[2], ARGV[1])
return redis.call('HGET', KEYS[2], 'state')
`);

// KEYS: ledger, campaign. ARGV: from-state, to-state, now, ids… Moves entries that are still
// in from-state (cancel: queued → skipped; re-send: skipped/failed → queued) with counters.
const MOVE = new LuaScript(`${COMMON}
local moved = 0
for i = 4, #ARGV do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[2])
    if isFinal(ARGV[1]) then campaignAdd(KEYS[2], ARGV[1], -1) end
    if isFinal(ARGV[2]) then campaignAdd(KEYS[2], ARGV[2], 1) end
    moved = moved + 1
  end
end
checkDone(KEYS[2], ARGV[3])
return moved
`);

// KEYS: campaign. ARGV: now. Re-evaluates "done" (after resume, or a fan-out of nothing).
const CHECK_DONE = new LuaScript(`${COMMON}
checkDone(KEYS[1], ARGV[1])
return redis.call('HGET', KEYS[1], 'state')
`);

export interface ClaimResult {
  outcome: ClaimOutcome;
  /** Content hash of the published issue the campaign sends (to refresh a worker's cache). */
  contentHash: string;
  /** For a claim of a list member that may send ('claimed', 'in-doubt'): their address and name as read in the claim. */
  member?: { email: string; name?: string };
}

/** Whom a claim is for: known to be sendable or not (a test send), or a member of `listId` to read. */
export type ClaimFor = boolean | { listId: string };

export const DOMAIN_OUTCOMES = ['bounced', 'deferred', 'failed'] as const;
export type DomainOutcome = (typeof DOMAIN_OUTCOMES)[number];

export class Ledger {
  constructor(
    private readonly redis: Redis,
    private readonly k: Keys,
  ) {}

  private now(): string {
    return new Date().toISOString();
  }

  /**
   * One bounce (5xx), deferral (a 4xx the message will be retried after) or failure (retries ran
   * out) at `email`'s receiving domain, for the report. Only what did not go well is counted.
   */
  async countAtDomain(campaignId: string, email: string, kind: DomainOutcome): Promise<void> {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!domain) return;
    const key = this.k.ledgerDomains(campaignId);
    // A test send's records expire (TEST_TTL_SECONDS, from its start): so does this one.
    if (isTestCampaignId(campaignId)) await this.redis.multi().hincrby(key, `${domain}\t${kind}`, 1).expire(key, TEST_TTL_SECONDS).exec();
    else await this.redis.hincrby(key, `${domain}\t${kind}`, 1);
  }

  /** The send's counts by receiving domain (this partition's). */
  async domainCounts(campaignId: string): Promise<Map<string, Record<DomainOutcome, number>>> {
    const out = new Map<string, Record<DomainOutcome, number>>();
    for (const [field, n] of Object.entries(await this.redis.hgetall(this.k.ledgerDomains(campaignId)))) {
      const [domain, kind] = field.split('\t') as [string, string];
      if (!DOMAIN_OUTCOMES.includes(kind as DomainOutcome)) continue;
      const row = out.get(domain) ?? { bounced: 0, deferred: 0, failed: 0 };
      row[kind as DomainOutcome] += Number(n) || 0;
      out.set(domain, row);
    }
    return out;
  }

  /** Decides whether this attempt may send to the subscriber; see the file comment and CLAIM. */
  async claim(campaignId: string, subscriberId: string, attemptId: string, who: ClaimFor): Promise<ClaimResult> {
    const subscriber = subscriberReadSpec(this.k, subscriberId);
    const member =
      typeof who === 'object' ? [who.listId, subscriber.fields.status, subscriber.fields.lists, subscriber.fields.email, subscriber.fields.name] : [];
    const [outcome, contentHash, email, name] = (await CLAIM.run(
      this.redis,
      [this.k.ledger(campaignId), this.k.campaign(campaignId), inDoubtKey(this.k, campaignId), subscriber.key],
      [subscriberId, attemptId, typeof who === 'object' ? 'member' : who ? '1' : '0', this.now(), ...member],
    )) as [ClaimOutcome, string, string?, string?];
    const result: ClaimResult = { outcome, contentHash };
    if (email) result.member = name ? { email, name } : { email };
    return result;
  }

  /**
   * Marks this attempt's message data as gone out (before its final dot is written): from now
   * on a later attempt counts a re-send as a possible duplicate. False when the claim is not ours.
   */
  async dataSent(campaignId: string, subscriberId: string, attemptId: string, who: ClaimFor = true): Promise<boolean> {
    const subscriber = subscriberReadSpec(this.k, subscriberId);
    const member = typeof who === 'object' ? [who.listId, subscriber.fields.status, subscriber.fields.lists] : [];
    return (
      (await DATA_SENT.run(this.redis, [this.k.ledger(campaignId), this.k.campaign(campaignId), subscriber.key], [subscriberId, attemptId, ...member])) === 1
    );
  }

  /**
   * The subscriber left the list: see WITHDRAW. Returns the entry's state after it ('skipped',
   * another final state, 'in-flight' for a claim under way, 'none' when not registered).
   */
  async withdraw(campaignId: string, subscriberId: string): Promise<string> {
    return (await WITHDRAW.run(
      this.redis,
      [this.k.ledger(campaignId), this.k.campaign(campaignId), inDoubtKey(this.k, campaignId)],
      [subscriberId, this.now()],
    )) as string;
  }

  /** Whether the subscriber's entry is a claim under way (f: or d:). */
  async isInFlight(campaignId: string, subscriberId: string): Promise<boolean> {
    const state = await this.state(campaignId, subscriberId);
    return state !== null && (state.startsWith('f:') || state.startsWith('d:'));
  }

  /** Live claims of the campaign: transactions that may be under way. */
  async inFlightCount(campaignId: string): Promise<number> {
    return Math.max(0, Number((await this.redis.hget(this.k.campaign(campaignId), 'inflight')) ?? 0));
  }

  /** Writes a final state and counts it, unless the subscriber already has one (returned then). */
  async finish(campaignId: string, subscriberId: string, state: FinalState, at = Date.now()): Promise<FinalState> {
    const minute = isTestCampaignId(campaignId) ? '' : String(Math.floor(at / 60_000));
    return (await FINISH.run(
      this.redis,
      [this.k.ledger(campaignId), this.k.campaign(campaignId), inDoubtKey(this.k, campaignId), this.k.ledgerMinutes(campaignId)],
      [subscriberId, state, new Date(at).toISOString(), minute],
    )) as FinalState;
  }

  /** Messages counted sent per minute (minute = ms since the epoch / 60,000), this partition's; a list send's only. */
  async sentPerMinute(campaignId: string): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const [minute, n] of Object.entries(await this.redis.hgetall(this.k.ledgerMinutes(campaignId)))) {
      const m = Number(minute);
      if (Number.isInteger(m)) out.set(m, Number(n) || 0);
    }
    return out;
  }

  /**
   * Before a retry: clears this attempt's marker so the retry is not taken as in doubt. Only
   * when nothing can have been accepted: no data went out, or the server refused it (a reply).
   */
  async release(campaignId: string, subscriberId: string, attemptId: string): Promise<boolean> {
    return (
      (await RELEASE.run(
        this.redis,
        [this.k.ledger(campaignId), this.k.campaign(campaignId), inDoubtKey(this.k, campaignId)],
        [subscriberId, attemptId, this.now()],
      )) === 1
    );
  }

  /** Registers a fan-out chunk (new ids join `total`) and saves the next cursor. */
  async register(campaignId: string, ids: string[], nextCursor: string): Promise<number> {
    return (await REGISTER.run(this.redis, [this.k.ledger(campaignId), this.k.campaign(campaignId)], [nextCursor, ...ids])) as number;
  }

  async fanoutDone(campaignId: string): Promise<string> {
    return (await FANOUT_DONE.run(this.redis, [this.k.ledger(campaignId), this.k.campaign(campaignId)], [this.now()])) as string;
  }

  async checkDone(campaignId: string): Promise<string> {
    return (await CHECK_DONE.run(this.redis, [this.k.campaign(campaignId)], [this.now()])) as string;
  }

  /** A test send's ledger lives as long as its campaign (TEST_TTL_SECONDS). */
  async expire(campaignId: string, seconds: number): Promise<void> {
    await this.redis.expire(this.k.ledger(campaignId), seconds);
  }

  async campaignExists(campaignId: string): Promise<boolean> {
    return (await this.redis.exists(this.k.campaign(campaignId))) === 1;
  }

  async state(campaignId: string, subscriberId: string): Promise<string | null> {
    return this.redis.hget(this.k.ledger(campaignId), subscriberId);
  }

  /** Subscribers counted as possible duplicates (re-sent after an attempt died in flight). */
  async inDoubt(campaignId: string): Promise<string[]> {
    return this.redis.smembers(inDoubtKey(this.k, campaignId));
  }

  /** Before re-adding their jobs: skipped/failed entries go back to queued (a new send of the issue). */
  async reopen(campaignId: string, ids: string[]): Promise<number> {
    let moved = 0;
    for (const from of ['skipped', 'failed']) {
      moved += (await MOVE.run(this.redis, [this.k.ledger(campaignId), this.k.campaign(campaignId)], [from, 'queued', this.now(), ...ids])) as number;
    }
    return moved;
  }

  /**
   * Moves every entry still in `from` to `to`, in batches (cancel: queued → skipped; a new send
   * of a finished issue: skipped/failed → queued so those subscribers are tried again).
   */
  async moveAll(campaignId: string, from: string, to: string): Promise<number> {
    const key = this.k.ledger(campaignId);
    let cursor = '0';
    let moved = 0;
    do {
      const [next, flat] = await this.redis.hscan(key, cursor, 'COUNT', 1000);
      cursor = next;
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) if (flat[i + 1] === from) ids.push(flat[i]!);
      if (ids.length) {
        moved += (await MOVE.run(this.redis, [key, this.k.campaign(campaignId)], [from, to, this.now(), ...ids])) as number;
      }
    } while (cursor !== '0');
    return moved;
  }
}
