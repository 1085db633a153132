// Asking for a double opt-in mail (form, admin API, console, CLI, import): a resend throttle,
// a fresh token seed, one job on the transactional queue; and the link the mail carries. The
// mail itself is rendered and sent by the transactional worker (transactional-worker.ts).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import type { Keys } from '../redis/keys.ts';
import { createSeededConfirmation, type Secrets } from './tokens.ts';
import { enqueueConfirmationMail } from './transactional-jobs.ts';

export interface ConfirmationRequestDeps {
  redis: Redis;
  keys: Keys;
  /** The confirmation token is derived under secrets[0] (config.secrets). */
  secrets: Secrets;
  transactionalQueue: Queue;
  confirmTtlHours: number;
  /** At most one confirmation mail per (subscriber, list) in this many seconds. */
  resendAfterSeconds: number;
}

/**
 * The one way a confirmation mail is asked for (form, admin API, CLI): a resend throttle per
 * (subscriber, list), a fresh token, one job. The worker refetches the subscriber and sends
 * nothing to an address that is active in the list or suppressed. False when throttled.
 */
export async function requestConfirmationMail(
  deps: ConfirmationRequestDeps,
  target: { subscriberId: string; listId: string },
  opts: { delayMs?: number } = {},
): Promise<boolean> {
  if (!deps.secrets.length)
    throw new UserError(
      'SECRET is missing: a confirmation link is derived from it (set it as for serve and worker, e.g. in .env), or add the subscribers as confirmed',
    );
  const fresh = await deps.redis.set(deps.keys.confirmThrottle(target.subscriberId, target.listId), '1', 'EX', deps.resendAfterSeconds, 'NX');
  if (fresh === null) return false;
  const seed = await createSeededConfirmation(deps.redis, deps.keys, deps.secrets, target, deps.confirmTtlHours);
  await enqueueConfirmationMail(deps.transactionalQueue, { ...target, ...seed }, opts.delayMs);
  return true;
}

export function confirmUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/confirm/${encodeURIComponent(token)}`;
}
