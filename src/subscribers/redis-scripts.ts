// Lua scripts that change a subscriber together with every index that mentions it (address
// index, list sets, active sets, status counters), so no reader ever sees them disagree.
//
// The membership indexes (every subscriber, each list's members, each list's active members)
// are bitmaps, one bit per subscriber instead of ~105 bytes of a sorted set, and still read in
// id order (see pageIds in redis-store.ts). A subscriber's bit is its sequence number within its
// partition (`bit` in ARGV: id = bit × P + p, see src/redis/partitions.ts; with one partition
// bit = id), so each partition's bitmaps stay dense.
//
// Besides the lists a subscriber is in (`ls`), the record keeps the lists they asked to join and
// have not confirmed (`rq`) and the lists they left (`lf`), so each list counts its pending and
// unsubscribed people (listCounts) whatever the record's own status: a person active elsewhere
// who asks for this list is pending here; one who left it is unsubscribed here. Joining a list
// takes it off both; erasure takes every count back.
//
// The search indexes (sorted sets of `<key>\0<id>`, see search-index.ts) change with the record in
// the same script: create adds the address twice (local part first, and domain first) and the
// name, a name patch moves the name's member, removal takes all three away. The caller builds the
// members (case folding is JavaScript's, not Lua's ASCII-only string.lower); a script that moves
// a name checks the stored name is still the one the member was built from (ARGV, like the lists).
//
// The consent history (a Redis list per subscriber, subscriber-codec.ts) changes in the same
// scripts as the record: a request, a confirmation, a grant, a withdrawal each append one event;
// a script about to replace the record's consent first makes that consent the history's first
// event when the history is still empty (records created by an import carry no history until
// something happens to them). A suppression (unsubscribed, bounced, complained) stamps `sa`, and
// a confirmation link made before that stamp confirms nothing (ACTIVATE). Nothing but ACTIVATE
// turns an unsubscribed, bounced or complained record active.
//
// Every key a script touches is passed in KEYS, built by src/redis/keys.ts, all of one partition
// (one hash tag, so Redis Cluster accepts the multi-key scripts). The list keys depend on the lists the
// subscriber is in, which the caller reads first; scripts that use them check the stored list
// field still equals what the caller saw (ARGV `expectedLists`) and answer -1 otherwise, and
// the caller re-reads and retries (optimistic concurrency, no WATCH round trips).
import type { Redis } from 'ioredis';
import { CONSENT_HISTORY_MAX } from './subscriber-codec.ts';

type Arg = string | number;
export type ScriptCall = (numKeys: number, ...args: Arg[]) => Promise<unknown>;

