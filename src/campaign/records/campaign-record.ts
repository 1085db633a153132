// The owner of the campaign hash (keys.campaign(id)): what is being sent to whom, its state and
// its fan-out progress. Every write to it is in this file: the functions below, and CAMPAIGN_LUA,
// the Lua functions through which the ledger's scripts (ledger.ts) change its counters (sent,
// failed, …, total, inflight), cursor and end, since those must move with a ledger entry in one
// step. Other modules read it here too; test/unit/layout-rules.test.ts fails when one writes it.
import type { Redis } from 'ioredis';
import type { Keys } from '../../redis/keys.ts';
import { LuaScript } from '../../redis/lua-script.ts';
import { CAMPAIGN_STATES, type CampaignMode, type CampaignRecord, type CampaignState, type PausedUntil } from '../types.ts';

/**
 * Lua functions for the ledger's scripts (ledger.ts), whose every write to a campaign hash goes
 * through them; `campaign` is the hash's key (one of the script's KEYS), `now` an ISO time.
 * - campaignAdd: adds `by` to a counter (total, inflight, possibleDuplicates, or a final state's).
 * - campaignSaveCursor: where a resumed fan-out goes on from.
 * - campaignFanoutDone: the fan-out has added every job (the cursor is spent).
 * - checkDone: a sending campaign whose fan-out is done and whose every registered subscriber
 *   has a final state becomes `done`, with its finishing time.
 */
export const CAMPAIGN_LUA = `
local function campaignAdd(campaign, field, by)
  redis.call('HINCRBY', campaign, field, by)
end
local function campaignSaveCursor(campaign, cursor)
  redis.call('HSET', campaign, 'cursor', cursor)
end
local function campaignFanoutDone(campaign)
  redis.call('HSET', campaign, 'fanoutDone', '1', 'cursor', '')
end
local function checkDone(campaign, now)
  local c = redis.call('HMGET', campaign, 'state', 'fanoutDone', 'total', 'sent', 'failed', 'bounced', 'skipped', 'unknown')
  if c[1] ~= 'sending' or c[2] ~= '1' then return end
  local finals = 0
  for i = 4, 8 do finals = finals + (tonumber(c[i]) or 0) end
  if finals >= (tonumber(c[3]) or 0) then
    redis.call('HSET', campaign, 'state', 'done', 'finishedAt', now)
  end
end
`;

const int = (v: string | undefined): number => (v ? Number.parseInt(v, 10) || 0 : 0);

export function parseCampaign(campaignId: string, h: Record<string, string>): CampaignRecord | null {
  if (!h.state) return null;
  const state = (CAMPAIGN_STATES as readonly string[]).includes(h.state) ? (h.state as CampaignState) : 'sending';
  return {
    campaignId,
    issueId: h.issueId ?? campaignId,
    mode: h.mode === 'test' ? 'test' : 'list',
    listId: h.listId ?? '',
    state,
    contentHash: h.contentHash ?? '',
    total: int(h.total),
    expected: int(h.expected),
    sent: int(h.sent),
    failed: int(h.failed),
    bounced: int(h.bounced),
    skipped: int(h.skipped),
    unknown: int(h.unknown),
    possibleDuplicates: int(h.possibleDuplicates),
    lateBounces: int(h.lateBounces),
    complaints: int(h.complaints),
    unsubscribes: int(h.unsubscribes),
    fanoutDone: h.fanoutDone === '1',
    fanoutStarted: h.fanoutStarted === '1',
    run: int(h.run),
    cursor: h.cursor ?? '',
    createdAt: h.createdAt || undefined,
    scheduledAt: h.scheduledAt || undefined,
    startedAt: h.startedAt || undefined,
    finishedAt: h.finishedAt || undefined,
    testRecipients: h.testRecipients ? (JSON.parse(h.testRecipients) as string[]) : [],
    onlyNew: h.onlyNew === '1',
    ...(h.pausedReason ? { pausedReason: h.pausedReason } : {}),
    ...(h.pausedUntil === 'smtp-reachable' ? { pausedUntil: 'smtp-reachable' as const } : {}),
  };
}

