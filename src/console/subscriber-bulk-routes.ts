// Bulk actions over a search of the subscribers: unsubscribe them all from one list, or erase
// them all. GET /admin/subscribers/bulk shows how many and asks (it changes nothing); its button
// POSTs the same filter, which acts on whoever matches then and answers 303 with the count.
import { canOf } from './console-request.ts';
import { audit } from '../http/audit.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEARCH_KINDS, type SearchKind } from '../subscribers/search-index.ts';
import { SUBSCRIBER_STATUSES } from '../subscribers/types.ts';
import { forgetSubscriber } from '../use-cases/forget-subscriber.ts';
import { leaveList } from '../use-cases/leave-list.ts';
import type { AppContext } from '../http/app-context.ts';
import { HttpInputError, parseInput, sendPage } from '../http/respond.ts';
import { html } from '../http/views/html.ts';
import { consoleLanguage, type CookiePolicy } from './console-request.ts';
import type { Flash } from './flash.ts';
import { consolePage } from './layout.ts';
import { filterFields, filterQuery, type SubscriberFilter } from './subscriber-filter.ts';

/** The most one request acts on: each one withdraws the person from running sends. */
export const BULK_MAX = 5_000;
const PAGE = 500;

const bulkInput = z.object({
  action: z.enum(['unsubscribe', 'delete']),
  q: z.string().max(320).default(''),
  kind: z.enum(SEARCH_KINDS as [SearchKind, ...SearchKind[]]).default('auto'),
  list: z.string().max(100).default(''),
  status: z.union([z.enum(SUBSCRIBER_STATUSES), z.literal('')]).default(''),
  _csrf: z.string().optional(),
  lang: z.string().max(10).optional(),
});

export function subscriberBulkRoutes(ctx: AppContext, cookies: CookiePolicy, flash: Flash): FastifyPluginAsync {
  const lists = new Set(ctx.newsletters.all.map((n) => n.listId));

  function read(raw: unknown): { action: 'unsubscribe' | 'delete'; filter: SubscriberFilter } {
    const input = parseInput(bulkInput, raw);
    if (input.list && !lists.has(input.list)) throw new HttpInputError(400, `list: no list "${input.list.slice(0, 100)}"`);
    if (input.action === 'unsubscribe' && !input.list) throw new HttpInputError(400, 'list: choose the list to unsubscribe them from');
    return { action: input.action, filter: { text: input.q.trim(), kind: input.kind, listId: input.list || null, status: input.status || null } };
  }

  const count = (filter: SubscriberFilter) => ctx.store.countMatching(filter);
  const listPage = (filter: SubscriberFilter) => `/admin/subscribers?${filterQuery(filter)}`;

  return async (app) => {
    app.get('/subscribers/bulk', async (request: FastifyRequest, reply: FastifyReply) => {
      const m = consoleLanguage(request, reply, cookies);
      const { action, filter } = read(request.query);
      const c = m.subs;
      const { count: n, countIsExact } = await count(filter);
      if (n === 0) return flash.redirect(request, reply, listPage(filter), html`<p class="notice" role="status">${c.bulkNone}</p>`);
      if (!countIsExact || n > BULK_MAX)
        return flash.redirect(request, reply, listPage(filter), html`<p class="notice error" role="alert">${c.bulkTooMany(n, BULK_MAX)}</p>`);
      const title = action === 'delete' ? c.bulkDeleteTitle(n) : c.bulkUnsubscribeTitle(n, filter.listId!);
      const csrf = reply.generateCsrf();
      const body = html`<section class="card narrow"><h1>${title}</h1><p>${action === 'delete' ? c.bulkDeleteBody : c.bulkUnsubscribeBody(filter.listId!)}</p>
<form method="post" action="/admin/subscribers/bulk" class="row"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="action" value="${action}">${filterFields(filter)}
<button type="submit" class="danger">${c.bulkConfirm(n)}</button> <a class="button secondary" href="${listPage(filter)}">${m.cancelButton}</a></form></section>`;
      return sendPage(reply, 200, consolePage({ m, title, path: '/admin/subscribers/bulk', session: { csrf, can: canOf(request) }, body }));
    });

    app.post('/subscribers/bulk', { preHandler: app.csrfProtection }, async (request, reply) => {
      const m = consoleLanguage(request, reply, cookies);
      const { action, filter } = read(request.body);
      const { count: n, countIsExact } = await count(filter);
      if (!countIsExact || n > BULK_MAX)
        return flash.redirect(request, reply, listPage(filter), html`<p class="notice error" role="alert">${m.subs.bulkTooMany(n, BULK_MAX)}</p>`);
      let seen = 0;
      let changed = 0;
      let cursor: string | null = null;
      // Whoever matches now, page by page; an erased or unsubscribed one drops out of the search behind the cursor.
      do {
        const page = await ctx.store.search({ ...filter, cursor, limit: PAGE });
        for (const s of page.subscribers) {
          if (seen++ >= BULK_MAX) break;
          if (action === 'delete') {
            await forgetSubscriber(ctx.leave, s.email);
            changed++;
          } else if ((await leaveList(ctx.leave, s.id, filter.listId!, { source: 'console' }))?.left) changed++;
        }
        cursor = seen >= BULK_MAX ? null : page.next;
      } while (cursor);
      audit(request, 'subscribers-bulk', filter.listId ?? 'all', { action, changed });
      return flash.redirect(request, reply, listPage(filter), html`<p class="notice" role="status">${m.subs.bulkDone(action, changed)}</p>`);
    });
  };
}
