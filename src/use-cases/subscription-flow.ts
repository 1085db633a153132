// Double opt-in, independent of HTTP: what a subscribe request and a confirmation click do to
// the store. The caller answers the same whatever happened here (no address enumeration).
import type { Newsletter } from '../content/schema.ts';
import { enqueueWelcomeMail, requestConfirmationMail, type ConfirmationRequestDeps } from '../subscribers/confirmation-mail.ts';
import { consumeConfirmation, hashConfirmationToken } from '../subscribers/tokens.ts';
import type { ConsentRecord, SubscriberStore } from '../subscribers/types.ts';

export interface SubscriptionDeps extends ConfirmationRequestDeps {
  store: SubscriberStore;
}

/** What happened, for logs and tests only; never shown to the person asking. */
export type SubscribeResult = 'mailed' | 'already-active' | 'suppressed' | 'throttled';

export async function requestSubscription(
  deps: SubscriptionDeps,
  input: { email: string; name?: string; newsletter: Newsletter; consent: ConsentRecord },
): Promise<SubscribeResult> {
  const listId = input.newsletter.listId;
  // One store call of the same cost for every address (new, pending, active, suppressed).
  const { id, outcome } = await deps.store.requestSubscription({
    email: input.email,
    ...(input.name ? { name: input.name } : {}),
    locale: input.newsletter.locale,
    listId,
    consent: input.consent,
  });
  const result: SubscribeResult = outcome === 'suppressed' ? 'suppressed' : outcome === 'already-active' ? 'already-active' : 'mailed';
  // Active in another list keeps its confirmed consent; confirming adds this list.

  // Every address then takes the same round trips (throttle, token, one job), so the response
  // time does not hint at whether it is new, subscribed or suppressed: the transactional worker
  // refetches the subscriber and sends nothing to an active or suppressed address.
  const queued = await requestConfirmationMail(deps, { subscriberId: id, listId });
  return !queued && result === 'mailed' ? 'throttled' : result;
}

/** `listId` on `invalid` when the token was once valid (so the page can use that newsletter's language). */
export type ConfirmResult = { state: 'confirmed' | 'already-confirmed'; listId: string } | { state: 'invalid'; listId?: string };

export async function confirmSubscription(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store' | 'confirmTtlHours' | 'transactionalQueue'>, token: string): Promise<ConfirmResult> {
  const usedKey = deps.keys.confirmUsed(hashConfirmationToken(token));
  const claim = await consumeConfirmation(deps.redis, deps.keys, token);
  if (!claim) {
    // Mail scanners often open links before the person does: a second click on a link that
    // did confirm says so, as long as the subscription still stands.
    const used = await deps.redis.get(usedKey);
    const [subscriberId, listId] = used ? used.split('\n') : [];
    if (subscriberId && listId && (await deps.store.isActiveIn(subscriberId, listId))) return { state: 'already-confirmed', listId };
    return listId ? { state: 'invalid', listId } : { state: 'invalid' };
  }
  const subscriber = await deps.store.get(claim.subscriberId);
  if (!subscriber) return { state: 'invalid' };
  const now = new Date().toISOString();
  const consent: ConsentRecord = { ...(subscriber.consent ?? { at: now, textVersion: 'unknown', source: 'form' }), confirmedAt: now };
  await deps.store.addToList(subscriber.id, claim.listId);
  await deps.store.setStatus(subscriber.id, 'active', { consent });
  await deps.redis.set(usedKey, `${subscriber.id}\n${claim.listId}`, 'EX', deps.confirmTtlHours * 3600);
  // The worker sends it if the newsletter wants one (`welcome:` in its settings, on by default).
  await enqueueWelcomeMail(deps.transactionalQueue, { subscriberId: subscriber.id, listId: claim.listId });
  return { state: 'confirmed', listId: claim.listId };
}
