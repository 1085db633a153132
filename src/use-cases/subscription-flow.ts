// Double opt-in, independent of HTTP: what a subscribe request and a confirmation click do to
// the store. The caller answers the same whatever happened here (no address enumeration).
import type { Newsletter } from '../content/schema.ts';
import { requestConfirmationMail, type ConfirmationRequestDeps } from '../subscribers/confirmation-mail.ts';
import { enqueueWelcomeMail } from '../subscribers/transactional-jobs.ts';
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
  // The request is appended to the person's consent history; the consent on record changes only
  // when the link is clicked (a bounced or complained address too: its own new link is the one
  // way back, and a link from before the suppression confirms nothing).

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
export async function inspectConfirmation(
  deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store'>,
  token: string,
): Promise<{ state: 'pending'; listId: string } | ConfirmResult> {
  const claim = await peekConfirmation(deps.redis, deps.keys, token);
  if (!claim) return usedConfirmation(deps, token);
  // A link made before the person left, bounced or complained offers nothing to click.
  if (!(await deps.store.confirmable(claim.subscriberId, claim.issuedAt))) return { state: 'invalid', listId: claim.listId };
  return { state: 'pending', listId: claim.listId };
}

/** A token that is not (or no longer) waiting: already used for a subscription that still stands, or no good. */
async function usedConfirmation(deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store'>, token: string): Promise<ConfirmResult> {
  const used = await deps.redis.get(deps.keys.confirmUsed(hashConfirmationToken(token)));
  const [subscriberId, listId] = used ? used.split('\n') : [];
  if (subscriberId && listId && (await deps.store.isActiveIn(subscriberId, listId))) return { state: 'already-confirmed', listId };
  return listId ? { state: 'invalid', listId } : { state: 'invalid' };
}

export async function confirmSubscription(
  deps: Pick<SubscriptionDeps, 'redis' | 'keys' | 'store' | 'confirmTtlHours' | 'transactionalQueue'>,
  token: string,
): Promise<ConfirmResult> {
  const usedKey = deps.keys.confirmUsed(hashConfirmationToken(token));
  const claim = await consumeConfirmation(deps.redis, deps.keys, token);
  // A second click on a link that did confirm says so, as long as the subscription still stands.
  if (!claim) return usedConfirmation(deps, token);
  // Atomic in the store: refused when the person left, bounced or complained after the link was
  // made; else active in the list, the request it confirms recorded as the consent.
  const activated = await deps.store.confirmRequest(claim.subscriberId, claim.listId, claim.issuedAt);
  if (!activated) return { state: 'invalid' };
  if (!activated.applied) return { state: 'invalid', listId: claim.listId };
  const subscriber = activated.subscriber;
  await deps.redis.set(usedKey, `${subscriber.id}\n${claim.listId}`, 'EX', deps.confirmTtlHours * 3600);
  // The worker sends it if the newsletter wants one (`welcome:` in its settings, on by default).
  await enqueueWelcomeMail(deps.transactionalQueue, { subscriberId: subscriber.id, listId: claim.listId });
  return { state: 'confirmed', listId: claim.listId };
}
