// The newsletters this server serves, looked up by id (form field, query) or by list id
// (tokens carry the list). DEFAULT_NEWSLETTER (else the first) is the default for pages that name none.
import type { Newsletter } from '../content/schema.ts';

export interface NewsletterDirectory {
  all: readonly Newsletter[];
  default: Newsletter;
  byId(id: string | undefined): Newsletter | undefined;
  byList(listId: string): Newsletter | undefined;
  /**
   * The newsletter a request's URL names (`?newsletter=`, `/feeds/<id>.xml`, `/issues/<issue>`
   * whose id starts with a newsletter's), else the default: what an error page or a page for a
   * broken link is branded with.
   */
  namedBy(url: string): Newsletter;
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
    namedBy(url) {
      const [path = '', query = ''] = url.split('?', 2);
      const asked = new URLSearchParams(query).get('newsletter');
      if (asked && ids.has(asked)) return ids.get(asked)!;
      const feed = /^\/feeds\/([^/]+)\.xml$/.exec(path)?.[1];
      if (feed && ids.has(feed)) return ids.get(feed)!;
      const issue = /^\/issues\/([^/]+)/.exec(path)?.[1];
      // Issue ids are `<newsletter>-<number>`: the longest newsletter id that starts the issue's.
      const owner = issue ? [...ids.keys()].filter((id) => issue.startsWith(`${id}-`)).sort((a, b) => b.length - a.length)[0] : undefined;
      return owner ? ids.get(owner)! : first;
    },
  };
}
