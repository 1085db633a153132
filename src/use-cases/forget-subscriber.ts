// "Erase me" (GDPR art. 17): the person's record goes (address, name, consent record, list
// memberships, soft-bounce count), running sends let them go, and only a hash of the address is
// kept (src/subscribers/forgotten.ts) so that no import, API call or form brings them back by
// accident. Ledgers of past sends hold subscriber ids and states, no personal data, and stay.
import { normaliseEmail } from '../subscribers/email-address.ts';
import type { LeaveDeps } from './leave-list.ts';
import { removeSubscriber } from './leave-list.ts';

export interface ForgetOutcome {
  /** The address had a record, now erased (id as it was). */
  erasedId: string | null;
  /** The hash was not kept before (false: forgotten already). */
  newlySuppressed: boolean;
}

export async function forgetSubscriber(deps: LeaveDeps, rawEmail: string): Promise<ForgetOutcome> {
  const email = normaliseEmail(rawEmail) ?? rawEmail.trim();
  // Suppress first: from this moment no create of the address succeeds, so nothing can slip in
  // between the erasure and the entry.
  const newlySuppressed = await deps.store.markForgotten(email);
  const subscriber = await deps.store.findByEmail(email);
  if (!subscriber) return { erasedId: null, newlySuppressed };
  await removeSubscriber(deps, subscriber.id);
  await deps.store.clearSoftBounces(subscriber.id);
  return { erasedId: subscriber.id, newlySuppressed };
}

export async function unforgetAddress(deps: Pick<LeaveDeps, 'store'>, rawEmail: string): Promise<boolean> {
  return deps.store.unmarkForgotten(normaliseEmail(rawEmail) ?? rawEmail.trim());
}
