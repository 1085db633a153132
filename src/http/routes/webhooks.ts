// POST /webhooks/generic: a bounce or complaint reported after the SMTP conversation, by any
// provider or script that can send JSON: {"type":"bounce"|"complaint","email":…,"permanent":bool,
// "messageId"?: our Message-ID, "issueId"?}. Bearer WEBHOOK_TOKEN, its own secret (unset: the route is off, 404).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { issueOfMessageId, reportDelivery } from '../../use-cases/delivery-report.ts';
import { requireOwnToken } from '../admin-auth.ts';
import type { AppContext } from '../app-context.ts';
import { parseInput } from '../respond.ts';

const report = z
  .object({
    type: z.enum(['bounce', 'complaint']),
    email: z.string().min(3).max(320),
    permanent: z.boolean().optional(),
    messageId: z.string().max(400).optional(),
    issueId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be an issue id such as pretrain-weekly-064')
      .optional(),
  })
  .strict();

export function webhookRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post(
      '/webhooks/generic',
      { onRequest: requireOwnToken(ctx.config.webhookToken, 'WEBHOOK_TOKEN', 'POST /webhooks/generic', app.log) },
      async (request, reply) => {
        const body = parseInput(report, request.body, 'body');
        const issueId = body.issueId ?? issueOfMessageId(body.messageId);
        const outcome = await reportDelivery(ctx.leave, {
          type: body.type,
          email: body.email,
          ...(body.permanent !== undefined ? { permanent: body.permanent } : {}),
          ...(issueId ? { issueId } : {}),
        });
        request.log.info({ type: body.type, permanent: body.permanent ?? false, outcome: outcome.kind, issueId }, 'delivery report');
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .send({
            ok: true,
            outcome: outcome.kind,
            ...('count' in outcome ? { softBounces: outcome.count } : {}),
            ...(outcome.kind !== 'unknown-address' ? { issueCounted: outcome.issueCounted } : {}),
          });
      },
    );
  };
}
