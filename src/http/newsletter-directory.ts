// The newsletters this server serves, looked up by id (form field, query) or by list id
// (tokens carry the list). DEFAULT_NEWSLETTER (else the first) is the default for pages that name none.
import type { Newsletter } from '../content/schema.ts';

export interface NewsletterDirectory {
  all: readonly Newsletter[];
  default: Newsletter;
  byId(id: string | undefined): Newsletter | undefined;
  byList(listId: string): Newsletter | undefined;
  /** For pages that belong to no newsletter (a broken link): the reader's language, else the default. */
  forLanguage(acceptLanguage: string | undefined): Newsletter;
}

export function newsletterDirectory(newsletters: readonly Newsletter[], defaultId?: string): NewsletterDirectory {
  const first = newsletters.find((n) => n.id === defaultId) ?? newsletters[0];
  if (!first) throw new Error('buildApp: at least one newsletter is needed (emails/newsletters/*.yaml)');
  const ids = new Map(newsletters.map((n) => [n.id, n]));
  const lists = new Map(newsletters.map((n) => [n.listId, n]));
  return {
    // The default first: the landing page and the form's "also from us" list lead with it.
    all: [first, ...newsletters.filter((n) => n !== first)],
    default: first,
    byId: (id) => (id === undefined ? undefined : ids.get(id)),
    byList: (listId) => lists.get(listId),
    forLanguage(acceptLanguage) {
      // The first language the browser names is enough here: `zh-CN,zh;q=0.9,en;q=0.8` → zh.
      const primary = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim().toLowerCase().split('-')[0];
      if (!primary) return first;
      return newsletters.find((n) => n.locale.toLowerCase().split('-')[0] === primary) ?? first;
    },
  };
}