export interface SubscriberScripts {
  /**
   * Creates one or more subscribers of one partition (an import sends a hundred at a time: one
   * script call instead of a hundred, and the counters and search indexes written once per call).
   * KEYS: emailIndex, allSubscribers, statusCounts, forgotten, searchLocal, searchDomain, searchName,
   * then per list of the call: listAll, listActive, listCounts; then each row's subscriber key.
   * ARGV: number of lists, number of rows, then one JSON array of strings per row (one argument
   * instead of twenty: encoding them one by one was most of the client's time, and cjson decodes
   * an array faster than Lua splits a string): id, mailbox (the index field: the case-folded
   * address), status, forgottenHash, bit, legacy (the address as the index held it before it was
   * case-folded, '' = same), localMember, domainMember, nameMember ('' = no name), the row's lists
   * (1-based numbers among the call's lists, ',' joined), then the record's HSET field/value pairs.
   * Returns, per row, the id that owns the address afterwards (the row's id when it created the
   * subscriber; an earlier row's for the same mailbox twice), '' when the address is in the
   * forgotten set (erased on request: never added again), or '!' when the row's id is already in
   * use (nothing written for that row; the caller reports it).
   */
  nlSubCreate: ScriptCall;
  /**
   * KEYS: subscriber, statusCounts, searchName, consentHistory, then per list: listActive, listCounts.
   * ARGV: id, expectedLists, newStatus ('' = keep the current one), allowedFrom (',' joined, '' = any), now, fieldsToDelete (','), bit,
   * nameChanges ('1' when the call sets or deletes the name, else '0'), expectedName (the name the
   * caller read, '' = none), oldNameMember, newNameMember ('' = none), statusEvent (a consent event
   * appended when the status does change, '' = none), consentEvent (appended when the HSET pairs
   * set the consent, '' = none), stamp (clockMicros in base 36: `sa` when it becomes suppressed), then HSET pairs.
   * Returns {0} missing, {-1} lists or name changed (retry), {1, old} applied, {2, old} refused by
   * allowedFrom, or because it would make an unsubscribed, bounced or complained record active.
   */
  nlSubTransition: ScriptCall;
  /**
   * KEYS: subscriber, listAll, listActive, listCounts. ARGV: id, listId, now, bit. Returns 0 missing, 1 already in, 2 added.
   * A request for the list or an earlier leaving of it is settled (taken off `rq`/`lf` and their counts).
   */
  nlSubAddToList: ScriptCall;
  /**
   * KEYS: subscriber, statusCounts, listAll, listActive, listCounts, consentHistory. ARGV: id, listId, now, bit, event, stamp (as nlSubTransition's).
   * Returns 0 missing, 1 not in the list, 2 removed. Leaving the last list turns active/pending into
   * unsubscribed; the list goes on `lf` and counts the person unsubscribed. A pending request for
   * the list is withdrawn (off `rq`), which also answers 1. `event` (a withdrawal) is appended to the
   * consent history when either happened.
   */
  nlSubRemoveFromList: ScriptCall;
  /**
   * KEYS: subscriber, emailIndex, allSubscribers, statusCounts, searchLocal, searchDomain, searchName, consentHistory,
   * then per list: listAll, listActive, listCounts, then listCounts of each requested list, then listCounts of each list left.
   * ARGV: id, expected (`ls|rq|lf|n` as read), bit, mailbox, number of lists, number of requested lists,
   * localMember, domainMember, nameMember ('' = none).
   * Returns 0 missing, -1 lists changed (retry), 1 removed.
   */
  nlSubRemove: ScriptCall;
  /**
   * A subscribe-form request, the same work for every address (no timing hint).
   * KEYS: emailIndex, subscriber(id), allSubscribers, statusCounts, forgotten, listCounts(listId),
   * searchLocal, searchDomain, searchName, consentHistory(id).
   * ARGV: id (the address's owner as the caller read it, else a fresh one), mailbox, listId, now,
   * nameField, name ('' = none), event (the request as a consent event), forgottenHash, bit (of ARGV id), legacy
   * (as in nlSubCreate), localMember, domainMember, nameMember (of ARGV id and name; '' = none),
   * then the new record's HSET pairs.
   * Returns {outcome, id}: created, updated (pending/unsubscribed: the request appended to the
   * consent history, the consent on record unchanged, the name if it had none), reconfirm (the
   * same for a bounced or complained record, which stays so until the request is confirmed),
   * active-elsewhere (the list put on `rq`, the request appended), already-active (nothing
   * changes), suppressed (a forgotten address, with an id that names nobody); or {'retry', owner}
   * when the address's owner is not ARGV id any more (read again).
   */
  nlSubRequest: ScriptCall;
  /**
   * Makes a subscriber active in one list, for a confirmation link (mode `confirm`) or an
   * operator's grant (mode `grant`), with the consent it rests on and its event in the history.
   * KEYS: subscriber, statusCounts, consentHistory, listAll(l), listActive(l), listCounts(l), then
   * for every other list of the record (in the order of expectedLists): listAll, listActive, listCounts.
   * ARGV: id, expectedLists, l, now, bit, mode, issuedAt (confirm: the link's time, clockMicros, 0 when
   * unknown), consent (grant: the encoded consent), event (grant: the encoded grant event).
   * confirm: refused when the record was suppressed at or after issuedAt (or, with no stamp, is
   * suppressed and the link's time is unknown); the consent becomes the newest request for l in the
   * history made before the link (else the record's own), with confirmedAt now, and a `confirmed` event is appended.
   * grant: refused for a bounced or complained record. From unsubscribed, bounced or complained
   * only l is joined: every other list of the record is left (`lf`).
   * Returns {0} missing, {-1} lists changed (retry), {1, old} applied, {2, old} refused, {3, old}
   * a grant to someone already active in l (nothing changed).
   */
  nlSubActivate: ScriptCall;
}

// The address index is keyed by mailbox (case-folded). An index written before that keyed the
// address as given: the owner of the mailbox is the first of the two fields that names one.
const OWNER = `
local function mailboxOwner(index, mailbox, legacy)
  local id = redis.call('HGET', index, mailbox)
  if not id and legacy ~= '' then id = redis.call('HGET', index, legacy) end
  return id
end
`;