export async function readCampaign(redis: Redis, k: Keys, campaignId: string): Promise<CampaignRecord | null> {
  return parseCampaign(campaignId, await redis.hgetall(k.campaign(campaignId)));
}

export interface NewCampaign {
  campaignId: string;
  issueId: string;
  mode: CampaignMode;
  listId: string;
  contentHash: string;
  state: 'scheduled' | 'sending';
  expected: number;
  scheduledAt?: string;
  testRecipients?: string[];
  /** Add only subscribers with no ledger entry (`send --new-subscribers`). */
  onlyNew?: boolean;
}

/**
 * Starts (or starts again) a campaign and returns its run number. Counters already in the hash are kept: a second send of
 * the same issue continues the same ledger, so nobody it has as sent gets the issue twice.
 */
export async function startCampaign(redis: Redis, k: Keys, c: NewCampaign): Promise<number> {
  const now = new Date().toISOString();
  const fields: Record<string, string> = {
    issueId: c.issueId,
    mode: c.mode,
    listId: c.listId,
    contentHash: c.contentHash,
    state: c.state,
    expected: String(c.expected),
    fanoutDone: '0',
    fanoutStarted: '0',
    cursor: '',
    finishedAt: '',
    scheduledAt: c.scheduledAt ?? '',
    startedAt: c.state === 'sending' ? now : '',
    onlyNew: c.onlyNew ? '1' : '0',
  };
  if (c.testRecipients) fields.testRecipients = JSON.stringify(c.testRecipients);
  const key = k.campaign(c.campaignId);
  const results = await redis.multi().hsetnx(key, 'createdAt', now).hset(key, fields).hincrby(key, 'run', 1).exec();
  const [error, run] = results?.[2] ?? [new Error('MULTI aborted'), 0];
  if (error) throw error;
  return Number(run);
}

// KEYS: campaign. ARGV: to-state, now, allowed from-states… A state change only from the
// listed states, atomically (pause must not revive a cancelled send, for instance).
const TRANSITION = new LuaScript(`
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return false end
for i = 3, #ARGV do
  if ARGV[i] == cur then
    redis.call('HSET', KEYS[1], 'state', ARGV[1])
    local started = redis.call('HGET', KEYS[1], 'startedAt')
    if ARGV[1] == 'sending' and (not started or started == '') then
      redis.call('HSET', KEYS[1], 'startedAt', ARGV[2])
    end
    if ARGV[1] == 'cancelled' then redis.call('HSET', KEYS[1], 'finishedAt', ARGV[2]) end
    return cur
  end
end
return 'refused:' .. cur
`);

/** Returns the previous state, `refused:<state>` when not allowed from it, or null when missing. */
export async function transition(redis: Redis, k: Keys, campaignId: string, to: CampaignState, from: CampaignState[]): Promise<string | null> {
  const result = await TRANSITION.run(redis, [k.campaign(campaignId)], [to, new Date().toISOString(), ...from]);
  return (result as string | null) ?? null;
}

// KEYS: campaign. ARGV: the new start time (ISO). Only a send that has not started moves.
const RESCHEDULE = new LuaScript(`
local cur = redis.call('HGET', KEYS[1], 'state')
if not cur then return false end
if cur ~= 'scheduled' then return 'refused:' .. cur end
redis.call('HSET', KEYS[1], 'scheduledAt', ARGV[1])
return cur
`);

/** Moves a scheduled shard's start time; the previous state, `refused:<state>` once it started, or null when missing. */
export async function rescheduleRecord(redis: Redis, k: Keys, campaignId: string, at: Date): Promise<string | null> {
  return ((await RESCHEDULE.run(redis, [k.campaign(campaignId)], [at.toISOString()])) as string | null) ?? null;
}

