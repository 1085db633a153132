// GET /confirm/:token: the double opt-in link from the confirmation email.
// It confirms on GET (what people expect of a mailed link). Some mail scanners fetch links
// before the person does; that confirms the address early, which double opt-in accepts (the
// link only reached the mailbox), and the person's own click then still says "subscribed".
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { pageContext, type AppContext } from '../app-context.ts';
import { parseInput, sendPage, wantsJson } from '../respond.ts';
import { confirmSubscription } from '../../use-cases/subscription-flow.ts';
import { confirmedPage, confirmInvalidPage } from '../views/subscription-pages.ts';

const params = z.object({ token: z.string().min(1).max(200) });

export function confirmRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/confirm/:token', { config: { rateLimit: { max: ctx.config.linkRateLimitPerMinute, timeWindow: 60_000 } } }, async (request, reply) => {
      const { token } = parseInput(params, request.params, 'params');
      const result = await confirmSubscription(ctx.subscription, token);
      const json = wantsJson(request);
      const newsletter = (result.listId && ctx.newsletters.byList(result.listId)) || ctx.newsletters.forLanguage(request.headers['accept-language']);
      if (result.state === 'invalid') {
        if (json) return reply.code(404).header('cache-control', 'no-store').send({ ok: false, error: 'invalid_token', message: 'This confirmation link is unknown, expired or already used; subscribe again for a new one.' });
        return sendPage(reply, 404, confirmInvalidPage(pageContext(ctx, newsletter)));
      }
      if (result.state === 'confirmed') ctx.metrics.confirmations.inc({ newsletter: newsletter.id });
      if (json) return reply.code(200).header('cache-control', 'no-store').send({ ok: true, state: result.state, newsletter: newsletter.id });
      return sendPage(reply, 200, confirmedPage(pageContext(ctx, newsletter)));
    });
  };
}
