// SubscriberStore on Redis, over the deployment's partitions (src/redis/partitions.ts).
//
// A subscriber lives wholly in one partition p of P: the one their mailbox (case-folded address) hashes
// to when they are created; their id then says which (id mod P). Per partition (keys from
// that partition's Keys, all under its hash tag):
//   subscriber(id)   hash, compact fields (subscriber-codec.ts)
//   subscriberSeq    INCR counter n = 1, 2, … → id = n × P + p ("1", "2", … with one partition)
//   emailIndex       hash mailbox (the case-folded address) → id: one subscriber per mailbox,
//                    made atomic by the create script; the record keeps the address as given
//   forgotten        set of hashed addresses erased on request (each in every partition's set)
//   allSubscribers   bitmap, bit n set: every subscriber, for paging the whole deployment
//   listAll(l)       bitmap: members of list l, any status
//   listActive(l)    bitmap: members of list l whose status is active — what a send pages through
//   statusCounts, listCounts(l)   hashes status → count, maintained by every transition
//   searchLocal, searchDomain, searchName   sorted sets for prefix search (search-index.ts,
//                    search.ts), written by the same scripts as the record
//   consentHistory(id)  list: the subscriber's consent events, oldest first (subscriber-codec.ts),
//                    appended by the scripts that request, confirm, grant and withdraw, deleted with
//                    the record; none until something happens after creation (an import writes none)
// A bitmap costs one bit per subscriber of the partition (125 KB per list at a million) where
// a sorted set cost ~105 bytes per member. Paging reads the bitmap from the cursor's byte on
// in GETRANGE slices and decodes the set bits in order: stable while subscribers come and go.
// Pages over the whole deployment merge the partitions' pages in id order; counts are summed.
// On a cluster each partition is its own slot, so pipelines go one per partition.
import type { Redis } from 'ioredis';
import { forEachKeyPage } from '../redis/scan-keys.ts';
import type { Keys } from '../redis/keys.ts';
import { singlePartition, type Partitions } from '../redis/partitions.ts';
import { mailboxKey, normaliseEmail, requireEmail, sanitiseDisplayName } from './email-address.ts';
import { isListId, isSubscriberId, normaliseLocale, requireListId, SubscriberInputError } from './fields.ts';
import { AddressForgottenError, forgottenHash, forgottenHashOfMailbox } from './forgotten.ts';
import { planMerge } from './merge-duplicates.ts';
import { defineSubscriberScripts, scripts } from './redis-scripts.ts';
import { countMatching, searchSubscribers, type SearchContext, type SearchQuery, type SearchResult } from './search.ts';
import { domainMember, foldAddress, lexScore, localMember, nameMember } from './search-index.ts';
import {
  clockMicros,
  consentAsEvent,
  decodeConsent,
  decodeConsentEvent,
  encodeConsent,
  encodeConsentEvent,
  FIELD,
  fromFieldValues,
  fromHash,
  isConsentSource,
  isStatus,
  RECORD_FIELDS,
  SCRIPT_FIELD,
  storedNow,
  storedTime,
  toHashFields,
} from './subscriber-codec.ts';
import type {
  ActivationResult,
  ActivePage,
  ConsentEvent,
  ConsentEventSource,
  ConsentRecord,
  NewSubscriber,
  Subscriber,
  SubscriberStatus,
  SubscriberStore,
  SubscriptionOutcome,
  SubscriptionRequest,
  Withdrawal,
} from './types.ts';
import { SUBSCRIBER_STATUSES } from './types.ts';

/** A new subscriber as the import gives it: may carry the creation time of an exported record. */
export interface NewSubscriberRecord extends NewSubscriber {
  createdAt?: string;
}

/** What `rebuildIndexes` did to the records of one mailbox. */
export interface MergedRecords {
  /** The survivor's address, as it is mailed. */
  email: string;
  kept: string;
  removed: Array<{ id: string; email: string }>;
  status: SubscriberStatus;
  lists: string[];
}

export type SubscriberPatch = Partial<Pick<Subscriber, 'name' | 'locale' | 'consent'>>;

export interface TransitionResult {
  subscriber: Subscriber;
  previous: SubscriberStatus;
  /** False when `from` did not allow the change (the subscriber is returned unchanged). */
  applied: boolean;
}

/** Optimistic retries when a subscriber's lists change between our read and our script. */
const MAX_ATTEMPTS = 20;

export class RedisSubscriberStore implements SubscriberStore {
  readonly partitions: Partitions;

  constructor(
    private readonly redis: Redis,
    keysOrPartitions: Keys | Partitions,
  ) {
    this.partitions = 'count' in keysOrPartitions ? keysOrPartitions : singlePartition(keysOrPartitions);
    defineSubscriberScripts(redis);
  }

  /** Partition p's keys. */
  private k(p: number): Keys {
    return this.partitions.keys[p]!;
  }

  /** Where a subscriber id lives: its partition and its bit in that partition's bitmaps; null for no id. */
  private locate(id: string): { p: number; k: Keys; bit: number } | null {
    if (!isSubscriberId(id)) return null;
    const p = this.partitions.ofId(id);
    if (p < 0) return null;
    return { p, k: this.k(p), bit: (Number(id) - p) / this.partitions.count };
  }

  private idOf(p: number, seq: number): string {
    return String(seq * this.partitions.count + p);
  }

  /** The partition of an address: its mailbox's, as the index holds it. */
  private partitionOfEmail(email: string): number {
    return this.partitions.ofEmail(mailboxKey(email) ?? email);
  }

