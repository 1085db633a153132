// GET /preferences/:token: the subscriber's own page, with a preferences token that expires
// (PREFERENCES_LINK_DAYS: mailed on request, and in the welcome mail); POST saves it. The token
// of every footer and List-Unsubscribe header (the unsubscribe link's, which never expires and
// travels with every forwarded mail) opens only a page that shows nothing personal and offers
// POST /preferences/:token/link, which mails a fresh link to the subscriber's own address; with
// it, POST changes nothing (403). A forged or cut token answers 400.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isLocale, LOCALES } from '../../render/strings.ts';
import { sanitiseDisplayName } from '../../subscribers/email-address.ts';
import { requestPreferencesLinkMail } from '../../subscribers/preferences-link-mail.ts';
import { PREFERENCES_LINK_DAYS, verifyListToken, verifyPreferencesToken } from '../../subscribers/tokens.ts';
import type { Subscriber } from '../../subscribers/types.ts';
import { PREFERENCES_CONSENT_VERSION, updatePreferences } from '../../use-cases/update-preferences.ts';
import { pageContext, type AppContext } from '../app-context.ts';
import { consentOf } from '../consent.ts';
import { maskEmail } from '../mask-email.ts';
import { signedLinkKey } from '../rate-limit-keys.ts';
import { parseInput, sendPage } from '../respond.ts';
import { preferencesLinkPage, preferencesPage } from '../views/preferences-page.ts';
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

/** What a `/preferences/:token` token is. */
type Opened =
  /** A preferences link that still works: the settings, and saving them. */
  | { kind: 'fresh'; token: string; subscriberId: string; listId: string }
  /** A footer's (never expires, may be forwarded) or an expired preferences link: nothing personal, the offer of a fresh link. */
  | { kind: 'ask'; token: string; subscriberId: string; listId: string; expired: boolean; footer: boolean };

