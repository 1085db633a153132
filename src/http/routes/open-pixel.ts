// GET /o/:campaign/:token.gif: the open pixel of an issue whose newsletter counts opens
// (tracking.opens). Always the same 1×1 transparent GIF, never cached, whatever the token says:
// a damaged or forwarded one is simply not counted. Opens stay an estimate (README, "Opens"):
// Apple's privacy proxy fetches every image whether or not anyone reads, and a reader whose
// client blocks images opens unseen.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { classifyOpen } from '../../reports/click-classify.ts';
import type { ClickStore } from '../../reports/click-store.ts';
import { verifyClickToken } from '../../reports/click-token.ts';
import type { ClickRouteDeps } from './click-redirect.ts';

// The smallest transparent GIF: 1×1, one colour, transparent.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const params = z.object({
  campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/),
  file: z
    .string()
    .max(70)
    .regex(/^[^/]+\.gif$/),
});

export interface OpenRouteDeps {
  clicks: ClickStore;
  secrets: ClickRouteDeps['secrets'];
  machineWindowMs?: number;
  now?: () => number;
}

export function openRoutes(deps: OpenRouteDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  return async (app) => {
    app.get('/o/:campaign/:file', async (request, reply) => {
      const parsed = params.safeParse(request.params);
      if (!parsed.success) return reply.callNotFound();
      const { campaign, file } = parsed.data;
      const claims = verifyClickToken(deps.secrets, campaign, file.slice(0, -'.gif'.length));
      const kind = classifyOpen({
        method: request.method,
        userAgent: request.headers['user-agent'],
        sentAt: claims?.sentAt ?? null,
        now: now(),
        ...(deps.machineWindowMs !== undefined ? { machineWindowMs: deps.machineWindowMs } : {}),
      });
      if (claims && kind !== 'none') {
        // Counting must never break the message: a Redis hiccup is logged, the pixel still served.
        try {
          await deps.clicks.recordOpen(campaign, claims.reader, kind);
        } catch (error) {
          request.log.warn({ err: (error as Error).message }, 'open not counted');
        }
      }
      return (
        reply
          .code(200)
          .header('content-type', 'image/gif')
          .header('cache-control', 'no-store, private')
          .header('referrer-policy', 'no-referrer')
          // A webmail page shows it from another origin: the default same-origin policy would block it.
          .header('cross-origin-resource-policy', 'cross-origin')
          .send(PIXEL)
      );
    });
  };
}