  async create(input: NewSubscriberRecord): Promise<{ subscriber: Subscriber; created: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [result] = await this.createMany([input]);
      if (result!.forgotten) throw new AddressForgottenError(requireEmail(input.email));
      const subscriber = await this.get(result!.id);
      // Null only if someone removed it between the two calls: create again.
      if (subscriber) return { subscriber, created: result!.created };
    }
    throw new Error('subscriber store: create kept racing with remove');
  }

  /**
   * Creates many subscribers in three round trips per partition (HMGET the address index, INCRBY
   * for their ids, then the create scripts, a hundred rows each, sent back to back). Addresses that already exist are left unchanged:
   * `created: false` and their id. Addresses erased on request are not created: `forgotten: true`, id ''.
   * Throws SubscriberInputError / InvalidEmailError on invalid input, before writing anything.
   * `onSent` is called once every write of the call is on its way to Redis (an import starts
   * its next batch then: commands of one connection run in the order they were sent).
   */
  async createMany(inputs: NewSubscriberRecord[], opts: { onSent?: () => void } = {}): Promise<Array<{ id: string; created: boolean; forgotten?: true }>> {
    if (inputs.length === 0) {
      opts.onSent?.();
      return [];
    }
    const now = new Date().toISOString();
    const records = inputs.map((input) => prepareNew(input, now));
    const results: Array<{ id: string; created: boolean; forgotten?: true }> = records.map(() => ({ id: '', created: false }));
    if (this.partitions.count === 1) return this.createIn(0, records, opts.onSent);
    const byPartition = new Map<number, number[]>();
    records.forEach((r, i) => {
      // Normalised by prepareNew: its mailbox is its lower case.
      const p = this.partitions.ofEmail(foldAddress(r.email));
      const group = byPartition.get(p);
      if (group) group.push(i);
      else byPartition.set(p, [i]);
    });
    let unsent = byPartition.size;
    const sent = () => {
      if (--unsent === 0) opts.onSent?.();
    };
    await Promise.all(
      [...byPartition].map(async ([p, indexes]) => {
        const out = await this.createIn(
          p,
          indexes.map((i) => records[i]!),
          sent,
        );
        for (const [n, r] of out.entries()) results[indexes[n]!] = r;
      }),
    );
    return results;
  }

  /**
   * createMany for records (validated by prepareNew) whose addresses all belong to partition p:
   * read the address index, reserve ids, then one create script per ROWS_PER_SCRIPT rows.
   */
  private async createIn(p: number, records: Omit<Subscriber, 'id'>[], sent?: () => void): Promise<Array<{ id: string; created: boolean; forgotten?: true }>> {
    const k = this.k(p);
    const mailboxes = records.map((r) => foldAddress(r.email));
    // The same mailbox twice in one call: the script gives the second the first's id.
    const existing = await this.redis.hmget(k.emailIndex(), ...mailboxes);
    const missing = records.flatMap((_, i) => (existing[i] ? [] : [i]));
    const results: Array<{ id: string; created: boolean; forgotten?: true }> = records.map((_, i) => ({ id: existing[i] ?? '', created: false }));
    if (missing.length === 0) {
      sent?.();
      return results;
    }

    // Reserve a block of ids in one command; a few are wasted when another process creates
    // the same address meanwhile, which is fine: ids are only ordered, not dense.
    const last = await this.redis.incrby(k.subscriberSeq(), missing.length);
    const first = last - missing.length + 1;
    // One script call per ROWS_PER_SCRIPT rows, each sent as soon as it is built: Redis runs
    // the first while the next is being prepared.
    const calls: Array<Promise<void>> = [];
    for (let from = 0; from < missing.length; from += ROWS_PER_SCRIPT) {
      const rows = missing.slice(from, from + ROWS_PER_SCRIPT);
      const listNumber = new Map<string, number>();
      const packed: string[] = [];
      const recordKeys: string[] = [];
      rows.forEach((index, n) => {
        const seq = first + from + n;
        const id = this.idOf(p, seq);
        const r = records[index]!;
        const mailbox = mailboxes[index]!;
        const refs = r.lists.map((l) => listNumber.get(l) ?? listNumber.set(l, listNumber.size + 1).size).join(',');
        const legacy = r.email === mailbox ? '' : r.email;
        packed.push(
          JSON.stringify([
            id,
            mailbox,
            r.status,
            forgottenHashOfMailbox(mailbox),
            String(seq),
            legacy,
            localMember(mailbox, id),
            domainMember(mailbox, id),
            nameMember(r.name, id),
            refs,
            ...toHashFields(r),
          ]),
        );
        recordKeys.push(k.subscriber(id));
        results[index] = { id, created: true };
      });
      const listKeys = [...listNumber.keys()].flatMap((l) => [k.listAll(l), k.listActive(l), k.listCounts(l)]);
      const keyList = [
        k.emailIndex(),
        k.allSubscribers(),
        k.statusCounts(),
        k.forgotten(),
        k.searchLocal(),
        k.searchDomain(),
        k.searchName(),
        ...listKeys,
        ...recordKeys,
      ];
      const call = scripts(this.redis).nlSubCreate(keyList.length, ...keyList, listNumber.size, rows.length, ...packed) as Promise<unknown[]>;
      calls.push(
        call.then((owners) =>
          rows.forEach((index, n) => {
            const owner = String(owners[n] ?? '');
            if (owner === '!') throw new Error(`subscriber store: subscriber id ${results[index]!.id} already in use (was ${k.subscriberSeq()} set back?)`);
            results[index] = owner === '' ? { id: '', created: false, forgotten: true } : { id: owner, created: owner === results[index]!.id };
          }),
        ),
      );
    }
    sent?.();
    await Promise.all(calls);
    return results;
  }

  /**
   * A subscribe-form request (double opt-in): creates the address as pending, or appends the
   * request to the consent history of a known one (and records the name, if it had none) and
   * puts the list on its requests, leaving the consent on record as it is; an address already
   * active in the list, or erased on request, is left alone. A bounced or complained address stays
   * so: only the confirmation of this request brings it back (confirmRequest). Every address costs the same two round trips (read the
   * index and reserve an id; one script): the answer's timing says nothing about whether it
   * was known. A known address wastes its reserved id, which is fine (ids are ordered, not dense).
   */
  async requestSubscription(input: SubscriptionRequest): Promise<{ id: string; outcome: SubscriptionOutcome }> {
    const now = new Date().toISOString();
    const record = prepareNew(
      { email: input.email, ...(input.name ? { name: input.name } : {}), locale: input.locale, lists: [], status: 'pending', consent: input.consent },
      now,
    );
    requireListId(input.listId);
    const pairs = toHashFields(record);
    const event = encodeConsentEvent({ type: 'requested', ...record.consent!, listId: input.listId });
    const p = this.partitionOfEmail(record.email);
    const k = this.k(p);
    const mailbox = mailboxOf(record.email);
    const legacy = legacyIndexField(record.email);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.redis
        .pipeline()
        .hmget(k.emailIndex(), mailbox, legacy || mailbox)
        .incr(k.subscriberSeq())
        .exec();
      const [[indexError, owners], [seqError, fresh]] = (read ?? []) as [[Error | null, (string | null)[]], [Error | null, number]];
      if (indexError || seqError) throw indexError ?? seqError;
      const owner = owners[0] ?? owners[1] ?? null;
      const id = owner ?? this.idOf(p, fresh);
      const bit = this.locate(id)?.bit ?? fresh;
      const keyList = [
        k.emailIndex(),
        k.subscriber(id),
        k.allSubscribers(),
        k.statusCounts(),
        k.forgotten(),
        k.listCounts(input.listId),
        k.searchLocal(),
        k.searchDomain(),
        k.searchName(),
        k.consentHistory(id),
      ];
      const members = [localMember(mailbox, id), domainMember(mailbox, id), nameMember(record.name, id)];
      const [outcome, ownerId] = (await scripts(this.redis).nlSubRequest(
        keyList.length,
        ...keyList,
        id,
        mailbox,
        input.listId,
        storedTime(now),
        FIELD.name,
        record.name ?? '',
        event,
        forgottenHash(record.email),
        bit,
        legacy,
        ...members,
        ...pairs,
      )) as [string, string];
      if (outcome !== 'retry') return { id: ownerId, outcome: outcome as SubscriptionOutcome };
    }
    throw new Error('subscriber store: a subscribe request kept racing with changes to the same address');
  }

  async get(id: string): Promise<Subscriber | null> {
    const at = this.locate(id);
    if (!at) return null;
    return fromHash(id, await this.redis.hgetall(at.k.subscriber(id)));
  }

  async getMany(ids: string[]): Promise<(Subscriber | null)[]> {
    const out: (Subscriber | null)[] = ids.map(() => null);
    const byPartition = new Map<number, number[]>();
    ids.forEach((id, i) => {
      const at = this.locate(id);
      if (!at) return;
      const group = byPartition.get(at.p);
      if (group) group.push(i);
      else byPartition.set(at.p, [i]);
    });
    // One pipeline per partition: on a cluster a pipeline's keys must share a slot. HMGET of
    // the record's fields rather than HGETALL: half the strings to decode, no object to build
    // from the reply (an export reads a million).
    await Promise.all(
      [...byPartition].map(async ([p, indexes]) => {
        const pipeline = this.redis.pipeline();
        for (const i of indexes) pipeline.hmget(this.k(p).subscriber(ids[i]!), ...RECORD_FIELDS);
        const replies = (await pipeline.exec()) ?? [];
        indexes.forEach((i, n) => {
          const [error, values] = replies[n] ?? [null, []];
          if (error) throw error;
          out[i] = fromFieldValues(ids[i]!, values as Array<string | null>);
        });
      }),
    );
    return out;
  }

  /** The subscriber of the address's mailbox, whatever the case of either spelling. */
  async findByEmail(email: string): Promise<Subscriber | null> {
    const mailbox = mailboxKey(email);
    if (!mailbox) return null;
    const legacy = legacyIndexField(email);
    const [id, legacyId] = await this.redis.hmget(this.k(this.partitions.ofEmail(mailbox)).emailIndex(), mailbox, legacy || mailbox);
    const owner = id ?? legacyId;
    return owner ? this.get(owner) : null;
  }

  async setStatus(id: string, status: SubscriberStatus, patch?: SubscriberPatch, withdrawal?: Withdrawal): Promise<Subscriber | null> {
    return (await this.transition(id, status, { ...(patch ? { patch } : {}), ...(withdrawal ? { withdrawal } : {}) }))?.subscriber ?? null;
  }

  /** Name and locale only; the status stays whatever it is when the script runs. */
  async updateFields(id: string, patch: Pick<SubscriberPatch, 'name' | 'locale'>): Promise<Subscriber | null> {
    return (
      (
        await this.runTransition(id, '', {
          patch: { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.locale !== undefined ? { locale: patch.locale } : {}) },
        })
      )?.subscriber ?? null
    );
  }

  /**
   * Changes status (and optionally name/locale/consent) atomically with the active sets and
   * counters. With `from`, the change happens only if the current status is one of them — e.g.
   * confirm only `pending`. Never to `active` from unsubscribed, bounced or complained (refused:
   * `applied: false`): that takes a confirmation link or a grant. Becoming unsubscribed or
   * complained is recorded as a withdrawal in the consent history (`withdrawal` says how; a
   * complaint's source is `complaint`), a consent patch as a grant. Null when no such subscriber.
   */
  async transition(
    id: string,
    to: SubscriberStatus,
    opts: { from?: SubscriberStatus[]; patch?: SubscriberPatch; withdrawal?: Withdrawal } = {},
  ): Promise<TransitionResult | null> {
    if (!isStatus(to)) throw new SubscriberInputError(`not a subscriber status: ${JSON.stringify(to)} (expected ${SUBSCRIBER_STATUSES.join(', ')})`);
    return this.runTransition(id, to, opts);
  }

  private async runTransition(
    id: string,
    to: SubscriberStatus | '',
    opts: { from?: SubscriberStatus[]; patch?: SubscriberPatch; withdrawal?: Withdrawal },
  ): Promise<TransitionResult | null> {
    const at = this.locate(id);
    if (!at) return null;
    const { set, del } = patchFields(opts.patch ?? {});
    const { k } = at;
    const key = k.subscriber(id);
    const now = new Date().toISOString();
    const statusEvent =
      to === 'complained'
        ? encodeConsentEvent(withdrawalEvent({ ...opts.withdrawal, source: 'complaint' }, now))
        : to === 'unsubscribed'
          ? encodeConsentEvent(withdrawalEvent(opts.withdrawal, now))
          : '';
    const consentEvent = opts.patch?.consent ? encodeConsentEvent({ type: 'granted', ...checkConsent(opts.patch.consent) }) : '';
    // A name set or cleared moves its member in the name index: the new one is built here.
    const nameAt = set.findIndex((value, i) => i % 2 === 0 && value === FIELD.name);
    const nameChanges = nameAt >= 0 || del.includes(FIELD.name);
    const newNameMember = nameAt >= 0 ? nameMember(set[nameAt + 1], id) : '';
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [status, lists, name] = await this.redis.hmget(key, FIELD.status, FIELD.lists, FIELD.name);
      if (!status) return null;
      const listKeys = splitListField(lists).flatMap((l) => [k.listActive(l), k.listCounts(l)]);
      const keyList = [key, k.statusCounts(), k.searchName(), k.consentHistory(id), ...listKeys];
      const nameArgs = nameChanges ? ['1', name ?? '', nameMember(name, id), newNameMember] : ['0', '', '', ''];
      const reply = (await scripts(this.redis).nlSubTransition(
        keyList.length,
        ...keyList,
        id,
        lists ?? '',
        to,
        (opts.from ?? []).join(','),
        storedTime(now),
        del.join(','),
        at.bit,
        ...nameArgs,
        statusEvent,
        consentEvent,
        clockMicros().toString(36),
        ...set,
      )) as [number, string?];
      if (reply[0] === -1) continue;
      if (reply[0] === 0) return null;
      const subscriber = await this.get(id);
      if (!subscriber) return null;
      return { subscriber, previous: reply[1] as SubscriberStatus, applied: reply[0] === 1 };
    }
    throw new Error(`subscriber store: subscriber ${id} kept changing lists during a status change`);
  }

  /**
   * A confirmation link clicked (double opt-in): see SubscriberStore.confirmRequest. Atomic with
   * every index; the consent it records is the newest request for the list in the history.
   */
  async confirmRequest(id: string, listId: string, issuedAt: number): Promise<ActivationResult | null> {
    return this.activate(id, listId, ['confirm', String(Math.max(0, Math.floor(issuedAt) || 0)), '', '']);
  }

  async confirmable(id: string, issuedAt: number): Promise<boolean> {
    const at = this.locate(id);
    if (!at) return false;
    const [status, suppressedAt] = await this.redis.hmget(at.k.subscriber(id), FIELD.status, SCRIPT_FIELD.suppressedAt);
    if (!status) return false;
    if (suppressedAt) return issuedAt > parseInt(suppressedAt, 36);
    return !(issuedAt <= 0 && (status === 'unsubscribed' || status === 'bounced' || status === 'complained'));
  }

  /** An operator's grant: see SubscriberStore.grant. */
  async grant(id: string, listId: string, consent: ConsentRecord, source?: ConsentEventSource): Promise<ActivationResult | null> {
    const checked = checkConsent(consent);
    const event = encodeConsentEvent({ type: 'granted', ...checked, source: source ?? checked.source, listId });
    return this.activate(id, listId, ['grant', '0', encodeConsent(checked), event]);
  }

  private async activate(id: string, listId: string, modeArgs: [string, string, string, string]): Promise<ActivationResult | null> {
    requireListId(listId);
    const at = this.locate(id);
    if (!at) return null;
    const { k } = at;
    const key = k.subscriber(id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const lists = await this.redis.hget(key, FIELD.lists);
      const others = splitListField(lists).filter((l) => l !== listId);
      const keyList = [
        key,
        k.statusCounts(),
        k.consentHistory(id),
        k.listAll(listId),
        k.listActive(listId),
        k.listCounts(listId),
        ...others.flatMap((l) => [k.listAll(l), k.listActive(l), k.listCounts(l)]),
      ];
      const reply = (await scripts(this.redis).nlSubActivate(keyList.length, ...keyList, id, lists ?? '', listId, storedNow(), at.bit, ...modeArgs)) as [
        number,
        string?,
      ];
      if (reply[0] === -1) continue;
      if (reply[0] === 0) return null;
      const subscriber = await this.get(id);
      if (!subscriber) return null;
      return { subscriber, previous: reply[1] as SubscriberStatus, applied: reply[0] === 1 || reply[0] === 3 };
    }
    throw new Error(`subscriber store: subscriber ${id} kept changing lists during an activation`);
  }

  /** Every consent event kept for the subscriber, oldest first; the record's consent alone when nothing was appended yet. */
  async consentHistory(id: string): Promise<ConsentEvent[]> {
    const at = this.locate(id);
    if (!at) return [];
    const [[historyError, raw], [recordError, consent]] = ((await this.redis
      .pipeline()
      .lrange(at.k.consentHistory(id), 0, -1)
      .hget(at.k.subscriber(id), FIELD.consent)
      .exec()) ?? []) as [[Error | null, string[]], [Error | null, string | null]];
    if (historyError || recordError) throw historyError ?? recordError;
    if (raw.length === 0) {
      const record = decodeConsent(consent ?? undefined);
      return record ? [consentAsEvent(record)] : [];
    }
    return raw.flatMap((r) => decodeConsentEvent(r) ?? []);
  }

  async addToList(id: string, listId: string): Promise<void> {
    requireListId(listId);
    const at = this.locate(id);
    if (!at) return;
    const { k } = at;
    const keyList = [k.subscriber(id), k.listAll(listId), k.listActive(listId), k.listCounts(listId)];
    await scripts(this.redis).nlSubAddToList(keyList.length, ...keyList, id, listId, storedNow(), at.bit);
  }

  async removeFromList(id: string, listId: string, withdrawal?: Withdrawal): Promise<{ subscriber: Subscriber; removed: boolean } | null> {
    requireListId(listId);
    const at = this.locate(id);
    if (!at) return null;
    const { k } = at;
    const now = new Date().toISOString();
    const event = encodeConsentEvent({ ...withdrawalEvent(withdrawal, now), listId });
    const keyList = [k.subscriber(id), k.statusCounts(), k.listAll(listId), k.listActive(listId), k.listCounts(listId), k.consentHistory(id)];
    const reply = await scripts(this.redis).nlSubRemoveFromList(
      keyList.length,
      ...keyList,
      id,
      listId,
      storedTime(now),
      at.bit,
      event,
      clockMicros().toString(36),
    );
    const subscriber = reply === 0 ? null : await this.get(id);
    return subscriber ? { subscriber, removed: reply === 2 } : null;
  }

  async remove(id: string): Promise<boolean> {
    const at = this.locate(id);
    if (!at) return false;
    const { k } = at;
    const key = k.subscriber(id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [status, lists, email, requested, left, name] = await this.redis.hmget(
        key,
        FIELD.status,
        FIELD.lists,
        FIELD.email,
        FIELD.requested,
        FIELD.left,
        FIELD.name,
      );
      if (!status) return false;
      const member = splitListField(lists);
      const asked = splitListField(requested);
      const listKeys = [
        ...member.flatMap((l) => [k.listAll(l), k.listActive(l), k.listCounts(l)]),
        ...asked.map((l) => k.listCounts(l)),
        ...splitListField(left).map((l) => k.listCounts(l)),
      ];
      const keyList = [
        key,
        k.emailIndex(),
        k.allSubscribers(),
        k.statusCounts(),
        k.searchLocal(),
        k.searchDomain(),
        k.searchName(),
        k.consentHistory(id),
        ...listKeys,
      ];
      const mailbox = mailboxOf(email ?? '');
      const expected = `${lists ?? ''}|${requested ?? ''}|${left ?? ''}|${name ?? ''}`;
      const members = [localMember(mailbox, id), domainMember(mailbox, id), nameMember(name, id)];
      const reply = await scripts(this.redis).nlSubRemove(keyList.length, ...keyList, id, expected, at.bit, mailbox, member.length, asked.length, ...members);
      if (reply === -1) continue;
      // A record from before case-folding may live apart from its mailbox's partition (P > 1), whose index names it.
      const home = this.partitions.ofEmail(mailbox);
      if (reply === 1 && home !== at.p && (await this.redis.hget(this.k(home).emailIndex(), mailbox)) === id)
        await this.redis.hdel(this.k(home).emailIndex(), mailbox);
      return reply === 1;
    }
    throw new Error(`subscriber store: subscriber ${id} kept changing lists during removal`);
  }

  /** The list's active subscribers after `cursor`, in id order over every partition. */
  async pageActive(listId: string, cursor: string | null, limit: number): Promise<ActivePage> {
    requireListId(listId);
    const ids = await this.pageMerged((k) => k.listActive(listId), cursor, limit);
    return { ids, next: ids.length === limit ? ids[ids.length - 1]! : null };
  }

  /** pageActive within partition p only (a send's fan-out pages its own partition); the cursor is an id of p. */
  async pageActiveIn(partition: number, listId: string, cursor: string | null, limit: number): Promise<ActivePage> {
    requireListId(listId);
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions.count)
      throw new RangeError(`no partition ${partition} of ${this.partitions.count}`);
    const ids = await this.pageIds(partition, this.k(partition).listActive(listId), cursor, limit);
    return { ids, next: ids.length === limit ? ids[ids.length - 1]! : null };
  }

  async isActiveIn(id: string, listId: string): Promise<boolean> {
    const at = this.locate(id);
    if (!at || !isListId(listId)) return false;
    return (await this.redis.getbit(at.k.listActive(listId), at.bit)) === 1;
  }

  async pageAll(listId: string | null, cursor: string | null, limit: number): Promise<{ subscribers: Subscriber[]; next: string | null }> {
    if (listId !== null) requireListId(listId);
    const ids = await this.pageMerged((k) => (listId === null ? k.allSubscribers() : k.listAll(listId)), cursor, limit);
    const subscribers = (await this.getMany(ids)).filter((s): s is Subscriber => s !== null);
    return { subscribers, next: ids.length === limit ? ids[ids.length - 1]! : null };
  }

  /**
   * Rebuilds the membership bitmaps, the address index and the search indexes from the
   * subscriber records (a repair, and the upgrade from earlier layouts: sorted sets for lists, an
   * index keyed by the address as given, no search indexes), deletes those sorted sets, and
   * merges the records that share a mailbox (planMerge). Returns how many records it read and
   * what it merged. Counters are left alone except by the merges. Run it while nothing else
   * writes subscribers.
   */
  async rebuildIndexes(): Promise<{ records: number; merged: MergedRecords[] }> {
    let records = 0;
    const duplicates = new Map<string, Set<string>>();
    for (const k of this.partitions.keys) {
      const recordPrefix = k.subscriber('');
      const lists = new Set<string>();
      // The search indexes are written whole again (a member of a record gone would stay otherwise).
      await this.redis.del(k.searchLocal(), k.searchDomain(), k.searchName());
      await forEachKeyPage(this.redis, `${recordPrefix}*`, async (found) => {
        // `sub:*` also matches the id counter, the indexes and soft-bounce counters: records only.
        const ids = found.map((key) => key.slice(recordPrefix.length)).filter((id) => this.locate(id)?.k === k);
        const read = this.redis.pipeline();
        for (const id of ids) read.hmget(k.subscriber(id), FIELD.status, FIELD.lists, FIELD.email, FIELD.name);
        const fields = ((await read.exec()) ?? []).map(([error, value]) => {
          if (error) throw error;
          return value as Array<string | null>;
        });
        const pipeline = this.redis.pipeline();
        const indexed: Array<{ id: string; email: string }> = [];
        const search: Record<'local' | 'domain' | 'name', Array<string | number>> = { local: [], domain: [], name: [] };
        ids.forEach((id, i) => {
          const [status, listField, email, name] = fields[i]!;
          if (!status) return;
          records++;
          if (email) {
            indexed.push({ id, email });
            const mailbox = mailboxOf(email);
            const local = localMember(mailbox, id);
            const domain = domainMember(mailbox, id);
            search.local.push(lexScore(local), local);
            search.domain.push(lexScore(domain), domain);
          }
          if (name) {
            const member = nameMember(name, id);
            search.name.push(lexScore(member), member);
          }
          const { bit } = this.locate(id)!;
          pipeline.setbit(k.allSubscribers(), bit, 1);
          for (const list of splitListField(listField)) {
            lists.add(list);
            pipeline.setbit(k.listAll(list), bit, 1);
            pipeline.setbit(k.listActive(list), bit, status === 'active' ? 1 : 0);
          }
        });
        if (search.local.length) pipeline.zadd(k.searchLocal(), ...search.local).zadd(k.searchDomain(), ...search.domain);
        if (search.name.length) pipeline.zadd(k.searchName(), ...search.name);
        for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
        await this.reindexAddresses(k, indexed, duplicates);
      });
      // The sorted sets of the layout before the bitmaps.
      const old = [`${k.prefix}:sub:all`, ...[...lists].flatMap((l) => [`${k.prefix}:list:${l}:active`, `${k.prefix}:list:${l}:all`])];
      for (const key of old) await this.redis.del(key);
    }
    const merged: MergedRecords[] = [];
    for (const [mailbox, ids] of duplicates) {
      const result = await this.mergeRecords(mailbox, [...ids]);
      if (result) merged.push(result);
    }
    return { records, merged };
  }

  /**
   * Points each record's mailbox at it in the index of the mailbox's partition, unless another
   * live record holds the mailbox (then both go into `duplicates`), and drops the field an index
   * from before case-folding kept for it.
   */
  private async reindexAddresses(own: Keys, indexed: Array<{ id: string; email: string }>, duplicates: Map<string, Set<string>>): Promise<void> {
    for (const { id, email } of indexed) {
      const mailbox = mailboxOf(email);
      const index = this.k(this.partitions.ofEmail(mailbox)).emailIndex();
      const legacy = legacyIndexField(email);
      if (legacy && (await this.redis.hget(own.emailIndex(), legacy)) === id) await this.redis.hdel(own.emailIndex(), legacy);
      if ((await this.redis.hsetnx(index, mailbox, id)) === 1) continue;
      const owner = await this.redis.hget(index, mailbox);
      if (owner === id) continue;
      if (!owner || !(await this.get(owner))) {
        await this.redis.hset(index, mailbox, id);
        continue;
      }
      duplicates.set(mailbox, new Set([...(duplicates.get(mailbox) ?? []), owner, id]));
    }
  }

  /** Merges the records of one mailbox into the one planMerge keeps; null when fewer than two remain. */
  private async mergeRecords(mailbox: string, ids: string[]): Promise<MergedRecords | null> {
    const found = (await this.getMany(ids)).filter((s): s is Subscriber => s !== null);
    if (found.length < 2) return null;
    const plan = planMerge(found);
    for (const list of plan.lists) if (!plan.keep.lists.includes(list)) await this.addToList(plan.keep.id, list);
    const patch: SubscriberPatch = {};
    if (plan.name) patch.name = plan.name;
    if (plan.locale) patch.locale = plan.locale;
    await this.transition(plan.keep.id, plan.status, { patch });
    for (const drop of plan.drop) {
      await this.remove(drop.id);
      await this.clearSoftBounces(drop.id);
    }
    await this.redis.hset(this.k(this.partitions.ofEmail(mailbox)).emailIndex(), mailbox, plan.keep.id);
    return {
      email: plan.keep.email,
      kept: plan.keep.id,
      removed: plan.drop.map((s) => ({ id: s.id, email: s.email })),
      status: plan.status,
      lists: plan.lists,
    };
  }

  /**
   * Records that the address was erased on request; true when it was not recorded before. The
   * hash ignores case and the partition does not (`Ann@x` and `ann@x` may live apart), so every
   * partition's set gets it: whichever spelling comes back, its create script sees it.
   */
  async markForgotten(email: string): Promise<boolean> {
    const added = await Promise.all(this.partitions.keys.map((k) => this.redis.sadd(k.forgotten(), forgottenHash(email))));
    return added[this.partitionOfEmail(email)] === 1;
  }

  /** Lifts `markForgotten` (the person asked to come back); true when there was an entry. */
  async unmarkForgotten(email: string): Promise<boolean> {
    const removed = await Promise.all(this.partitions.keys.map((k) => this.redis.srem(k.forgotten(), forgottenHash(email))));
    return removed[this.partitionOfEmail(email)] === 1;
  }

  async isForgotten(email: string): Promise<boolean> {
    return (await this.redis.sismember(this.k(this.partitionOfEmail(email)).forgotten(), forgottenHash(email))) === 1;
  }

  /** Drops the soft-bounce counter of a subscriber being erased. */
  async clearSoftBounces(id: string): Promise<void> {
    const at = this.locate(id);
    if (at) await this.redis.del(at.k.softBounces(id));
  }

  async noteSoftBounce(id: string, windowSeconds: number): Promise<number> {
    const at = this.locate(id);
    if (!at) return 0;
    const key = at.k.softBounces(id);
    const replies = await this.redis.multi().incr(key).expire(key, windowSeconds).exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }

  /**
   * Case-blind prefix search of the addresses' local parts, their domains or the names, with
   * optional list and status filters, a page at a time (search.ts says how each kind reads).
   */
  async search(q: SearchQuery): Promise<SearchResult> {
    return searchSubscribers(this.searchContext(), q);
  }

  /** How many subscribers a search matches: exact where counters or ZLEXCOUNT answer, else counted up to a cap (a lower bound). */
  async countMatching(q: Omit<SearchQuery, 'cursor' | 'limit'>): Promise<{ count: number; countIsExact: boolean }> {
    return countMatching(this.searchContext(), q);
  }

  private searchContext(): SearchContext {
    return {
      redis: this.redis,
      partitions: this.partitions,
      getMany: (ids) => this.getMany(ids),
      pageIds: (keyOf, cursor, limit) => this.pageMerged(keyOf, cursor, limit),
    };
  }

  async countByStatus(listId: string | null): Promise<Record<SubscriberStatus, number>> {
    if (listId !== null) requireListId(listId);
    const raws = await Promise.all(this.partitions.keys.map((k) => this.redis.hgetall(listId === null ? k.statusCounts() : k.listCounts(listId))));
    const counts = {} as Record<SubscriberStatus, number>;
    for (const status of SUBSCRIBER_STATUSES) counts[status] = raws.reduce((sum, raw) => sum + Math.max(0, Number(raw[status] ?? 0)), 0);
    return counts;
  }

  /** Ids after `cursor` over every partition, in id order, at most `limit`: each partition's page, merged. */
  private async pageMerged(keyOf: (k: Keys) => string, cursor: string | null, limit: number): Promise<string[]> {
    if (this.partitions.count === 1) return this.pageIds(0, keyOf(this.k(0)), cursor, limit);
    const pages = await Promise.all(this.partitions.keys.map((k, p) => this.pageIds(p, keyOf(k), cursor, limit)));
    return pages
      .flat()
      .sort((a, b) => Number(a) - Number(b))
      .slice(0, limit);
  }

  /** Ids of partition p after `cursor` (any id) whose bit is set in `key`, in order, at most `limit`. */
  private async pageIds(p: number, key: string, cursor: string | null, limit: number): Promise<string[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`page limit must be a positive integer, got ${limit}`);
    if (cursor !== null && !isSubscriberId(cursor)) throw new SubscriberInputError(`not a page cursor: ${JSON.stringify(cursor)}`);
    const count = this.partitions.count;
    // The first bit n whose id n × P + p comes after the cursor.
    const first = cursor === null ? 0 : Number(cursor) >= p ? Math.floor((Number(cursor) - p) / count) + 1 : 0;
    const bits: number[] = [];
    // Slices grow while they come back sparse, so a list thinly spread over many ids costs few round trips.
    let slice = PAGE_SLICE_BYTES;
    for (let byte = Math.floor(first / 8); bits.length < limit; byte += slice, slice = Math.min(slice * 2, MAX_SLICE_BYTES)) {
      const chunk = await this.redis.getrangeBuffer(key, byte, byte + slice - 1);
      if (chunk.length === 0) break;
      collectSetBits(chunk, byte * 8, first, limit, bits);
      if (chunk.length < slice) break;
    }
    return bits.map((n) => String(n * count + p));
  }
}