// KEYS: campaign. ARGV: reason, now, until ('' or what ends the pause by itself). A sending
// campaign pauses itself, with the reason.
const PAUSE_FOR = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'sending' then return 0 end
redis.call('HSET', KEYS[1], 'state', 'paused', 'pausedReason', ARGV[1], 'pausedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'pausedUntil', ARGV[3]) end
return 1
`);

/**
 * Pauses a sending campaign because of a failure every message would meet (SMTP authentication,
 * TLS, the server gone): retrying message by message would only burn attempts. With `until`
 * the pause ends by itself (campaign/smtp-recovery resumes it once the server answers); without,
 * an operator resumes. True when this call paused it.
 */
export async function pauseForReason(redis: Redis, k: Keys, campaignId: string, reason: string, until?: PausedUntil): Promise<boolean> {
  return (await PAUSE_FOR.run(redis, [k.campaign(campaignId)], [reason.slice(0, 500), new Date().toISOString(), until ?? ''])) === 1;
}

// KEYS: campaign. A shard already paused by itself (SMTP unreachable) when an operator pauses
// the send: the pause becomes the operator's, which the SMTP recovery must not end.
const HOLD_PAUSE = new LuaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'paused' then return 0 end
return redis.call('HDEL', KEYS[1], 'pausedUntil')
`);

/** Makes a self-pause of this shard an operator's pause (see HOLD_PAUSE); true when it was one. */
export async function holdPause(redis: Redis, k: Keys, campaignId: string): Promise<boolean> {
  return (await HOLD_PAUSE.run(redis, [k.campaign(campaignId)], [])) === 1;
}

const LATE_FIELD = { bounce: 'lateBounces', complaint: 'complaints', unsubscribe: 'unsubscribes' } as const;

/** A bounce, complaint or unsubscribe that came after the send, attributed to it; false when there is no such send. */
export async function countLateReport(redis: Redis, k: Keys, campaignId: string, kind: keyof typeof LATE_FIELD): Promise<boolean> {
  if (!(await redis.exists(k.campaign(campaignId)))) return false;
  await redis.hincrby(k.campaign(campaignId), LATE_FIELD[kind], 1);
  return true;
}

/** Ids of the newest published issues (the archive index), newest first: each is its list send's campaign id. */
export async function recentCampaignIds(redis: Redis, k: Keys, count: number): Promise<string[]> {
  return redis.zrevrange(k.archiveIndex(), 0, count - 1);
}

/**
 * The list sends of `campaignId`'s list published up to it, newest first, at most `count` (it
 * included): the report's "last issues side by side". Reads the archive index back from the
 * issue's own place, and the campaigns' list in one round trip per page.
 */
export async function earlierSendsOfList(redis: Redis, k: Keys, campaignId: string, count: number): Promise<string[]> {
  const [own] = await readStates(redis, k, [campaignId]);
  const score = await redis.zscore(k.archiveIndex(), campaignId);
  if (!own || score === null) return [campaignId];
  const found: string[] = [];
  const PAGE = 50;
  for (let offset = 0; found.length < count; offset += PAGE) {
    const ids = await redis.zrevrangebyscore(k.archiveIndex(), score, '-inf', 'LIMIT', offset, PAGE);
    const states = await readStates(redis, k, ids);
    ids.forEach((id, i) => {
      const s = states[i];
      if (s && s.mode === 'list' && s.listId === own.listId && found.length < count) found.push(id);
    });
    if (ids.length < PAGE) break;
  }
  return found.includes(campaignId) ? found : [campaignId, ...found].slice(0, count);
}

/** State, mode and what ends a self-pause, of several campaigns in one round trip (null for a missing one). */
export async function readStates(
  redis: Redis,
  k: Keys,
  campaignIds: readonly string[],
): Promise<({ state: string; mode: string; listId: string; pausedUntil?: string } | null)[]> {
  if (!campaignIds.length) return [];
  const pipeline = redis.pipeline();
  for (const id of campaignIds) pipeline.hmget(k.campaign(id), 'state', 'mode', 'listId', 'pausedUntil');
  const rows = (await pipeline.exec()) ?? [];
  return campaignIds.map((_, i) => {
    const [state, mode, listId, pausedUntil] = (rows[i]?.[1] as (string | null)[] | undefined) ?? [];
    return state ? { state, mode: mode ?? 'list', listId: listId ?? '', ...(pausedUntil ? { pausedUntil } : {}) } : null;
  });
}

