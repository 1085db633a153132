// The subscriber model and the store interface owned by the code that uses it (HTTP routes,
// CLI, campaign fan-out, deliver worker). The Redis implementation lives beside it.

export const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

export interface ConsentRecord {
  /** ISO time the consent was given (form submit, import, API call). */
  at: string;
  ip?: string;
  userAgent?: string;
  /** Version of the form/consent text the person saw, e.g. `subscribe-form-v1`. */
  textVersion: string;
  source: 'form' | 'import' | 'api';
  /** ISO time of the double opt-in confirmation, when confirmed by link. */
  confirmedAt?: string;
}

/**
 * One step of a person's consent, kept in order with the record (RedisSubscriberStore.consentHistory):
 * `requested` (a form or the preferences page asked for a list; unproven until its link is
 * clicked), `confirmed` (that link was clicked), `granted` (an operator or an import vouched for
 * it), `withdrawn` (they left a list, or complained). Never rewritten; the oldest are dropped
 * past CONSENT_HISTORY_MAX, except the first.
 */
export const CONSENT_EVENT_TYPES = ['requested', 'confirmed', 'granted', 'withdrawn'] as const;
export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];
/** Where a consent event came from: ConsentRecord's sources, and the ways of leaving. */
export const CONSENT_EVENT_SOURCES = [
  'form',
  'import',
  'api',
  'console',
  'cli',
  'preferences',
  'one-click',
  'unsubscribe-page',
  'mail',
  'complaint',
  'operator',
] as const;
export type ConsentEventSource = (typeof CONSENT_EVENT_SOURCES)[number];

export interface ConsentEvent {
  type: ConsentEventType;
  /** ISO time of the event (of the grant it confirms, for `confirmed`). */
  at: string;
  source: ConsentEventSource;
  /** The words the person saw (a form's text version), when there were any. */
  textVersion?: string;
  ip?: string;
  userAgent?: string;
  /** `confirmed`: when the link was clicked. */
  confirmedAt?: string;
  /** The list it concerned, when it concerned one. */
  listId?: string;
  /** `withdrawn`: the issue whose link (or complaint) it came from, when that is known and was theirs. */
  issueId?: string;
}

/** How someone left a list, recorded as a `withdrawn` consent event (time: now, unless given). */
export interface Withdrawal {
  source: ConsentEventSource;
  at?: string;
  ip?: string;
  userAgent?: string;
  textVersion?: string;
  /** The issue it came from: an unsubscribe link or a complaint about a message they were sent. */
  issueId?: string;
}

export interface Subscriber {
  /** Opaque, stable, numeric-string id assigned by the store ("1", "2", …): paging order. */
  id: string;
  /** Normalised address (trimmed, lower-cased domain), as first given; its mailbox (case-folded) is unique per deployment. */
  email: string;
  name?: string;
  locale?: string;
  status: SubscriberStatus;
  /** List ids the subscriber belongs to. */
  lists: string[];
  /** Lists asked for (subscribe form) and not yet confirmed: pending there. Absent when none. */
  requested?: string[];
  /** Lists the subscriber left: unsubscribed there. Absent when none. */
  left?: string[];
  /**
   * The consent the subscription stands on: the first one given, replaced only when a new one
   * is confirmed by its link or granted by an operator. Every earlier one stays in the consent
   * history (RedisSubscriberStore.consentHistory).
   */
  consent?: ConsentRecord;
  createdAt: string;
  updatedAt: string;
}

export interface NewSubscriber {
  email: string;
  name?: string;
  locale?: string;
  lists: string[];
  status: SubscriberStatus;
  consent?: ConsentRecord;
}

export interface ActivePage {
  ids: string[];
  /** Pass back to get the next page; null when the list is exhausted. */
  next: string | null;
}

/** A subscribe-form request for one list (double opt-in). */
export interface SubscriptionRequest {
  email: string;
  name?: string;
  locale: string;
  listId: string;
  consent: ConsentRecord;
}

/**
 * What a subscribe request did to the store (never shown to the person asking). `reconfirm`: a
 * bounced or complained address asked again; the request is recorded and only its own
 * confirmation link brings the address back. `suppressed`: erased on request, nothing recorded.
 */
export type SubscriptionOutcome = 'created' | 'updated' | 'already-active' | 'active-elsewhere' | 'reconfirm' | 'suppressed';

