// A send that paused itself because the SMTP server was unreachable (connection refused, no
// route: deliver-processor) waits here for the server to come back, then resumes by itself: an
// outage costs no message its attempts and needs no operator. Every worker process runs this
// loop, so the send resumes even when the worker that paused it is gone; the resume itself is a
// compare-and-set on the pause's kind, so several workers (or an operator's own pause) agree.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Mailer } from '../../mail/types.ts';
import { readSendStates, recentCampaignIds } from '../records/campaign-record.ts';
import { CampaignStateError, resumeCampaign, type ControlDeps } from '../control.ts';
import { shardKeys } from '../sends.ts';
import { CampaignNotFoundError } from '../status.ts';

/** Sends among the newest that can be waiting (older ones finished long ago). */
const RECENT = 200;

export interface SmtpRecovery {
  stop(): Promise<void>;
}

export function startSmtpRecovery(deps: ControlDeps & { mailer: Pick<Mailer, 'verify'>; log: Logger }, intervalMs: number): SmtpRecovery {
  const ac = new AbortController();

  async function once(): Promise<void> {
    const ids = await recentCampaignIds(deps.redis, deps.keys, RECENT);
    const states = await readSendStates(deps.redis, shardKeys(deps), ids);
    const waiting = ids.filter((_, i) => states[i]?.state === 'paused' && states[i]?.pausedUntil === 'smtp-reachable');
    if (!waiting.length) return;
    if (!(await deps.mailer.verify())) {
      deps.log.debug({ waiting }, 'SMTP server still unreachable; sends stay paused');
      return;
    }
    for (const campaignId of waiting) {
      try {
        await resumeCampaign(deps, campaignId, { onlyIfUntil: 'smtp-reachable' });
        deps.log.info({ campaignId }, 'SMTP server answers again: send resumed');
      } catch (error) {
        // Resumed by another worker or an operator meanwhile, or cancelled or gone: nothing to do.
        if (!(error instanceof CampaignStateError || error instanceof CampaignNotFoundError)) throw error;
      }
    }
  }

  const loop = (async () => {
    while (!ac.signal.aborted) {
      try {
        await sleep(intervalMs, undefined, { signal: ac.signal });
        await once();
      } catch (error) {
        if (ac.signal.aborted) return;
        deps.log.warn({ err: (error as Error).message }, 'checking for sends waiting on the SMTP server failed; trying again');
      }
    }
  })();

  return {
    async stop() {
      ac.abort();
      await loop;
    },
  };
}
