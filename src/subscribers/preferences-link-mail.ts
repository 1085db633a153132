// "Send me a link to manage my subscription": the preferences page, opened with the token of a
// footer or List-Unsubscribe header (which never expires, and which whoever a mail was forwarded
// to holds too), shows nothing personal; it offers this mail instead. The request only queues
// {subscriberId, listId} on the transactional queue (no token in the job); the worker
// (transactional-worker.ts) refetches the subscriber, signs a fresh preferences token that works
// for PREFERENCES_LINK_DAYS, and mails it to the subscriber's own address.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.ts';
import type { Newsletter } from '../content/schema.ts';
import type { Keys } from '../redis/keys.ts';
import { greetingName } from './greeting-name.ts';
import { PREFERENCES_LINK_DAYS, signPreferencesToken } from './tokens.ts';
import type { Subscriber } from './types.ts';

export const PREFERENCES_LINK_JOB = 'preferences-link';

/** At most one such mail per subscriber in this many seconds, however often it is asked for. */
export const PREFERENCES_LINK_RESEND_SECONDS = 600;

export interface PreferencesLinkJobData {
  subscriberId: string;
  listId: string;
}

export interface PreferencesLinkRequestDeps {
  redis: Redis;
  keys: Keys;
  transactionalQueue: Queue;
}

/**
 * Queues the mail unless one was asked for within PREFERENCES_LINK_RESEND_SECONDS; false when
 * throttled. The same round trips whoever the token names (the page answers the same anyway).
 */
export async function requestPreferencesLinkMail(deps: PreferencesLinkRequestDeps, target: PreferencesLinkJobData): Promise<boolean> {
  const fresh = await deps.redis.set(deps.keys.preferencesLinkThrottle(target.subscriberId), '1', 'EX', PREFERENCES_LINK_RESEND_SECONDS, 'NX');
  if (fresh === null) return false;
  await deps.transactionalQueue.add(PREFERENCES_LINK_JOB, { subscriberId: target.subscriberId, listId: target.listId } satisfies PreferencesLinkJobData, {
    attempts: 8,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  });
  return true;
}

/** The preferences page behind `token`. */
export function preferencesUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/preferences/${encodeURIComponent(token)}`;
}

/** A fresh preferences link (PREFERENCES_LINK_DAYS) for the subscriber and list: the welcome mail's and this mail's. */
export function freshPreferencesUrl(config: Pick<Config, 'publicUrl' | 'secrets'>, subscriberId: string, listId: string): string {
  return preferencesUrl(config.publicUrl, signPreferencesToken(config.secrets, subscriberId, listId));
}

/** Whom the mail goes to: nobody erased, bounced (the mailbox does not take mail) or complained. */
export function mayMailPreferencesLink(subscriber: Subscriber | null): subscriber is Subscriber {
  return subscriber !== null && subscriber.status !== 'bounced' && subscriber.status !== 'complained';
}

/** What the worker renders: the newsletter of the list (else the first), the link, the greeting. */
export function preferencesLinkMail(config: Pick<Config, 'publicUrl' | 'secrets'>, newsletters: readonly Newsletter[], subscriber: Subscriber, listId: string) {
  const newsletter = newsletters.find((n) => n.listId === listId) ?? newsletters[0];
  if (!newsletter) return null;
  const name = greetingName(subscriber.name);
  return {
    newsletter,
    data: { newsletter, preferencesUrl: freshPreferencesUrl(config, subscriber.id, listId), expiresInDays: PREFERENCES_LINK_DAYS, ...(name ? { name } : {}) },
  };
}