// The score of a search index member: its first 6 bytes as a big-endian integer (search-index.ts,
// lexScore): the set stays in the members' byte order, and inserts mostly compare numbers.
const LEX_SCORE = `
local function lexScore(m)
  local score = 0
  for i = 1, 6 do score = score * 256 + (string.byte(m, i) or 0) end
  return score
end
`;

// Comma-joined list fields: membership tests and edits.
const LIST_FIELDS = `
local function hasList(joined, l)
  for x in string.gmatch(joined or '', '[^,]+') do if x == l then return true end end
  return false
end
local function withList(joined, l)
  if not joined or joined == '' then return l end
  return joined .. ',' .. l
end
local function withoutList(joined, l)
  local kept = {}
  for x in string.gmatch(joined or '', '[^,]+') do if x ~= l then kept[#kept + 1] = x end end
  return table.concat(kept, ',')
end
`;

// The consent history. seedHistory: the record's consent (`c`, as stored) becomes the first event
// of an empty history, a request when it came from the form, a grant otherwise. pushHistory
// appends one event and keeps the first and the latest after it, CONSENT_HISTORY_MAX in all.
const HISTORY = `
local function seedHistory(key, c)
  if not c or c == '' or redis.call('EXISTS', key) == 1 then return end
  local src = string.match(c, '^%["[^"]*","(%a+)"')
  local t = 'g'
  if src == 'f' then t = 'r' end
  redis.call('RPUSH', key, '["' .. t .. '",' .. c .. ']')
end
local function pushHistory(key, c, event)
  if not event or event == '' then return end
  seedHistory(key, c)
  redis.call('RPUSH', key, event)
  local n = redis.call('LLEN', key)
  if n > ${CONSENT_HISTORY_MAX} then
    local first = redis.call('LINDEX', key, 0)
    redis.call('LTRIM', key, n - ${CONSENT_HISTORY_MAX} + 1, -1)
    redis.call('LPUSH', key, first)
  end
end
`;

const SUPPRESSED_STATES = `
local function isSuppressed(s) return s == 'unsubscribed' or s == 'bounced' or s == 'complained' end
`;

// Row by row only what must be: the record's own HSET. The rest is one command per call, each
// redis.call from Lua costing about a microsecond: the owners of the addresses (HMGET, and one
// for the spellings an old index may hold), whether any record key is taken already (EXISTS of
// them all: an id reused after the counter was set back; only then row by row), the new index
// fields (HSET), the bits (BITFIELD), the counters (HINCRBY) and the search members (ZADD). An
// address twice in one call is caught by `fresh`; the forgotten set is asked per row only when it
// holds anything.
const CREATE = `${LEX_SCORE}
local nLists, nRows = tonumber(ARGV[1]), tonumber(ARGV[2])
local firstRecord = 8 + 3 * nLists
local rows, mailboxes = {}, {}
for r = 1, nRows do
  local f = cjson.decode(ARGV[2 + r])
  rows[r] = f
  mailboxes[r] = f[2]
end
local owners = redis.call('HMGET', KEYS[1], unpack(mailboxes))
local legacy, legacyRows = {}, {}
for r = 1, nRows do
  if not owners[r] and rows[r][6] ~= '' then
    legacy[#legacy + 1] = rows[r][6]
    legacyRows[#legacyRows + 1] = r
  end
end
if #legacy > 0 then
  local found = redis.call('HMGET', KEYS[1], unpack(legacy))
  for i, r in ipairs(legacyRows) do owners[r] = found[i] end
end
local anyForgotten = redis.call('SCARD', KEYS[4]) > 0
local anyTaken = redis.call('EXISTS', unpack(KEYS, firstRecord, firstRecord + nRows - 1)) > 0
local out, fresh, index = {}, {}, {}
local counts, listCounts = {}, {}
local allBits, listBits = {}, {}
local locals, domains, names = {}, {}, {}
for r = 1, nRows do
  local f = rows[r]
  local id, mailbox, status, bit = f[1], f[2], f[3], f[5]
  local key = KEYS[firstRecord + r - 1]
  local existing = fresh[mailbox] or owners[r]
  if existing then
    out[r] = existing
  elseif anyForgotten and redis.call('SISMEMBER', KEYS[4], f[4]) == 1 then
    out[r] = ''
  elseif anyTaken and redis.call('EXISTS', key) == 1 then
    out[r] = '!'
  else
    fresh[mailbox] = id
    index[#index + 1] = mailbox
    index[#index + 1] = id
    redis.call('HSET', key, unpack(f, 11))
    allBits[#allBits + 1] = 'SET'
    allBits[#allBits + 1] = 'u1'
    allBits[#allBits + 1] = bit
    allBits[#allBits + 1] = 1
    counts[status] = (counts[status] or 0) + 1
    locals[#locals + 1] = lexScore(f[7])
    locals[#locals + 1] = f[7]
    domains[#domains + 1] = lexScore(f[8])
    domains[#domains + 1] = f[8]
    if f[9] ~= '' then
      names[#names + 1] = lexScore(f[9])
      names[#names + 1] = f[9]
    end
    for ref in string.gmatch(f[10], '[^,]+') do
      local i = 5 + 3 * tonumber(ref)
      local targets = { i }
      if status == 'active' then targets[2] = i + 1 end
      for _, k in ipairs(targets) do
        local b = listBits[k] or {}
        b[#b + 1] = 'SET'
        b[#b + 1] = 'u1'
        b[#b + 1] = bit
        b[#b + 1] = 1
        listBits[k] = b
      end
      local c = listCounts[i + 2] or {}
      c[status] = (c[status] or 0) + 1
      listCounts[i + 2] = c
    end
    out[r] = id
  end
end
if #index > 0 then
  redis.call('HSET', KEYS[1], unpack(index))
  redis.call('BITFIELD', KEYS[2], unpack(allBits))
  redis.call('ZADD', KEYS[5], unpack(locals))
  redis.call('ZADD', KEYS[6], unpack(domains))
end
if #names > 0 then redis.call('ZADD', KEYS[7], unpack(names)) end
for k, b in pairs(listBits) do redis.call('BITFIELD', KEYS[k], unpack(b)) end
for status, n in pairs(counts) do redis.call('HINCRBY', KEYS[3], status, n) end
for key, c in pairs(listCounts) do
  for status, n in pairs(c) do redis.call('HINCRBY', KEYS[key], status, n) end
end
return out
`;