/** Rows per create script call: a call of 100 holds Redis for about 3 ms at a million subscribers. */
const ROWS_PER_SCRIPT = 100;

const PAGE_SLICE_BYTES = 1024;
const MAX_SLICE_BYTES = 64 * 1024;

/** Appends the offsets ≥ `from` of the set bits of `bits` (its first bit is offset `base`, most significant first). */
function collectSetBits(bits: Buffer, base: number, from: number, limit: number, out: number[]): void {
  for (let i = 0; i < bits.length && out.length < limit; i++) {
    const byte = bits[i]!;
    if (byte === 0) continue;
    for (let b = 0; b < 8 && out.length < limit; b++) {
      if (byte & (0x80 >> b)) {
        const offset = base + i * 8 + b;
        if (offset >= from) out.push(offset);
      }
    }
  }
}

/** The index field of an address already normalised (or stored): its mailbox. */
function mailboxOf(email: string): string {
  return email.toLowerCase();
}

/** The field an index from before case-folding would hold the address under; '' when that is the mailbox itself. */
function legacyIndexField(email: string): string {
  const normalised = normaliseEmail(email) ?? email;
  return normalised === mailboxOf(normalised) ? '' : normalised;
}

function splitListField(raw: string | null | undefined): string[] {
  return raw ? raw.split(',').filter(Boolean) : [];
}

