// A subscriber's own settings, from the preferences page their signed link opens: which
// newsletters, and their name and language. Leaving goes through leave-list (running sends let
// them go first; recorded as a withdrawal). Joining is asked, never done here: the list goes on
// their requests and a confirmation mail goes out, and only its link makes them a member
// (subscription-flow.ts), so a forwarded link, or a bounced or complained address, joins nothing.
import type { Locale } from '../render/strings.ts';
import { requestConfirmationMail } from '../subscribers/confirmation-mail.ts';
import type { ConsentRecord, Subscriber } from '../subscribers/types.ts';
import { leaveList, type LeaveDeps } from './leave-list.ts';
import type { SubscriptionDeps } from './subscription-flow.ts';

export const PREFERENCES_CONSENT_VERSION = 'preferences-v1';

export interface PreferencesChange {
  /** The lists they want, out of `offered`; the others of `offered` they leave. */
  wanted: readonly string[];
  offered: readonly string[];
  name?: string;
  locale?: Locale;
  /** Who saved the page (time, IP, user agent): recorded with each list asked for or left. */
  consent: Omit<ConsentRecord, 'textVersion' | 'source' | 'confirmedAt'>;
}

export interface PreferencesOutcome {
  subscriber: Subscriber;
  /** Lists asked for: a confirmation mail is on its way for each (unless one went out a moment ago). */
  asked: string[];
  left: string[];
}

export async function updatePreferences(
  deps: LeaveDeps & SubscriptionDeps,
  subscriberId: string,
  change: PreferencesChange,
): Promise<PreferencesOutcome | null> {
  const current = await deps.store.get(subscriberId);
  if (!current) return null;
  const activeIn = (l: string) => current.status === 'active' && current.lists.includes(l);
  const requested = (l: string) => current.requested?.includes(l) ?? false;
  const { ip, userAgent, at } = change.consent;
  const left: string[] = [];
  for (const listId of change.offered) {
    if (change.wanted.includes(listId) || !(activeIn(listId) || requested(listId))) continue;
    await leaveList(deps, subscriberId, listId, {
      source: 'preferences',
      at,
      ...(ip ? { ip } : {}),
      ...(userAgent ? { userAgent } : {}),
      textVersion: PREFERENCES_CONSENT_VERSION,
    });
    left.push(listId);
  }
  // Every ticked list they are not active in is asked for again (a request made before a bounce
  // or complaint has a link that no longer works); the mail is throttled per list.
  const asked: string[] = [];
  for (const listId of change.wanted) {
    if (!change.offered.includes(listId) || activeIn(listId)) continue;
    const consent: ConsentRecord = { ...change.consent, source: 'form', textVersion: PREFERENCES_CONSENT_VERSION };
    const { id } = await deps.store.requestSubscription({ email: current.email, locale: change.locale ?? current.locale ?? 'en', listId, consent });
    if (id !== subscriberId) continue;
    await requestConfirmationMail(deps, { subscriberId, listId });
    asked.push(listId);
  }
  const patch = { ...(change.name !== undefined ? { name: change.name } : {}), ...(change.locale ? { locale: change.locale } : {}) };
  const after = Object.keys(patch).length ? await deps.store.updateFields(subscriberId, patch) : await deps.store.get(subscriberId);
  return after ? { subscriber: after, asked, left } : null;
}
