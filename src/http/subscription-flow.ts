// Double opt-in, independent of HTTP: what a subscribe request and a confirmation click do to
// the store. The caller answers the same whatever happened here (no address enumeration).
import type { Newsletter } from '../content/schema.ts';
import { requestConfirmationMail, type ConfirmationRequestDeps } from '../subscribers/confirmation-mail.ts';
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
  let result: SubscribeResult = 'mailed';
  let subscriber = await deps.store.findByEmail(input.email);
  if (!subscriber) {
    const created = await deps.store.create({
      email: input.email,
      ...(input.name ? { name: input.name } : {}),
      locale: input.newsletter.locale,
      lists: [],
      status: 'pending',
      consent: input.consent,
    });
    subscriber = created.subscriber;
  } else if (subscriber.status === 'bounced' || subscriber.status === 'complained') {
    // Suppressed: mailing it again would bounce or annoy (the worker sends nothing).
    result = 'suppressed';
  } else if (subscriber.status === 'active' && subscriber.lists.includes(listId)) {
    result = 'already-active';
  } else if (subscriber.status !== 'active') {
    // Pending or unsubscribed: this request's consent replaces the old one; an unconfirmed
    // request never renames someone who already gave a name.
    await deps.store.setStatus(subscriber.id, subscriber.status, {
      consent: input.consent,
      ...(!subscriber.name && input.name ? { name: input.name } : {}),
    });
  }
  // Active in another list keeps its confirmed consent; confirming adds this list.

  // Every address then takes the same round trips (throttle, token, one job), so the response
  // time does not hint at whether it is new, subscribed or suppressed: the transactional worker
  // refetches the subscriber and sends nothing to an active or suppressed address.
  const queued = await requestConfirmationMail(deps, { subscriberId: subscriber.id, listId });
  return !queued && result === 'mailed' ? 'throttled' : result;
}

/** `listId` on `invalid` when the token was once valid (so the page can use that newsletter's language). */
export type ConfirmResult = { state: 'confirmed' | 'already-confirmed'; listId: string } | { state: 'invalid'; listId?: string };

export async function confirmSubscription(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store' | 'confirmTtlHours'>, token: string): Promise<ConfirmResult> {
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
  return { state: 'confirmed', listId: claim.listId };
}
