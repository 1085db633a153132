// GET /r/:campaign/:link/:token: a tracked link. It goes to the URL stored at publish for that
// link number of that issue, never to one taken from the request (no open redirect), whether or
// not the token proves anything: a damaged or forwarded link still takes the reader to the page,
// it is just not counted. An unknown issue or link number is a 404. A HEAD is never counted.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { classifyClick } from '../../reports/click-classify.ts';
import type { ClickStore } from '../../reports/click-store.ts';
import { verifyClickToken } from '../../reports/click-token.ts';

export interface ClickRouteDeps {
  clicks: ClickStore;
  secrets: ReadonlyArray<{ version: number; key: string }>;
  /** A click this soon after the message was sent counts as a machine's (default 60 s). */
  machineWindowMs?: number;
  now?: () => number;
}

const params = z.object({
  campaign: z.string().regex(/^~?[a-z0-9][a-z0-9-]{0,99}$/),
  link: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/)
    .transform(Number),
  token: z.string().max(64),
});

export function clickRoutes(deps: ClickRouteDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    // GET answers HEAD too (Fastify's exposeHeadRoutes); the method tells them apart.
    app.get('/r/:campaign/:link/:token', async (request, reply) => {
      const parsed = params.safeParse(request.params);
      if (!parsed.success) return reply.callNotFound();
      const { campaign, link, token } = parsed.data;
      const url = await deps.clicks.linkUrl(campaign, link);
      if (!url) return reply.callNotFound();
      const claims = verifyClickToken(deps.secrets, campaign, token);
      const at = now();
      const kind = classifyClick({
        method: request.method,
        userAgent: request.headers['user-agent'],
        sentAt: claims?.sentAt ?? null,
        now: at,
        ...(deps.machineWindowMs !== undefined ? { machineWindowMs: deps.machineWindowMs } : {}),
      });
      if (claims && kind !== 'none') {
        // Counting must never keep a reader from the page: a Redis hiccup is logged, not shown.
        // The click is only held here; its count is committed by `serve` once a second
        // (commitEvery) and by any report before it reads, not by this request: committing on
        // every click cost a third of the route's Redis calls (bench tracking, docs/benchmarks.md).
        try {
          await deps.clicks.record(campaign, link, claims.reader, kind, at);
        } catch (error) {
          request.log.warn({ err: (error as Error).message }, 'click not counted');
        }
      }
      return reply.code(302).header('location', url).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
    });
  };
}
