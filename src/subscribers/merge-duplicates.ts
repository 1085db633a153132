// Two records for one mailbox (`Dave@example.com` beside `dave@example.com`, left by versions
// that keyed the address index case-sensitively) become one: this decides how, without I/O.
// The record with the earliest consent survives, so that consent stays with its own record
// (time, IP, user agent, text); it is mailed at the address it was given with.
import type { Subscriber, SubscriberStatus } from './types.ts';

export interface MergePlan {
  keep: Subscriber;
  drop: Subscriber[];
  /** Every list any of the records was in. */
  lists: string[];
  /** The strongest state: a complaint, a bounce or an unsubscribe outweighs being active. */
  status: SubscriberStatus;
  /** A name and locale for the survivor when it had none and another record did. */
  name?: string;
  locale?: string;
}

/** Later in this order wins. */
const STATUS_WEIGHT: Record<SubscriberStatus, number> = { pending: 0, active: 1, unsubscribed: 2, bounced: 3, complained: 4 };

function consentTime(s: Subscriber): number {
  const at = Date.parse(s.consent?.at ?? '');
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

function earlierFirst(a: Subscriber, b: Subscriber): number {
  return consentTime(a) - consentTime(b) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || Number(a.id) - Number(b.id);
}

/** How the records of one mailbox (two or more) merge. */
export function planMerge(records: Subscriber[]): MergePlan {
  if (records.length < 2) throw new RangeError('a merge needs at least two records');
  const [keep, ...drop] = [...records].sort(earlierFirst) as [Subscriber, ...Subscriber[]];
  const status = records.reduce<SubscriberStatus>((best, s) => (STATUS_WEIGHT[s.status] > STATUS_WEIGHT[best] ? s.status : best), keep.status);
  const lists = [...new Set(records.flatMap((s) => s.lists))];
  const plan: MergePlan = { keep, drop, lists, status };
  const name = keep.name ?? drop.find((s) => s.name)?.name;
  const locale = keep.locale ?? drop.find((s) => s.locale)?.locale;
  if (name && !keep.name) plan.name = name;
  if (locale && !keep.locale) plan.locale = locale;
  return plan;
}
