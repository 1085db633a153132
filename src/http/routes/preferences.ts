// GET /preferences/:token: the subscriber's own page (the same signed token as the unsubscribe
// link: it names subscriber and list); POST saves it. A forged or cut token answers 400.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isLocale, LOCALES } from '../../render/strings.ts';
import { sanitiseDisplayName } from '../../subscribers/email-address.ts';
import { verifyListToken } from '../../subscribers/tokens.ts';
import type { Subscriber } from '../../subscribers/types.ts';
import { PREFERENCES_CONSENT_VERSION, updatePreferences } from '../../use-cases/update-preferences.ts';
import { pageContext, type AppContext } from '../app-context.ts';
import { consentOf } from '../consent.ts';
import { maskEmail } from '../mask-email.ts';
import { signedLinkKey } from '../rate-limit-keys.ts';
import { parseInput, sendPage } from '../respond.ts';
import { preferencesPage } from '../views/preferences-page.ts';
import { messagesFor } from '../views/messages.ts';
import { preferencesInvalidPage } from '../views/subscription-pages.ts';

const params = z.object({ token: z.string().min(1).max(200) });
const form = z.object({
  lists: z.union([z.string().max(100), z.array(z.string().max(100)).max(50)]).optional(),
  name: z.string().max(300).optional(),
  locale: z.enum(LOCALES).optional(),
  action: z.enum(['save', 'leave-all']).default('save'),
});

export function preferencesHref(token: string): string {
  return `/preferences/${encodeURIComponent(token)}`;
}

export function preferencesRoutes(ctx: AppContext): FastifyPluginAsync {
  const limit = { config: { rateLimit: { max: ctx.config.linkRateLimitPerMinute, timeWindow: 60_000, keyGenerator: signedLinkKey((token) => verifyListToken(ctx.config.secrets, token) !== null) } } };

  function show(reply: FastifyReply, token: string, listId: string, subscriber: Subscriber, notice?: string, status = 200) {
    const newsletter = ctx.newsletters.byList(listId) ?? ctx.newsletters.default;
    const active = (l: string) => subscriber.status === 'active' && subscriber.lists.includes(l);
    const requested = (l: string) => subscriber.requested?.includes(l) ?? false;
    return sendPage(reply, status, preferencesPage(pageContext(ctx, newsletter), {
      maskedEmail: maskEmail(subscriber.email),
      name: subscriber.name ?? '',
      locale: isLocale(subscriber.locale) ? subscriber.locale : '',
      newsletters: ctx.newsletters.all.map((n) => ({ id: n.id, listId: n.listId, name: n.name, member: active(n.listId), requested: requested(n.listId) })),
      action: preferencesHref(token),
      ...(notice ? { notice } : {}),
    }));
  }

  async function claims(request: FastifyRequest, reply: FastifyReply) {
    const { token } = parseInput(params, request.params, 'params');
    const c = verifyListToken(ctx.config.secrets, token);
    const subscriber = c ? await ctx.store.get(c.subscriberId) : null;
    if (!c || !subscriber) {
      await sendPage(reply, 400, preferencesInvalidPage(pageContext(ctx, ctx.newsletters.default)));
      return null;
    }
    return { token, listId: c.listId, subscriber };
  }

  return async (app) => {
    app.get('/preferences/:token', limit, async (request, reply) => {
      const c = await claims(request, reply);
      if (!c) return reply;
      return show(reply, c.token, c.listId, c.subscriber);
    });

    app.post('/preferences/:token', limit, async (request, reply) => {
      const c = await claims(request, reply);
      if (!c) return reply;
      const f = parseInput(form, request.body, 'body');
      const offered = ctx.newsletters.all.map((n) => n.listId);
      const wanted = f.action === 'leave-all' ? [] : [f.lists ?? []].flat().filter((l) => offered.includes(l));
      const name = f.name === undefined ? undefined : sanitiseDisplayName(f.name);
      const { at, ip, userAgent } = consentOf(request, PREFERENCES_CONSENT_VERSION, 'form');
      // Joining is asked for (a confirmation mail per list), never done here; leaving is done.
      const updated = await updatePreferences({ ...ctx.leave, ...ctx.subscription }, c.subscriber.id, {
        wanted,
        offered,
        ...(name !== undefined ? { name } : {}),
        ...(f.locale ? { locale: f.locale } : {}),
        consent: { at, ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) },
      });
      const m = messagesFor((ctx.newsletters.byList(c.listId) ?? ctx.newsletters.default).locale);
      const asked = (updated?.asked ?? []).map((l) => ctx.newsletters.byList(l)?.name ?? l);
      const notice = f.action === 'leave-all' ? m.preferences.leftAll : asked.length ? `${m.preferences.saved} ${m.preferences.asked(asked.join(', '))}` : m.preferences.saved;
      return show(reply, c.token, c.listId, updated?.subscriber ?? c.subscriber, notice);
    });
  };
}