/** Validates and normalises a new subscriber; throws a UserError naming the bad field. */
function prepareNew(input: NewSubscriberRecord, now: string): Omit<Subscriber, 'id'> {
  const email = requireEmail(input.email);
  if (!isStatus(input.status)) throw new SubscriberInputError(`not a subscriber status: ${JSON.stringify(input.status)}`);
  const lists = [...new Set((input.lists ?? []).map(requireListId))];
  const sub: Omit<Subscriber, 'id'> = { email, status: input.status, lists, createdAt: input.createdAt ?? now, updatedAt: now };
  const name = sanitiseDisplayName(input.name);
  if (name) sub.name = name;
  if (input.locale) sub.locale = requireLocale(input.locale);
  if (input.consent) sub.consent = checkConsent(input.consent);
  return sub;
}

function patchFields(patch: SubscriberPatch): { set: string[]; del: string[] } {
  const set: string[] = [];
  const del: string[] = [];
  if (patch.name !== undefined) {
    const name = sanitiseDisplayName(patch.name);
    if (name) set.push(FIELD.name, name);
    else del.push(FIELD.name);
  }
  if (patch.locale !== undefined) {
    if (patch.locale === '') del.push(FIELD.locale);
    else set.push(FIELD.locale, requireLocale(patch.locale));
  }
  if (patch.consent !== undefined) set.push(FIELD.consent, encodeConsent(checkConsent(patch.consent)));
  return { set, del };
}

