// The operator's "add this address to a list" (admin API, console): confirmed (the operator
// vouches for consent, e.g. a list brought in) or by double opt-in, exactly as the form does it.
// A confirmed add never brings back a bounced or complained address (refused: only the person's
// own new confirmation does); an unsubscribed one comes back with the operator's consent recorded
// as a grant in its history, joining this list alone.
import type { Newsletter } from '../content/schema.ts';
import type { ConsentEventSource, ConsentRecord, Subscriber } from '../subscribers/types.ts';
import { requestSubscription, type SubscribeResult, type SubscriptionDeps } from './subscription-flow.ts';

export type AddOutcome =
  | { kind: 'confirmation-sent'; result: SubscribeResult }
  | { kind: 'added'; subscriber: Subscriber | null; created: boolean }
  | { kind: 'refused'; subscriber: Subscriber; status: 'bounced' | 'complained' };

export async function addSubscriber(
  deps: SubscriptionDeps,
  input: { email: string; name?: string; newsletter: Newsletter; confirmed: boolean; consent: ConsentRecord; source?: ConsentEventSource },
): Promise<AddOutcome> {
  const { email, name, newsletter, consent } = input;
  if (!input.confirmed)
    return { kind: 'confirmation-sent', result: await requestSubscription(deps, { email, ...(name ? { name } : {}), newsletter, consent }) };
  const listId = newsletter.listId;
  const { subscriber, created } = await deps.store.create({
    email,
    ...(name ? { name } : {}),
    locale: newsletter.locale,
    lists: [listId],
    status: 'active',
    consent,
  });
  if (created) return { kind: 'added', subscriber, created };
  const granted = await deps.store.grant(subscriber.id, listId, consent, input.source ?? consent.source);
  if (granted && !granted.applied) return { kind: 'refused', subscriber: granted.subscriber, status: granted.previous as 'bounced' | 'complained' };
  return { kind: 'added', subscriber: granted?.subscriber ?? null, created };
}
