// A subscriber's own settings, from the preferences page their signed link opens: which
// newsletters (leaving goes through leave-list, so running sends let them go first; joining or
// coming back is recorded as consent given on that page, the link proving the mailbox is
// theirs), and their name and language.
import type { Locale } from '../render/strings.ts';
import type { ConsentRecord, Subscriber, SubscriberStore } from '../subscribers/types.ts';
import { leaveList, type LeaveDeps } from './leave-list.ts';

export const PREFERENCES_CONSENT_VERSION = 'preferences-v1';

export interface PreferencesChange {
  /** The lists they want, out of `offered`; the others of `offered` they leave. */
  wanted: readonly string[];
  offered: readonly string[];
  name?: string;
  locale?: Locale;
  consent: Omit<ConsentRecord, 'textVersion' | 'source' | 'confirmedAt'>;
}

export async function updatePreferences(deps: LeaveDeps & { store: SubscriberStore }, subscriberId: string, change: PreferencesChange): Promise<Subscriber | null> {
  const current = await deps.store.get(subscriberId);
  if (!current) return null;
  const activeIn = (l: string) => current.status === 'active' && current.lists.includes(l);
  for (const listId of change.offered) {
    if (!change.wanted.includes(listId) && activeIn(listId)) await leaveList(deps, subscriberId, listId);
  }
  const joins = change.wanted.filter((l) => change.offered.includes(l) && !activeIn(l));
  const patch = { ...(change.name !== undefined ? { name: change.name } : {}), ...(change.locale ? { locale: change.locale } : {}) };
  if (joins.length) {
    for (const listId of joins) await deps.store.addToList(subscriberId, listId);
    const consent: ConsentRecord = { ...change.consent, source: 'form', textVersion: PREFERENCES_CONSENT_VERSION, confirmedAt: change.consent.at };
    return deps.store.setStatus(subscriberId, 'active', { ...patch, consent });
  }
  const after = (await deps.store.get(subscriberId)) ?? current;
  return Object.keys(patch).length ? deps.store.setStatus(subscriberId, after.status, patch) : after;
}
