// Admin API for subscribers (behind the bearer token, registered under /api):
// list with filters and cursor paging, add (confirmed or by double opt-in), remove, counts.
import { audit } from '../audit.ts';
import type { FastifyPluginAsync } from 'fastify';
import { addSubscriber } from '../../use-cases/add-subscriber.ts';
import { leaveList, removeSubscriber } from '../../use-cases/leave-list.ts';
import { z } from 'zod';
import { LOCALES } from '../../render/strings.ts';
import { normaliseEmail, sanitiseDisplayName } from '../../subscribers/email-address.ts';
import { SUBSCRIBER_STATUSES, type Subscriber } from '../../subscribers/types.ts';
import type { AppContext } from '../app-context.ts';
import { consentOf } from '../consent.ts';
import { HttpInputError, parseInput } from '../respond.ts';
import { SUBSCRIBER_ID } from '../../redis/subscriber-id.ts';

// Status filters read pages of any status; bound the reads one request may do.
const MAX_PAGES_PER_REQUEST = 20;

const listQuery = z.object({
  /** One subscriber by address: `?email=reader@example.com`. */
  email: z.string().max(320).optional(),
  list: z.string().max(64).optional(),
  status: z.enum(SUBSCRIBER_STATUSES).optional(),
  cursor: z.string().regex(SUBSCRIBER_ID, 'must be the `next` value of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const addBody = z.object({
  email: z.string().max(320),
  name: z.string().max(300).optional(),
  list: z.string().max(64),
  confirmed: z.boolean().default(false),
});

const patchBody = z
  .object({
    name: z.string().max(300).optional(),
    locale: z.enum([...LOCALES, '']).optional(),
    status: z.literal('unsubscribed', { error: 'only "unsubscribed" can be set here; add a subscriber again with POST /api/subscribers' }).optional(),
  })
  .strict();

const idParams = z.object({ id: z.string().regex(SUBSCRIBER_ID, 'must be a subscriber id') });
const countsQuery = z.object({ list: z.string().max(64).optional() });

/** The input schemas, for the OpenAPI description (routes/openapi.ts). */
export const subscriberSchemas = { listQuery, addBody, patchBody, idParams, countsQuery };

export function adminSubscriberRoutes(ctx: AppContext): FastifyPluginAsync {
  function knownList(listId: string | undefined): string | null {
    if (listId === undefined) return null;
    if (!ctx.newsletters.byList(listId)) {
      const known = [...new Set(ctx.newsletters.all.map((n) => n.listId))].join(', ');
      throw new HttpInputError(400, `list: no list "${listId}" (known: ${known})`, 'list');
    }
    return listId;
  }

  return async (app) => {
    app.get('/subscribers', async (request) => {
      const q = parseInput(listQuery, request.query, 'query');
      const list = knownList(q.list);
      if (q.email !== undefined) {
        const email = normaliseEmail(q.email);
        if (!email) throw new HttpInputError(400, 'query.email: not a valid email address (expected name@example.com)', 'email');
        const found = await ctx.store.findByEmail(email);
        const matches = found && (!list || found.lists.includes(list)) && (!q.status || found.status === q.status) ? [found] : [];
        return { subscribers: matches, next: null };
      }
      const subscribers: Subscriber[] = [];
      let cursor = q.cursor ?? null;
      for (let pages = 0; pages < MAX_PAGES_PER_REQUEST && subscribers.length < q.limit; pages++) {
        const page = await ctx.store.pageAll(list, cursor, q.limit - subscribers.length);
        subscribers.push(...(q.status ? page.subscribers.filter((s) => s.status === q.status) : page.subscribers));
        cursor = page.next;
        if (cursor === null) break;
      }
      return { subscribers, next: cursor };
    });

    app.get('/subscribers/counts', async (request) => {
      const q = parseInput(countsQuery, request.query, 'query');
      const list = knownList(q.list);
      return { list, counts: await ctx.store.countByStatus(list) };
    });

    app.get('/subscribers/:id', async (request) => {
      const { id } = parseInput(idParams, request.params, 'params');
      const subscriber = await ctx.store.get(id);
      if (!subscriber) throw new HttpInputError(404, `no subscriber ${id}`);
      return subscriber;
    });

    app.post('/subscribers', async (request, reply) => {
      const b = parseInput(addBody, request.body, 'body');
      const email = normaliseEmail(b.email);
      if (!email) throw new HttpInputError(400, 'body.email: not a valid email address (expected name@example.com)', 'email');
      const listId = knownList(b.list)!;
      const newsletter = ctx.newsletters.byList(listId)!;
      const name = sanitiseDisplayName(b.name);
      const outcome = await addSubscriber(ctx.subscription, {
        email,
        ...(name ? { name } : {}),
        newsletter,
        confirmed: b.confirmed,
        consent: consentOf(request, 'api-v1', 'api'),
        source: 'api',
      });
      audit(request, 'subscriber-add', outcome.kind === 'added' ? (outcome.subscriber?.id ?? '') : '', { list: listId, via: 'api' });
      if (outcome.kind === 'confirmation-sent') return reply.code(202).send({ ok: true, result: outcome.result });
      if (outcome.kind === 'refused') {
        throw new HttpInputError(
          409,
          `${outcome.subscriber.email} is ${outcome.status}: a bounced or complained address comes back only through its own new double opt-in. POST it again without "confirmed" to send a confirmation mail; its link alone makes it active.`,
          'email',
          { reason: 'suppressed', subscriberStatus: outcome.status },
        );
      }
      return reply.code(outcome.created ? 201 : 200).send({ subscriber: outcome.subscriber, created: outcome.created });
    });

    // Name and locale; `status: "unsubscribed"` takes them off every list (running sends let them
    // go first). Making someone active again needs their consent: POST /subscribers does that.
    app.patch('/subscribers/:id', async (request) => {
      const { id } = parseInput(idParams, request.params, 'params');
      const b = parseInput(patchBody, request.body, 'body');
      const current = await ctx.store.get(id);
      if (!current) throw new HttpInputError(404, `no subscriber ${id}`);
      const patch = { ...(b.name !== undefined ? { name: sanitiseDisplayName(b.name) } : {}), ...(b.locale !== undefined ? { locale: b.locale } : {}) };
      let updated = Object.keys(patch).length ? await ctx.store.updateFields(id, patch) : current;
      if (b.status === 'unsubscribed') {
        const { ip, userAgent } = consentOf(request, 'api-v1', 'api');
        for (const listId of current.lists)
          updated =
            (await leaveList(ctx.leave, id, listId, { source: 'api', ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) }))?.subscriber ?? updated;
        updated = (await ctx.store.get(id)) ?? updated;
      }
      audit(request, b.status === 'unsubscribed' ? 'subscriber-leave' : 'subscriber-edit', id, { via: 'api' });
      return updated;
    });

    app.delete('/subscribers/:id', async (request, reply) => {
      const { id } = parseInput(idParams, request.params, 'params');
      if (!(await removeSubscriber(ctx.leave, id))) throw new HttpInputError(404, `no subscriber ${id}`);
      audit(request, 'subscriber-delete', id, { via: 'api' });
      return reply.code(204).send();
    });
  };
}