/** Messages sent, failed and bounced by every list send, summed per list over the partitions (test sends left out): /metrics' counters. */
export async function deliveredPerList(redis: Redis, partitionKeys: readonly Keys[]): Promise<Map<string, { sent: number; failed: number; bounced: number }>> {
  const totals = new Map<string, { sent: number; failed: number; bounced: number }>();
  const ids = await redis.zrange(partitionKeys[0]!.archiveIndex(), '0', '-1');
  if (!ids.length) return totals;
  // One pipeline per partition: on a cluster a pipeline's keys must share a slot.
  for (const k of partitionKeys) {
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hmget(k.campaign(id), 'mode', 'listId', 'sent', 'failed', 'bounced');
    for (const [, row] of (await pipeline.exec()) ?? []) {
      const [mode, listId, sent, failed, bounced] = (row as (string | null)[] | undefined) ?? [];
      if (!listId || mode === 'test') continue;
      const t = totals.get(listId) ?? { sent: 0, failed: 0, bounced: 0 };
      t.sent += Number(sent ?? 0);
      t.failed += Number(failed ?? 0);
      t.bounced += Number(bounced ?? 0);
      totals.set(listId, t);
    }
  }
  return totals;
}

/** The run number and state a running fan-out checks between chunks. */
export async function readRunAndState(
  redis: Redis,
  k: Keys,
  campaignId: string,
): Promise<{ state: string | null; run: string | null; fanoutStarted: boolean }> {
  const [state, run, started] = await redis.hmget(k.campaign(campaignId), 'state', 'run', 'fanoutStarted');
  return { state: state ?? null, run: run ?? null, fanoutStarted: started === '1' };
}

/** Registered subscribers not settled yet: the fan-out's window. */
export async function unsettledCount(redis: Redis, k: Keys, campaignId: string): Promise<number> {
  const [total = 0, ...settled] = (await redis.hmget(k.campaign(campaignId), 'total', 'sent', 'failed', 'bounced', 'skipped', 'unknown')).map((v) =>
    Number(v ?? 0),
  );
  return total - settled.reduce((a, b) => a + b, 0);
}

export async function markFanoutStarted(redis: Redis, k: Keys, campaignId: string): Promise<void> {
  await redis.hset(k.campaign(campaignId), 'fanoutStarted', '1');
}

/** Cancel: the fan-out adds nothing more; from now on total is what was registered. */
export async function stopFanout(redis: Redis, k: Keys, campaignId: string): Promise<void> {
  await redis.hset(k.campaign(campaignId), 'fanoutDone', '1');
}

/** A test send's campaign lives as long as its copy of the issue. */
export async function expireCampaign(redis: Redis, k: Keys, campaignId: string, seconds: number): Promise<void> {
  await redis.expire(k.campaign(campaignId), seconds);
}

// KEYS: campaign. ARGV: now, only-if-until ('' = any pause). Back to \`sending\`, or to
// \`scheduled\` when the fan-out has not started yet (paused before its time); the reason of a
// self-pause goes. With ARGV[2] only a pause waiting for that ends (an operator's stays).
const RESUME = new LuaScript(`
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return false end
if state ~= 'paused' then return 'refused:' .. state end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'pausedUntil') ~= ARGV[2] then return 'refused:paused' end
redis.call('HDEL', KEYS[1], 'pausedReason', 'pausedAt', 'pausedUntil')
if redis.call('HGET', KEYS[1], 'fanoutStarted') == '1' then
  redis.call('HSET', KEYS[1], 'state', 'sending')
else
  redis.call('HSET', KEYS[1], 'state', 'scheduled')
end
return state
`);

/** Resumes a paused campaign: the previous state, `refused:<state>`, or null when missing. */
export async function resumeRecord(redis: Redis, k: Keys, campaignId: string, onlyIfUntil?: PausedUntil): Promise<string | null> {
  return ((await RESUME.run(redis, [k.campaign(campaignId)], [new Date().toISOString(), onlyIfUntil ?? ''])) as string | null) ?? null;
}

