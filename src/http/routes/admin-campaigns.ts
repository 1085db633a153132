// Admin API for sends (behind the bearer token, registered under /api): list the recent sends,
// start one (publish and send, schedule, only new subscribers, retry the failed), a test send,
// the status of an issue's send, and pause / resume / cancel. The same use cases as the CLI
// commands and the console.
import { actorAllows } from '../../team/actor.ts';
import { audit } from '../audit.ts';
import { ClickStore } from '../../reports/click-store.ts';
import { issueReport } from '../../use-cases/issue-report.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { cancelCampaign, CampaignStateError, pauseCampaign, resumeCampaign, type ControlDeps } from '../../campaign/control.ts';
import { isCampaignId } from '../../campaign/records/ids.ts';
import { AlreadySentError, parseSendAt, SendRunningError } from '../../campaign/start-send.ts';
import { CampaignNotFoundError, getStatus } from '../../campaign/status.ts';
import { UserError } from '../../errors.ts';
import { recentSends } from '../../use-cases/issue-overview.ts';
import { existingIssueFile, LintFailedError, loadPublishableIssue, UnknownIssueError } from '../../use-cases/publishable-issue.ts';
import { sendIssue } from '../../use-cases/send-issue.ts';
import { testSendIssue } from '../../use-cases/test-send.ts';
import type { AppContext } from '../app-context.ts';
import { HttpInputError, parseInput } from '../respond.ts';

const params = z.object({
  issueId: z.string().max(160).refine(isCampaignId, 'must be an issue id such as pretrain-weekly-064'),
});

const sendBody = z
  .object({
    at: z.string().max(64).optional(),
    force: z.boolean().optional(),
    onlyNew: z.boolean().optional(),
    retryFailed: z.boolean().optional(),
  })
  .strict();

const testSendBody = z
  .object({
    to: z.union([z.string().max(320), z.array(z.string().max(320)).max(100)]),
    at: z.string().max(64).optional(),
  })
  .strict();

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

/** The input schemas, for the OpenAPI description (routes/openapi.ts). */
export const campaignSchemas = { params, sendBody, testSendBody, listQuery };

const ACTIONS = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;

/** Campaign errors become 404 (no such send or issue), 409 (not possible now) and 422 (the input). */
async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CampaignNotFoundError || error instanceof UnknownIssueError) throw new HttpInputError(404, error.message, 'issueId');
    if (error instanceof CampaignStateError || error instanceof AlreadySentError || error instanceof SendRunningError)
      throw new HttpInputError(409, error.message);
    if (error instanceof LintFailedError) throw new HttpInputError(422, error.message, undefined, { findings: error.findings });
    if (error instanceof UserError) throw new HttpInputError(422, error.message);
    throw error;
  }
}

export function adminCampaignRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const deps: ControlDeps = ctx.sends;
    const sendDeps = { ...ctx.sends, store: ctx.store, publicUrl: ctx.config.publicUrl };

    /** The issue file of `issueId`, loaded and rendered; 404 when there is none. */
    async function publishable(issueId: string) {
      return loadPublishableIssue(await existingIssueFile(ctx.config.emailsDir, issueId), { assetsUrl: ctx.config.assetsUrl });
    }

    app.get('/campaigns', async (request) => {
      const { limit } = parseInput(listQuery, request.query, 'query');
      return { sends: await recentSends(ctx.sends, limit) };
    });

    app.get('/campaigns/:issueId', async (request) => {
      const { issueId } = parseInput(params, request.params, 'params');
      return answer(() => getStatus(ctx.sends, issueId));
    });

    app.get('/campaigns/:issueId/report', async (request) => {
      const { issueId } = parseInput(params, request.params, 'params');
      return answer(() => issueReport({ sends: ctx.sends, clicks: new ClickStore(ctx.redis, ctx.keys) }, issueId));
    });

    /** Publish and send (or schedule) `issueId`: the CLI's `send`, by id. */
    function startSend(issueId: string, body: z.infer<typeof sendBody>, request: FastifyRequest, reply: FastifyReply) {
      return answer(async () => {
        const { published, newsletter } = await publishable(issueId);
        // The guard saw the path's issue (or none: POST /campaigns names it in the body); the send
        // goes to the newsletter the file names, which the token's member must be allowed to send.
        if (request.actor && !actorAllows(request.actor, 'campaigns:send', newsletter.id))
          throw new HttpInputError(403, `This token's member may not do this (their role does not allow "campaigns:send" for ${newsletter.id}).`);
        const at = parseSendAt(body.at, newsletter.timeZone);
        let recipients = 0;
        const outcome = await sendIssue(sendDeps, {
          published,
          ...(at ? { at } : {}),
          ...(body.force ? { force: true } : {}),
          ...(body.onlyNew ? { onlyNew: true } : {}),
          ...(body.retryFailed ? { retryFailed: true } : {}),
          confirm: async (q) => {
            recipients = q.recipients;
            return true;
          },
        });
        if (outcome.kind === 'already-sent') throw new AlreadySentError(outcome.record);
        if (outcome.kind === 'not-confirmed') throw new UserError('not sent');
        reply.code(202);
        audit(request, body.at ? 'schedule' : 'send', issueId, { recipients, via: 'api' });
        return { issueId, publish: outcome.publish, resend: outcome.resend, ...outcome.started };
      });
    }

    app.post('/campaigns/:issueId/send', async (request, reply) => {
      const { issueId } = parseInput(params, request.params, 'params');
      return startSend(issueId, parseInput(sendBody, request.body, 'body'), request, reply);
    });

    // The same with the issue id in the body: {"issueId": "pretrain-weekly-064", "at"?: …}.
    app.post('/campaigns', async (request, reply) => {
      const { issueId, ...body } = parseInput(sendBody.extend({ issueId: params.shape.issueId }), request.body, 'body');
      return startSend(issueId, body, request, reply);
    });

    app.post('/campaigns/:issueId/test-send', async (request, reply) => {
      const { issueId } = parseInput(params, request.params, 'params');
      const body = parseInput(testSendBody, request.body, 'body');
      return answer(async () => {
        const { published, newsletter } = await publishable(issueId);
        const at = parseSendAt(body.at, newsletter.timeZone);
        const started = await testSendIssue(sendDeps, published, typeof body.to === 'string' ? [body.to] : body.to, at ? { at } : {});
        reply.code(202);
        audit(request, 'test-send', issueId, { via: 'api' });
        return { issueId, ...started };
      });
    });

    for (const [action, run] of Object.entries(ACTIONS)) {
      app.post(`/campaigns/:issueId/${action}`, async (request) => {
        const { issueId } = parseInput(params, request.params, 'params');
        const done = await answer(() => run(deps, issueId));
        if (action === 'pause' || action === 'resume' || action === 'cancel') audit(request, action, issueId, { via: 'api' });
        return done;
      });
    }
  };
}
