// Subscriber ids, defined once. The store numbers subscribers in decimal from 1 (with partitions,
// seq × P + p: src/redis/partitions.ts), at most 16 digits, so an id is a JavaScript-safe
// number and never has a leading zero. A test send's recipients are no subscribers: they are
// `t1`, `t2`, … (src/campaign/records/ids.ts), which a deliver job may name (isRecipientId) and a
// subscriber id never matches.

/** A subscriber id, anchored: for a route's or a form's field (zod's `.regex`). */
export const SUBSCRIBER_ID = /^[1-9][0-9]{0,15}$/;

export function isSubscriberId(value: unknown): value is string {
  return typeof value === 'string' && SUBSCRIBER_ID.test(value);
}

// As loose as deliver jobs have always been read: `t` or not, then 1–20 digits.
const RECIPIENT_ID = /^t?\d{1,20}$/;

/**
 * Whom a deliver job is for: a subscriber id, or a test send's recipient (`t1`, …). Read from
 * job data and job ids only, as loosely as ever (digits without a subscriber id's first-digit
 * and length rules), so a job queued by an earlier version runs and settles as before.
 */
export function isRecipientId(value: unknown): value is string {
  return typeof value === 'string' && RECIPIENT_ID.test(value);
}
