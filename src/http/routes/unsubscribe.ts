// GET /unsubscribe/:token: a page with one button. POST /unsubscribe/:token: takes the person
// off the token's list. The same POST is RFC 8058 one-click (body `List-Unsubscribe=One-Click`,
// form-urlencoded or multipart, sent by the mail provider with no cookie): it answers 200 with
// a minimal body, never a redirect. The signed token alone identifies subscriber and list, and
// repeating the POST changes nothing more (still 200).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { leaveList } from '../../use-cases/leave-list.ts';
import { ONE_CLICK_ANSWER } from '../../subscribers/one-click.ts';
import { verifyListToken } from '../../subscribers/tokens.ts';
import { pageContext, type AppContext } from '../app-context.ts';
import { consentOf } from '../consent.ts';
import { maskEmail } from '../mask-email.ts';
import { signedLinkKey } from '../rate-limit-keys.ts';
import { parseInput, sendPage, wantsJson } from '../respond.ts';
import { unsubscribeAskPage, unsubscribedPage, unsubscribeInvalidPage } from '../views/subscription-pages.ts';
import { preferencesHref } from './preferences.ts';

const params = z.object({ token: z.string().min(1).max(200) });
// The issue the link came from (`?issue=`, newsletterLinks in src/mail): a hint, believed only
// when that issue was sent to the token's subscriber (leaveList), so anything odd is ignored.
const query = z.object({ issue: z.string().max(200).optional().catch(undefined) }).catch({});

function issueOf(request: FastifyRequest): string | undefined {
  return query.parse(request.query ?? {}).issue;
}

function isOneClick(body: unknown): boolean {
  return !!body && typeof body === 'object' && (body as Record<string, unknown>)['List-Unsubscribe'] === 'One-Click';
}

export function unsubscribeRoutes(ctx: AppContext): FastifyPluginAsync {
  // Counted per token when the token is valid (see rate-limit-keys.ts), else per client address.
  const rateLimit = {
    max: ctx.config.linkRateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: signedLinkKey((token) => verifyListToken(ctx.config.secrets, token) !== null),
  };
  function claimsOf(request: FastifyRequest) {
    const { token } = parseInput(params, request.params, 'params');
    return { token, claims: verifyListToken(ctx.config.secrets, token) };
  }

  function invalid(request: FastifyRequest, reply: FastifyReply, oneClick: boolean) {
    const message = 'This unsubscribe link is not valid: it may have been cut short. Use the link at the bottom of any issue.';
    if (oneClick) return reply.code(400).header('content-type', 'text/plain; charset=utf-8').send(`${message}\n`);
    if (wantsJson(request)) return reply.code(400).send({ ok: false, error: 'invalid_token', message });
    return sendPage(reply, 400, unsubscribeInvalidPage(pageContext(ctx, ctx.newsletters.default)));
  }

  return async (app) => {
    app.get('/unsubscribe/:token', { config: { rateLimit } }, async (request, reply) => {
      const { token, claims } = claimsOf(request);
      if (!claims) return invalid(request, reply, false);
      const newsletter = ctx.newsletters.byList(claims.listId) ?? ctx.newsletters.default;
      const subscriber = await ctx.store.get(claims.subscriberId);
      const page = pageContext(ctx, newsletter);
      const member = subscriber?.lists.includes(claims.listId) === true && subscriber.status !== 'unsubscribed';
      if (wantsJson(request)) return reply.header('cache-control', 'no-store').send({ ok: true, subscribed: member, newsletter: newsletter.id });
      if (!member) return sendPage(reply, 200, unsubscribedPage(page, { maskedEmail: subscriber ? maskEmail(subscriber.email) : null }));
      return sendPage(
        reply,
        200,
        unsubscribeAskPage(page, {
          maskedEmail: maskEmail(subscriber.email),
          action: unsubscribeAction(token, issueOf(request)),
          preferencesHref: preferencesHref(token),
        }),
      );
    });

    app.post('/unsubscribe/:token', { config: { rateLimit } }, async (request, reply) => {
      const oneClick = isOneClick(request.body);
      const { claims } = claimsOf(request);
      if (!claims) return invalid(request, reply, oneClick);
      // Idempotent: a removed subscriber or a second POST is still a successful unsubscribe.
      // It answers once no message to them can start any more (use-cases/leave-list.ts).
      const { ip, userAgent } = consentOf(request, 'unsubscribe', 'form');
      const left = await leaveList(
        ctx.leave,
        claims.subscriberId,
        claims.listId,
        { source: oneClick ? 'one-click' : 'unsubscribe-page', ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) },
        issueOf(request),
      );
      const subscriber = left?.subscriber ?? null;
      // Counted once per person and list: a repeated POST (mail providers retry) changes nothing.
      if (left?.left) {
        request.log.info({ list: claims.listId, oneClick, ...(left.issueId ? { issue: left.issueId } : {}) }, 'unsubscribed');
        ctx.metrics.unsubscribes.inc({ newsletter: ctx.newsletters.byList(claims.listId)?.id ?? claims.listId, how: oneClick ? 'one-click' : 'page' });
      }
      reply.header('cache-control', 'no-store');
      if (oneClick) return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(ONE_CLICK_ANSWER);
      if (wantsJson(request)) return reply.code(200).send({ ok: true });
      const newsletter = ctx.newsletters.byList(claims.listId) ?? ctx.newsletters.default;
      return sendPage(reply, 200, unsubscribedPage(pageContext(ctx, newsletter), { maskedEmail: subscriber ? maskEmail(subscriber.email) : null }));
    });
  };
}

/** The page's form posts back to the link it was opened from, the issue kept. */
function unsubscribeAction(token: string, issue: string | undefined): string {
  return `/unsubscribe/${encodeURIComponent(token)}${issue ? `?issue=${encodeURIComponent(issue)}` : ''}`;
}