/** What an activation (a confirmation link, an operator's grant) did. */
export interface ActivationResult {
  subscriber: Subscriber;
  previous: SubscriberStatus;
  /** False when refused: a link older than the last suppression, or a grant over a bounce or complaint. */
  applied: boolean;
}

export interface SubscriberStore {
  /** Records a subscribe request; the same round trips for every address (see RedisSubscriberStore). */
  requestSubscription(input: SubscriptionRequest): Promise<{ id: string; outcome: SubscriptionOutcome }>;
  /** Creates, or returns the existing subscriber for the address (unchanged) with created=false. */
  create(input: NewSubscriber): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(id: string): Promise<Subscriber | null>;
  getMany(ids: string[]): Promise<(Subscriber | null)[]>;
  findByEmail(email: string): Promise<Subscriber | null>;
  /**
   * Sets status (and keeps list membership indexes in step); returns the subscriber as it is
   * after. Never turns an unsubscribed, bounced or complained record active: only
   * confirmRequest and grant do that, under their own rules. `withdrawal` says how an
   * unsubscribe or a complaint came (and from which issue) for the consent history.
   */
  setStatus(
    id: string,
    status: SubscriberStatus,
    patch?: Partial<Pick<Subscriber, 'name' | 'locale' | 'consent'>>,
    withdrawal?: Withdrawal,
  ): Promise<Subscriber | null>;
  /** Changes name and locale only, whatever the status is meanwhile. */
  updateFields(id: string, patch: Partial<Pick<Subscriber, 'name' | 'locale'>>): Promise<Subscriber | null>;
  /**
   * A confirmation link clicked: active in `listId`, with the request it confirms as the consent.
   * Refused when a suppression (unsubscribed, bounced, complained) came after the link was made
   * (`issuedAt`, clockMicros; 0 for a link from before links carried it). From a suppressed state only
   * `listId` is joined: the other lists are left.
   */
  confirmRequest(id: string, listId: string, issuedAt: number): Promise<ActivationResult | null>;
  /** Whether confirmRequest would accept a link made at `issuedAt` (the page before the click). */
  confirmable(id: string, issuedAt: number): Promise<boolean>;
  /**
   * An operator vouches for consent (the API's or console's "confirmed" add): active in
   * `listId`, `consent` recorded as a grant. Refused for a bounced or complained record.
   */
  grant(id: string, listId: string, consent: ConsentRecord, source?: ConsentEventSource): Promise<ActivationResult | null>;
  /** Adds the subscriber to a list (no status change). */
  addToList(id: string, listId: string): Promise<void>;
  /**
   * Takes the subscriber off one list (unsubscribe from one newsletter). When no list is left
   * the status becomes `unsubscribed`. Idempotent: `removed` is true only for the call that took
   * them off. Null when there is no such subscriber.
   */
  removeFromList(id: string, listId: string, withdrawal?: Withdrawal): Promise<{ subscriber: Subscriber; removed: boolean } | null>;
  /** Every consent event kept for the subscriber, oldest first (the record's consent alone when nothing happened since). */
  consentHistory(id: string): Promise<ConsentEvent[]>;
  remove(id: string): Promise<boolean>;
  /** Active members of a list in id order; `cursor` is the `next` from the previous page. */
  pageActive(listId: string, cursor: string | null, limit: number): Promise<ActivePage>;
  /** pageActive within one partition of the deployment (src/redis/partitions.ts): what a send's share pages through. */
  pageActiveIn(partition: number, listId: string, cursor: string | null, limit: number): Promise<ActivePage>;
  isActiveIn(id: string, listId: string): Promise<boolean>;
  /** Subscribers of a list (any status) in id order, for listing and export. */
  pageAll(listId: string | null, cursor: string | null, limit: number): Promise<{ subscribers: Subscriber[]; next: string | null }>;
  countByStatus(listId: string | null): Promise<Record<SubscriberStatus, number>>;
  /** Records a hash of the address so nothing creates it again (an erasure request); true if new. */
  markForgotten(email: string): Promise<boolean>;
  /** Lifts markForgotten; true when there was an entry. */
  unmarkForgotten(email: string): Promise<boolean>;
  clearSoftBounces(id: string): Promise<void>;
  /** Counts a soft bounce; the count lapses `windowSeconds` after the last one. Returns the count. */
  noteSoftBounce(id: string, windowSeconds: number): Promise<number>;
}
