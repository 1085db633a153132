// Admin API for sends (behind the bearer token, registered under /api): the status of an
// issue's send, and pause / resume / cancel — the same operations as the CLI commands.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { cancelCampaign, CampaignStateError, pauseCampaign, resumeCampaign, type ControlDeps } from '../../campaign/control.ts';
import { isCampaignId } from '../../campaign/ids.ts';
import { Ledger } from '../../campaign/ledger.ts';
import { createCampaignQueues } from '../../campaign/queues.ts';
import { CampaignNotFoundError, getStatus } from '../../campaign/status.ts';
import type { CampaignStatus } from '../../campaign/types.ts';
import type { AppContext } from '../app-context.ts';
import { HttpInputError, parseInput } from '../respond.ts';

const params = z.object({
  issueId: z.string().max(160).refine(isCampaignId, 'must be an issue id such as pretrain-weekly-064'),
});

const ACTIONS = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;

/** Campaign errors become 404 (no such send) and 409 (not possible in its current state). */
async function answer(run: () => Promise<CampaignStatus>): Promise<CampaignStatus> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CampaignNotFoundError) throw new HttpInputError(404, error.message, 'issueId');
    if (error instanceof CampaignStateError) throw new HttpInputError(409, error.message);
    throw error;
  }
}

export function adminCampaignRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Queue handles over the app's connection (not closed with them): used to promote jobs on resume.
    const queues = createCampaignQueues(ctx.redis, ctx.config.keyPrefix);
    const deps: ControlDeps = { redis: ctx.redis, keys: ctx.keys, queues, ledger: new Ledger(ctx.redis, ctx.keys) };
    app.addHook('onClose', async () => queues.close());

    app.get('/campaigns/:issueId', async (request) => {
      const { issueId } = parseInput(params, request.params, 'params');
      return answer(() => getStatus(ctx.redis, ctx.keys, issueId));
    });

    for (const [action, run] of Object.entries(ACTIONS)) {
      app.post(`/campaigns/:issueId/${action}`, async (request) => {
        const { issueId } = parseInput(params, request.params, 'params');
        return answer(() => run(deps, issueId));
      });
    }
  };
}