/** States in the order that wins when a send's partitions disagree (one still sending keeps the send sending). */
const STATE_PRECEDENCE: CampaignState[] = ['cancelled', 'paused', 'sending', 'scheduled', 'done'];
/**
 * The send's state from its shards' (each with what ends its pause): the state they agree on,
 * else the first of STATE_PRECEDENCE any of them is in; paused, the first paused shard's `until`.
 */
function combinedState<S extends { state: string }>(
  shards: readonly S[],
  pausedUntil: (shard: S) => string | undefined,
): { state: CampaignState; until?: string } {
  const state = STATE_PRECEDENCE.find((s) => shards.some((r) => r.state === s)) ?? (shards[0]!.state as CampaignState);
  const until = state === 'paused' ? shards.map((r) => (r.state === 'paused' ? pausedUntil(r) : undefined)).find(Boolean) : undefined;
  return until ? { state, until } : { state };
}

const SUMMED = [
  'total',
  'expected',
  'sent',
  'failed',
  'bounced',
  'skipped',
  'unknown',
  'possibleDuplicates',
  'lateBounces',
  'complaints',
  'unsubscribes',
] as const;

/**
 * One send as its partitions' records add up (partitions.ts): counters summed, the state the
 * partitions agree on (else the first of STATE_PRECEDENCE any of them is in: a send is done
 * when every partition is), the fan-out done when every partition's is. Null when none exists.
 */
export function mergeCampaigns(records: readonly (CampaignRecord | null)[]): CampaignRecord | null {
  const found = records.filter((r): r is CampaignRecord => r !== null);
  if (found.length <= 1) return found[0] ?? null;
  const first = found[0]!;
  const { state } = combinedState(found, (r) => r.pausedUntil);
  const merged: CampaignRecord = {
    ...first,
    state,
    cursor: '',
    fanoutDone: found.every((r) => r.fanoutDone),
    fanoutStarted: found.some((r) => r.fanoutStarted),
    run: Math.max(...found.map((r) => r.run)),
  };
  for (const field of SUMMED) merged[field] = found.reduce((sum, r) => sum + r[field], 0);
  const times = (pick: (r: CampaignRecord) => string | undefined) =>
    found
      .map(pick)
      .filter((t): t is string => !!t)
      .sort();
  const started = times((r) => r.startedAt);
  const finished = times((r) => r.finishedAt);
  const created = times((r) => r.createdAt);
  delete merged.startedAt;
  delete merged.finishedAt;
  delete merged.pausedReason;
  delete merged.pausedUntil;
  if (created[0]) merged.createdAt = created[0];
  if (started[0]) merged.startedAt = started[0];
  if ((state === 'done' || state === 'cancelled') && finished.length) merged.finishedAt = finished[finished.length - 1]!;
  const paused = found.find((r) => r.state === 'paused' && r.pausedReason);
  if (state === 'paused' && paused) {
    merged.pausedReason = paused.pausedReason!;
    if (paused.pausedUntil) merged.pausedUntil = paused.pausedUntil;
  }
  return merged;
}

/** A send across the partitions that hold it (one Keys per partition; `[keys]` on one). */
export async function readSend(redis: Redis, partitionKeys: readonly Keys[], campaignId: string): Promise<CampaignRecord | null> {
  return mergeCampaigns(await Promise.all(partitionKeys.map((k) => readCampaign(redis, k, campaignId))));
}

/** readStates across partitions: each send's merged state (readStates of one partition, combined as mergeCampaigns does). */
export async function readSendStates(
  redis: Redis,
  partitionKeys: readonly Keys[],
  campaignIds: readonly string[],
): Promise<({ state: string; mode: string; listId: string; pausedUntil?: string } | null)[]> {
  const each = await Promise.all(partitionKeys.map((k) => readStates(redis, k, campaignIds)));
  return campaignIds.map((_, i) => {
    const rows = each.map((states) => states[i]).filter((r): r is NonNullable<typeof r> => r !== null && r !== undefined);
    if (rows.length <= 1) return rows[0] ?? null;
    const { state, until } = combinedState(rows, (r) => r.pausedUntil);
    return { state, mode: rows[0]!.mode, listId: rows[0]!.listId, ...(until ? { pausedUntil: until } : {}) };
  });
}
