// Double opt-in, independent of HTTP: what a subscribe request and a confirmation click do to
// the store. The caller answers the same whatever happened here (no address enumeration).
import type { Newsletter } from '../content/schema.ts';
import { enqueueWelcomeMail, requestConfirmationMail, type ConfirmationRequestDeps } from '../subscribers/confirmation-mail.ts';
import { consumeConfirmation, hashConfirmationToken, peekConfirmation } from '../subscribers/tokens.ts';
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

/**
 * What the link's page shows, changing nothing: a GET or HEAD of the link is what link scanners
 * (Defender, Proofpoint, Mimecast) do to every link of a message, so only the person's click on
 * the page (confirmSubscription, a POST) subscribes. `pending`: the token is good and unused.
 */
export async function inspectConfirmation(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store'>, token: string): Promise<{ state: 'pending'; listId: string } | ConfirmResult> {
  const claim = await peekConfirmation(deps.redis, deps.keys, token);
  return claim ? { state: 'pending', listId: claim.listId } : usedConfirmation(deps, token);
}

/** A token that is not (or no longer) waiting: already used for a subscription that still stands, or no good. */
async function usedConfirmation(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store'>, token: string): Promise<ConfirmResult> {
  const used = await deps.redis.get(deps.keys.confirmUsed(hashConfirmationToken(token)));
  const [subscriberId, listId] = used ? used.split('\n') : [];
  if (subscriberId && listId && (await deps.store.isActiveIn(subscriberId, listId))) return { state: 'already-confirmed', listId };
  return listId ? { state: 'invalid', listId } : { state: 'invalid' };
}

export async function confirmSubscription(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store' | 'confirmTtlHours' | 'transactionalQueue'>, token: string): Promise<ConfirmResult> {
  const usedKey = deps.keys.confirmUsed(hashConfirmationToken(token));
  const claim = await consumeConfirmation(deps.redis, deps.keys, token);
  // A second click on a link that did confirm says so, as long as the subscription still stands.
  if (!claim) return usedConfirmation(deps, token);
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