const TRANSITION = `${LEX_SCORE}${HISTORY}${SUPPRESSED_STATES}
local cur = redis.call('HMGET', KEYS[1], 's', 'ls', 'n', 'c')
if not cur[1] then return {0} end
if (cur[2] or '') ~= ARGV[2] then return {-1} end
local nameChanges = ARGV[8] == '1'
if nameChanges and (cur[3] or '') ~= ARGV[9] then return {-1} end
local bit, old, new = ARGV[7], cur[1], ARGV[3]
if new == '' then new = old end
if ARGV[4] ~= '' then
  local allowed = false
  for s in string.gmatch(ARGV[4], '[^,]+') do if s == old then allowed = true end end
  if not allowed then return {2, old} end
end
-- Only a confirmation link or an operator's grant (ACTIVATE) brings a suppressed record back.
if new == 'active' and isSuppressed(old) then return {2, old} end
local touched = false
if old ~= new then
  for i = 5, #KEYS, 2 do
    if new == 'active' then redis.call('SETBIT', KEYS[i], bit, 1)
    elseif old == 'active' then redis.call('SETBIT', KEYS[i], bit, 0) end
    redis.call('HINCRBY', KEYS[i + 1], old, -1)
    redis.call('HINCRBY', KEYS[i + 1], new, 1)
  end
  redis.call('HINCRBY', KEYS[2], old, -1)
  redis.call('HINCRBY', KEYS[2], new, 1)
  redis.call('HSET', KEYS[1], 's', new)
  if isSuppressed(new) then redis.call('HSET', KEYS[1], 'sa', ARGV[14]) end
  pushHistory(KEYS[4], cur[4], ARGV[12])
  touched = true
end
for f in string.gmatch(ARGV[6], '[^,]+') do redis.call('HDEL', KEYS[1], f); touched = true end
if #ARGV >= 15 then
  local setsConsent = false
  for i = 15, #ARGV, 2 do if ARGV[i] == 'c' then setsConsent = true end end
  -- The consent it replaces stays in the history.
  if setsConsent then pushHistory(KEYS[4], cur[4], ARGV[13]) end
  redis.call('HSET', KEYS[1], unpack(ARGV, 15))
  touched = true
end
if touched then redis.call('HSET', KEYS[1], 'ua', ARGV[5]) end
if nameChanges and ARGV[10] ~= ARGV[11] then
  if ARGV[10] ~= '' then redis.call('ZREM', KEYS[3], ARGV[10]) end
  if ARGV[11] ~= '' then redis.call('ZADD', KEYS[3], lexScore(ARGV[11]), ARGV[11]) end
end
return {1, old}
`;

