// The double opt-in link from the confirmation email. GET /confirm/:token shows a page with
// one button and changes nothing: link scanners (Defender, Proofpoint, Mimecast) fetch every link
// of a message, and a GET that confirmed would let anyone subscribe such a mailbox. The button
// POSTs to the same address, which confirms and answers 303 back to the GET (post/redirect/get),
// which then says "subscribed" for as long as the subscription stands.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pageContext, type AppContext } from '../app-context.ts';
import { parseInput, sendPage, wantsJson } from '../respond.ts';
import { confirmSubscription, inspectConfirmation, type ConfirmResult } from '../../use-cases/subscription-flow.ts';
import { confirmAskPage, confirmedPage, confirmInvalidPage } from '../views/subscription-pages.ts';

const params = z.object({ token: z.string().min(1).max(200) });
const INVALID = 'This confirmation link is unknown, expired or already used; subscribe again for a new one.';

export function confirmRoutes(ctx: AppContext): FastifyPluginAsync {
  const rateLimit = { max: ctx.config.linkRateLimitPerMinute, timeWindow: 60_000 };
  const newsletterOf = (_request: FastifyRequest, listId: string | undefined) => (listId && ctx.newsletters.byList(listId)) || ctx.newsletters.default;

  function answer(request: FastifyRequest, reply: FastifyReply, token: string, result: ConfirmResult | { state: 'pending'; listId: string }) {
    const json = wantsJson(request);
    const newsletter = newsletterOf(request, result.listId);
    reply.header('cache-control', 'no-store');
    if (result.state === 'invalid') {
      if (json) return reply.code(404).send({ ok: false, error: 'invalid_token', message: INVALID });
      return sendPage(reply, 404, confirmInvalidPage(pageContext(ctx, newsletter)));
    }
    if (json) return reply.code(200).send({ ok: true, state: result.state, newsletter: newsletter.id });
    if (result.state === 'pending')
      return sendPage(reply, 200, confirmAskPage(pageContext(ctx, newsletter), { action: `/confirm/${encodeURIComponent(token)}` }));
    return sendPage(reply, 200, confirmedPage(pageContext(ctx, newsletter)));
  }

  return async (app) => {
    app.get('/confirm/:token', { config: { rateLimit } }, async (request, reply) => {
      const { token } = parseInput(params, request.params, 'params');
      return answer(request, reply, token, await inspectConfirmation(ctx.subscription, token));
    });

    app.post('/confirm/:token', { config: { rateLimit } }, async (request, reply) => {
      const { token } = parseInput(params, request.params, 'params');
      const result = await confirmSubscription(ctx.subscription, token);
      if (result.state === 'confirmed') ctx.metrics.confirmations.inc({ newsletter: newsletterOf(request, result.listId).id });
      if (result.state === 'invalid' || wantsJson(request)) return answer(request, reply, token, result);
      return reply
        .code(303)
        .header('location', `/confirm/${encodeURIComponent(token)}`)
        .header('cache-control', 'no-store')
        .send();
    });
  };
}
