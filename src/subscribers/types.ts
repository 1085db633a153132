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

/** What a subscribe request did to the store (never shown to the person asking). */
export type SubscriptionOutcome = 'created' | 'updated' | 'already-active' | 'active-elsewhere' | 'suppressed';

export interface SubscriberStore {
  /** Records a subscribe request; the same round trips for every address (see RedisSubscriberStore). */
  requestSubscription(input: SubscriptionRequest): Promise<{ id: string; outcome: SubscriptionOutcome }>;
  /** Creates, or returns the existing subscriber for the address (unchanged) with created=false. */
  create(input: NewSubscriber): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(id: string): Promise<Subscriber | null>;
  getMany(ids: string[]): Promise<(Subscriber | null)[]>;
  findByEmail(email: string): Promise<Subscriber | null>;
  /** Sets status (and keeps list membership indexes in step); returns the updated subscriber. */
  setStatus(id: string, status: SubscriberStatus, patch?: Partial<Pick<Subscriber, 'name' | 'locale' | 'consent'>>): Promise<Subscriber | null>;
  /** Adds the subscriber to a list (no status change). */
  addToList(id: string, listId: string): Promise<void>;
  /**
   * Takes the subscriber off one list (unsubscribe from one newsletter). When no list is left
   * the status becomes `unsubscribed`. Idempotent: `removed` is true only for the call that took
   * them off. Null when there is no such subscriber.
   */
  removeFromList(id: string, listId: string): Promise<{ subscriber: Subscriber; removed: boolean } | null>;
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