const ADD_TO_LIST = `${LIST_FIELDS}
local cur = redis.call('HMGET', KEYS[1], 's', 'ls', 'rq', 'lf')
if not cur[1] then return 0 end
local l = ARGV[2]
if hasList(cur[3], l) then
  redis.call('HSET', KEYS[1], 'rq', withoutList(cur[3], l))
  redis.call('HINCRBY', KEYS[4], 'pending', -1)
end
if hasList(cur[4], l) then
  redis.call('HSET', KEYS[1], 'lf', withoutList(cur[4], l))
  redis.call('HINCRBY', KEYS[4], 'unsubscribed', -1)
end
if hasList(cur[2], l) then return 1 end
redis.call('HSET', KEYS[1], 'ls', withList(cur[2], l), 'ua', ARGV[3])
redis.call('SETBIT', KEYS[2], ARGV[4], 1)
if cur[1] == 'active' then redis.call('SETBIT', KEYS[3], ARGV[4], 1) end
redis.call('HINCRBY', KEYS[4], cur[1], 1)
return 2
`;

const REMOVE_FROM_LIST = `${LIST_FIELDS}${HISTORY}
local cur = redis.call('HMGET', KEYS[1], 's', 'ls', 'rq', 'lf', 'c')
if not cur[1] then return 0 end
local l = ARGV[2]
local withdrawn = false
if hasList(cur[3], l) then
  redis.call('HSET', KEYS[1], 'rq', withoutList(cur[3], l), 'ua', ARGV[3])
  redis.call('HINCRBY', KEYS[5], 'pending', -1)
  withdrawn = true
end
if not hasList(cur[2], l) then
  if withdrawn then pushHistory(KEYS[6], cur[5], ARGV[5]) end
  return 1
end
local kept = withoutList(cur[2], l)
local status = cur[1]
redis.call('SETBIT', KEYS[3], ARGV[4], 0)
redis.call('SETBIT', KEYS[4], ARGV[4], 0)
redis.call('HINCRBY', KEYS[5], status, -1)
if kept == '' and (status == 'active' or status == 'pending') then
  redis.call('HINCRBY', KEYS[2], status, -1)
  redis.call('HINCRBY', KEYS[2], 'unsubscribed', 1)
  redis.call('HSET', KEYS[1], 's', 'unsubscribed', 'sa', ARGV[6])
end
if not hasList(cur[4], l) then
  redis.call('HSET', KEYS[1], 'lf', withList(cur[4], l))
  redis.call('HINCRBY', KEYS[5], 'unsubscribed', 1)
end
redis.call('HSET', KEYS[1], 'ls', kept, 'ua', ARGV[3])
pushHistory(KEYS[6], cur[5], ARGV[5])
return 2
`;

const REMOVE = `
local cur = redis.call('HMGET', KEYS[1], 's', 'ls', 'e', 'rq', 'lf', 'n')
if not cur[1] then return 0 end
if (cur[2] or '') .. '|' .. (cur[4] or '') .. '|' .. (cur[5] or '') .. '|' .. (cur[6] or '') ~= ARGV[2] then return -1 end
local id, status, bit = ARGV[1], cur[1], ARGV[3]
if redis.call('HGET', KEYS[2], ARGV[4]) == id then redis.call('HDEL', KEYS[2], ARGV[4]) end
if cur[3] and redis.call('HGET', KEYS[2], cur[3]) == id then redis.call('HDEL', KEYS[2], cur[3]) end
redis.call('DEL', KEYS[1], KEYS[8])
redis.call('SETBIT', KEYS[3], bit, 0)
redis.call('HINCRBY', KEYS[4], status, -1)
redis.call('ZREM', KEYS[5], ARGV[7])
redis.call('ZREM', KEYS[6], ARGV[8])
if ARGV[9] ~= '' then redis.call('ZREM', KEYS[7], ARGV[9]) end
local lists, requested = tonumber(ARGV[5]), tonumber(ARGV[6])
for i = 9, 8 + 3 * lists, 3 do
  redis.call('SETBIT', KEYS[i], bit, 0)
  redis.call('SETBIT', KEYS[i + 1], bit, 0)
  redis.call('HINCRBY', KEYS[i + 2], status, -1)
end
local after = 9 + 3 * lists
for i = after, after + requested - 1 do redis.call('HINCRBY', KEYS[i], 'pending', -1) end
for i = after + requested, #KEYS do redis.call('HINCRBY', KEYS[i], 'unsubscribed', -1) end
return 1
`;