/** A withdrawal as the consent event it is recorded as (an operator's, when nobody said how). */
function withdrawalEvent(withdrawal: Withdrawal | undefined, now: string): ConsentEvent {
  const w = withdrawal ?? { source: 'operator' as const };
  const event: ConsentEvent = { type: 'withdrawn', at: w.at ?? now, source: w.source };
  if (w.ip) event.ip = w.ip;
  if (w.userAgent) event.userAgent = w.userAgent;
  if (w.textVersion) event.textVersion = w.textVersion;
  if (w.issueId) event.issueId = w.issueId;
  return event;
}

function requireLocale(raw: string): string {
  const locale = normaliseLocale(raw);
  if (!locale) throw new SubscriberInputError(`not a locale: ${JSON.stringify(String(raw).slice(0, 40))} (expected e.g. zh-CN or en)`);
  return locale;
}

function checkConsent(consent: NonNullable<Subscriber['consent']>): NonNullable<Subscriber['consent']> {
  if (!isConsentSource(consent.source) || typeof consent.at !== 'string' || typeof consent.textVersion !== 'string') {
    throw new SubscriberInputError('consent record needs at, textVersion and source (form, import or api)');
  }
  // A client-supplied header: keep the record, not an unbounded string.
  return consent.userAgent && consent.userAgent.length > 512 ? { ...consent, userAgent: consent.userAgent.slice(0, 512) } : consent;
}

/**
 * How a script that must read a subscriber atomically with its own keys (the ledger's claim:
 * "still active and in the list?") finds them: the record's key and the hash fields for status,
 * lists, address and name. The store owns the record's layout; the reader only follows this.
 */
export function subscriberReadSpec(k: Keys, subscriberId: string): { key: string; fields: { status: string; lists: string; email: string; name: string } } {
  return { key: k.subscriber(subscriberId), fields: { status: FIELD.status, lists: FIELD.lists, email: FIELD.email, name: FIELD.name } };
}
