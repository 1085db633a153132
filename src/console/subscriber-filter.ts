// A search with filters over the subscribers, as the console's list page, its bulk actions and
// their question pages pass it along (in a query string or hidden form fields).
import type { SearchKind } from '../subscribers/search-index.ts';
import type { SubscriberStatus } from '../subscribers/types.ts';
import { html, type SafeHtml } from '../http/views/html.ts';

export interface SubscriberFilter {
  text: string;
  kind: SearchKind;
  listId: string | null;
  status: SubscriberStatus | null;
}

/** The filter as a query string (without a leading `?`). */
export function filterQuery(f: SubscriberFilter): string {
  return new URLSearchParams({ q: f.text, kind: f.kind, list: f.listId ?? '', status: f.status ?? '' }).toString();
}

/** The filter as hidden form fields, for the question page's POST. */
export function filterFields(f: SubscriberFilter): SafeHtml {
  return html`<input type="hidden" name="q" value="${f.text}"><input type="hidden" name="kind" value="${f.kind}"><input type="hidden" name="list" value="${f.listId ?? ''}"><input type="hidden" name="status" value="${f.status ?? ''}">`;
}