export function preferencesRoutes(ctx: AppContext): FastifyPluginAsync {
  const secrets = ctx.config.secrets;
  const authentic = (token: string) => verifyListToken(secrets, token) !== null || verifyPreferencesToken(secrets, token) !== null;
  const limit = { config: { rateLimit: { max: ctx.config.linkRateLimitPerMinute, timeWindow: 60_000, keyGenerator: signedLinkKey(authentic) } } };
  // Mailing a link is counted per client address, as the subscribe form is (and per subscriber by the mail's own throttle).
  const mailLimit = { config: { rateLimit: { max: ctx.config.subscribeRateLimitPerMinute, timeWindow: 60_000 } } };

  function show(reply: FastifyReply, token: string, listId: string, subscriber: Subscriber, notice?: string, status = 200) {
    const newsletter = ctx.newsletters.byList(listId) ?? ctx.newsletters.default;
    const active = (l: string) => subscriber.status === 'active' && subscriber.lists.includes(l);
    const requested = (l: string) => subscriber.requested?.includes(l) ?? false;
    return sendPage(
      reply,
      status,
      preferencesPage(pageContext(ctx, newsletter), {
        maskedEmail: maskEmail(subscriber.email),
        name: subscriber.name ?? '',
        locale: isLocale(subscriber.locale) ? subscriber.locale : '',
        newsletters: ctx.newsletters.all.map((n) => ({ id: n.id, listId: n.listId, name: n.name, member: active(n.listId), requested: requested(n.listId) })),
        action: preferencesHref(token),
        ...(notice ? { notice } : {}),
      }),
    );
  }

  /** The page of a link that opens nothing personal: the same for every subscriber, present or not. */
  function ask(reply: FastifyReply, opened: Extract<Opened, { kind: 'ask' }>, opts: { sent?: boolean; status?: number } = {}) {
    const newsletter = ctx.newsletters.byList(opened.listId) ?? ctx.newsletters.default;
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      opts.status ?? 200,
      preferencesLinkPage(pageContext(ctx, newsletter), {
        action: `${preferencesHref(opened.token)}/link`,
        days: PREFERENCES_LINK_DAYS,
        expired: opened.expired,
        sent: opts.sent ?? false,
        ...(opened.footer ? { unsubscribeHref: `/unsubscribe/${encodeURIComponent(opened.token)}` } : {}),
      }),
    );
  }

  /** What the token opens; null (after answering 400) when it is forged, cut or unknown. */
  async function open(request: FastifyRequest, reply: FastifyReply): Promise<Opened | null> {
    const { token } = parseInput(params, request.params, 'params');
    const fresh = verifyPreferencesToken(secrets, token);
    if (fresh)
      return fresh.expired
        ? { kind: 'ask', token, subscriberId: fresh.subscriberId, listId: fresh.listId, expired: true, footer: false }
        : { kind: 'fresh', token, subscriberId: fresh.subscriberId, listId: fresh.listId };
    const footer = verifyListToken(secrets, token);
    if (footer) return { kind: 'ask', token, subscriberId: footer.subscriberId, listId: footer.listId, expired: false, footer: true };
    await sendPage(reply, 400, preferencesInvalidPage(pageContext(ctx, ctx.newsletters.default)));
    return null;
  }

  /** The subscriber of a fresh link; a link whose subscriber is gone opens nothing (the ask page). */
  async function subscriberOf(opened: Opened): Promise<Subscriber | null> {
    return opened.kind === 'fresh' ? ctx.store.get(opened.subscriberId) : null;
  }

  const asAsk = (opened: Opened): Extract<Opened, { kind: 'ask' }> =>
    opened.kind === 'ask' ? opened : { ...opened, kind: 'ask', expired: true, footer: false };

  return async (app) => {
    app.get('/preferences/:token', limit, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const subscriber = await subscriberOf(opened);
      if (!subscriber) return ask(reply, asAsk(opened));
      reply.header('cache-control', 'no-store');
      return show(reply, opened.token, opened.listId, subscriber);
    });

    app.post('/preferences/:token', limit, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const subscriber = await subscriberOf(opened);
      // A footer's or an expired link changes nothing: it offers a fresh link instead.
      if (!subscriber) return ask(reply, asAsk(opened), { status: 403 });
      const f = parseInput(form, request.body, 'body');
      const offered = ctx.newsletters.all.map((n) => n.listId);
      const wanted = f.action === 'leave-all' ? [] : [f.lists ?? []].flat().filter((l) => offered.includes(l));
      const name = f.name === undefined ? undefined : sanitiseDisplayName(f.name);
      const { at, ip, userAgent } = consentOf(request, PREFERENCES_CONSENT_VERSION, 'form');
      // Joining is asked for (a confirmation mail per list), never done here; leaving is done.
      const updated = await updatePreferences({ ...ctx.leave, ...ctx.subscription }, subscriber.id, {
        wanted,
        offered,
        ...(name !== undefined ? { name } : {}),
        ...(f.locale ? { locale: f.locale } : {}),
        consent: { at, ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) },
      });
      const m = messagesFor((ctx.newsletters.byList(opened.listId) ?? ctx.newsletters.default).locale);
      const asked = (updated?.asked ?? []).map((l) => ctx.newsletters.byList(l)?.name ?? l);
      const notice =
        f.action === 'leave-all'
          ? m.preferences.leftAll
          : asked.length
            ? `${m.preferences.saved} ${m.preferences.asked(asked.join(', '))}`
            : m.preferences.saved;
      reply.header('cache-control', 'no-store');
      return show(reply, opened.token, opened.listId, updated?.subscriber ?? subscriber, notice);
    });

    // "Email me a link to manage my subscription": a fresh link to the subscriber's own address,
    // through the transactional worker. The same answer whatever happens (sent, throttled, nobody
    // there any more), so it tells nothing about the address.
    app.post('/preferences/:token/link', mailLimit, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const queued = await requestPreferencesLinkMail(ctx.subscription, { subscriberId: opened.subscriberId, listId: opened.listId });
      request.log.info({ queued, list: opened.listId }, 'preferences link asked for');
      return ask(reply, asAsk(opened), { sent: true });
    });
  };
}