const REQUEST = `${OWNER}${LIST_FIELDS}${LEX_SCORE}${HISTORY}
local owner = mailboxOwner(KEYS[1], ARGV[2], ARGV[10])
local id, l = ARGV[1], ARGV[3]
if not owner then
  -- A fresh id that names nobody: the caller goes on as for any address, and the mail worker
  -- finds no subscriber under it and sends nothing.
  if redis.call('SISMEMBER', KEYS[5], ARGV[8]) == 1 then return {'suppressed', id} end
  if redis.call('EXISTS', KEYS[2]) == 1 then return {'retry', ''} end
  redis.call('HSET', KEYS[1], ARGV[2], id)
  redis.call('HSET', KEYS[2], unpack(ARGV, 14))
  redis.call('HSET', KEYS[2], 'rq', l)
  redis.call('SETBIT', KEYS[3], ARGV[9], 1)
  redis.call('HINCRBY', KEYS[4], 'pending', 1)
  redis.call('HINCRBY', KEYS[6], 'pending', 1)
  redis.call('ZADD', KEYS[7], lexScore(ARGV[11]), ARGV[11])
  redis.call('ZADD', KEYS[8], lexScore(ARGV[12]), ARGV[12])
  if ARGV[13] ~= '' then redis.call('ZADD', KEYS[9], lexScore(ARGV[13]), ARGV[13]) end
  redis.call('DEL', KEYS[10])
  redis.call('RPUSH', KEYS[10], ARGV[7])
  return {'created', id}
end
if owner ~= id then return {'retry', owner} end
local cur = redis.call('HMGET', KEYS[2], 's', 'ls', ARGV[5], 'rq', 'lf', 'c')
local status = cur[1]
if not status then return {'retry', ''} end
if status == 'active' and hasList(cur[2], l) then return {'already-active', id} end
-- Asked for, not yet confirmed: this list counts the person pending (and no longer as having left).
if not hasList(cur[2], l) and not hasList(cur[4], l) then
  redis.call('HSET', KEYS[2], 'rq', withList(cur[4], l))
  redis.call('HINCRBY', KEYS[6], 'pending', 1)
  if hasList(cur[5], l) then
    redis.call('HSET', KEYS[2], 'lf', withoutList(cur[5], l))
    redis.call('HINCRBY', KEYS[6], 'unsubscribed', -1)
  end
end
-- Appended, never written over the consent on record: anyone can type any address into a form.
pushHistory(KEYS[10], cur[6], ARGV[7])
redis.call('HSET', KEYS[2], 'ua', ARGV[4])
if status == 'active' then return {'active-elsewhere', id} end
if ARGV[6] ~= '' and (not cur[3] or cur[3] == '') then
  redis.call('HSET', KEYS[2], ARGV[5], ARGV[6])
  redis.call('ZADD', KEYS[9], lexScore(ARGV[13]), ARGV[13])
end
if status == 'bounced' or status == 'complained' then return {'reconfirm', id} end
return {'updated', id}
`;

