// The operator's "add this address to a list" (admin API, console): confirmed (the operator
// vouches for consent, e.g. a list brought in) or by double opt-in, exactly as the form does it.
import type { Newsletter } from '../content/schema.ts';
import type { ConsentRecord, Subscriber } from '../subscribers/types.ts';
import { requestSubscription, type SubscribeResult, type SubscriptionDeps } from './subscription-flow.ts';

export type AddOutcome = { kind: 'confirmation-sent'; result: SubscribeResult } | { kind: 'added'; subscriber: Subscriber | null; created: boolean };

export async function addSubscriber(
  deps: SubscriptionDeps,
  input: { email: string; name?: string; newsletter: Newsletter; confirmed: boolean; consent: ConsentRecord },
): Promise<AddOutcome> {
  const { email, name, newsletter, consent } = input;
  if (!input.confirmed) return { kind: 'confirmation-sent', result: await requestSubscription(deps, { email, ...(name ? { name } : {}), newsletter, consent }) };
  const listId = newsletter.listId;
  const { subscriber, created } = await deps.store.create({ email, ...(name ? { name } : {}), locale: newsletter.locale, lists: [listId], status: 'active', consent });
  if (created) return { kind: 'added', subscriber, created };
  await deps.store.addToList(subscriber.id, listId);
  return { kind: 'added', subscriber: await deps.store.setStatus(subscriber.id, 'active', subscriber.consent ? {} : { consent }), created };
}
