// GET /: the landing page (newsletters, latest issues, subscribe forms).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { sendPage } from '../respond.ts';
import { landingPage } from '../views/landing-page.ts';

const LATEST = 3;

export function landingRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', async (_request, reply) => {
      const entries = await Promise.all(
        ctx.newsletters.all.map(async (newsletter) => ({ newsletter, latest: (await ctx.archive.list(newsletter.id)).slice(0, LATEST) })),
      );
      return sendPage(reply, 200, landingPage({ entries, confirmTtlHours: ctx.config.confirmTtlHours }), 'public');
    });
  };
}