// A confirmation's consent: the newest request for the list in the history (else the record's
// own consent, else an unknown form one), with confirmedAt. cjson keeps the stored values as they
// are (times stay stored times).
const ACTIVATE = `${LIST_FIELDS}${HISTORY}${SUPPRESSED_STATES}
local cur = redis.call('HMGET', KEYS[1], 's', 'ls', 'rq', 'lf', 'c', 'sa')
local old = cur[1]
if not old then return {0} end
if (cur[2] or '') ~= ARGV[2] then return {-1} end
local l, now, bit, mode = ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local consent, event
if mode == 'confirm' then
  local issued = tonumber(ARGV[7]) or 0
  if cur[6] then
    if issued <= (tonumber(cur[6], 36) or 0) then return {2, old} end
  elseif isSuppressed(old) and issued == 0 then return {2, old} end
  -- The request this link was made for: the newest for l made before the link (any, for a link of unknown time).
  local inner
  local events = redis.call('LRANGE', KEYS[3], 0, -1)
  for i = #events, 1, -1 do
    local ok, e = pcall(cjson.decode, events[i])
    if ok and type(e) == 'table' and e[1] == 'r' and e[3] == l and type(e[2]) == 'table' then
      local madeAt = tonumber(e[2][1] or '', 36)
      if issued == 0 or not madeAt or madeAt * 1000 <= issued then
        inner = e[2]
        break
      end
    end
  end
  if not inner and cur[5] then
    local ok, c = pcall(cjson.decode, cur[5])
    if ok and type(c) == 'table' then inner = c end
  end
  if not inner then inner = { now, 'f', 'unknown' } end
  if inner[1] ~= nil then
    for i = #inner + 1, 5 do inner[i] = cjson.null end
    inner[6] = now
  else
    inner.cf = now
  end
  consent = cjson.encode(inner)
  event = '["c",' .. consent .. ',' .. cjson.encode(l) .. ']'
else
  if old == 'bounced' or old == 'complained' then return {2, old} end
  -- Already a member: nothing to vouch for, nothing recorded.
  if old == 'active' and hasList(cur[2], l) then return {3, old} end
  consent, event = ARGV[8], ARGV[9]
end
-- From a suppressed state the person joins l alone: the other lists they were on are left.
local leaving = isSuppressed(old)
local ls, rq, lf = cur[2] or '', cur[3] or '', cur[4] or ''
local kept, n = {}, 0
for o in string.gmatch(ls, '[^,]+') do
  if o == l then
    kept[#kept + 1] = o
  else
    local i = 7 + 3 * n
    n = n + 1
    if leaving then
      redis.call('SETBIT', KEYS[i], bit, 0)
      redis.call('SETBIT', KEYS[i + 1], bit, 0)
      redis.call('HINCRBY', KEYS[i + 2], old, -1)
      if not hasList(lf, o) then
        lf = withList(lf, o)
        redis.call('HINCRBY', KEYS[i + 2], 'unsubscribed', 1)
      end
    else
      kept[#kept + 1] = o
      if old ~= 'active' then
        redis.call('SETBIT', KEYS[i + 1], bit, 1)
        redis.call('HINCRBY', KEYS[i + 2], old, -1)
        redis.call('HINCRBY', KEYS[i + 2], 'active', 1)
      end
    end
  end
end
if hasList(ls, l) then
  if old ~= 'active' then
    redis.call('HINCRBY', KEYS[6], old, -1)
    redis.call('HINCRBY', KEYS[6], 'active', 1)
  end
else
  kept[#kept + 1] = l
  redis.call('SETBIT', KEYS[4], bit, 1)
  redis.call('HINCRBY', KEYS[6], 'active', 1)
end
redis.call('SETBIT', KEYS[5], bit, 1)
if hasList(rq, l) then
  rq = withoutList(rq, l)
  redis.call('HINCRBY', KEYS[6], 'pending', -1)
end
if hasList(lf, l) then
  lf = withoutList(lf, l)
  redis.call('HINCRBY', KEYS[6], 'unsubscribed', -1)
end
if old ~= 'active' then
  redis.call('HINCRBY', KEYS[2], old, -1)
  redis.call('HINCRBY', KEYS[2], 'active', 1)
end
-- The consent it replaces stays in the history (seeded first when the history is empty).
pushHistory(KEYS[3], cur[5], event)
redis.call('HSET', KEYS[1], 's', 'active', 'ls', table.concat(kept, ','), 'rq', rq, 'lf', lf, 'c', consent, 'ua', now)
return {1, old}
`;

const SCRIPTS: Record<keyof SubscriberScripts, string> = {
  nlSubCreate: CREATE,
  nlSubTransition: TRANSITION,
  nlSubAddToList: ADD_TO_LIST,
  nlSubRemoveFromList: REMOVE_FROM_LIST,
  nlSubRemove: REMOVE,
  nlSubRequest: REQUEST,
  nlSubActivate: ACTIVATE,
};

/**
 * Defines the scripts as commands on `redis` (ioredis sends EVALSHA and loads the script on
 * NOSCRIPT, also inside pipelines). Defining again on the same client is harmless.
 */
export function defineSubscriberScripts(redis: Redis): void {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, { lua });
  }
}

/** The same client (or one of its pipelines), seen with the script commands. */
export function scripts<T extends object>(client: T): T & SubscriberScripts {
  return client as T & SubscriberScripts;
}
