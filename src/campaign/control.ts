// Pause, resume and cancel a send.
//
// All issues share one deliver queue (so the global rate limit really is global, and workers
// need not discover per-issue queues), so pausing cannot pause the queue. Instead the state
// lives in the campaign hash and the ledger's claim script reads it atomically right before
// each message and again before each final dot, and `pause` and `cancel` return only once the
// claims already made are over (delivered and counted, or withdrawn before their dot): from
// then on no message of this issue is delivered. Jobs that meet a paused issue go back to the
// delayed set; `resume` promotes them so the send continues at once.
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import type { Keys } from '../redis/keys.ts';
import { readRunAndState, resumeRecord, stopFanout, transition } from './campaign-record.ts';
import { fanoutJobId } from './ids.ts';
import type { Ledger } from './ledger.ts';
import type { CampaignQueues } from './queues.ts';
import { DEFAULT_SETTLE_TIMEOUT_MS, waitUntilSettled } from './withdraw.ts';
import { CampaignNotFoundError, getStatus } from './status.ts';
import type { CampaignState, CampaignStatus, DeliverJobData, PausedUntil } from './types.ts';

const RESUME_SECOND_PASS_MS = 500;

export interface ControlDeps {
  redis: Redis;
  keys: Keys;
  queues: CampaignQueues;
  ledger: Ledger;
  /** Longest wait for the transactions under way when pausing or cancelling (default DEFAULT_SETTLE_TIMEOUT_MS). */
  settleTimeoutMs?: number;
}

/**
 * Waits until no claim of the campaign is in flight (a dead worker's is let go after its lock).
 * Returns the claims still in flight when the wait ran out (0 when it settled): those cannot
 * deliver any more (the final-dot check reads the new state), but the caller says so.
 */
async function settleInFlight(deps: ControlDeps, campaignId: string): Promise<number> {
  if (await waitUntilSettled(async () => (await deps.ledger.inFlightCount(campaignId)) > 0, deps.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS)) return 0;
  return deps.ledger.inFlightCount(campaignId);
}

/** The status after pause or cancel; `stillInFlight` when the wait for transactions ran out. */
export type ControlResult = CampaignStatus & { stillInFlight?: number };

async function resultAfterSettling(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  const stillInFlight = await settleInFlight(deps, campaignId);
  const status = await getStatus(deps.redis, deps.keys, campaignId);
  return stillInFlight > 0 ? { ...status, stillInFlight } : status;
}

export class CampaignStateError extends UserError {
  override name = 'CampaignStateError';
  constructor(readonly campaignId: string, readonly state: string, action: string) {
    super(`cannot ${action} issue ${campaignId}: it is ${state}`);
  }
}

async function change(deps: ControlDeps, campaignId: string, action: string, to: CampaignState, from: CampaignState[]): Promise<void> {
  const previous = await transition(deps.redis, deps.keys, campaignId, to, from);
  if (previous === null) throw new CampaignNotFoundError(campaignId);
  if (previous.startsWith('refused:')) throw new CampaignStateError(campaignId, previous.slice('refused:'.length), action);
}

export async function pauseCampaign(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  await change(deps, campaignId, 'pause', 'paused', ['sending', 'scheduled']);
  return resultAfterSettling(deps, campaignId);
}

/** `onlyIfUntil`: resume only a self-pause waiting for that (smtp-recovery); an operator's pause stays. */
export async function resumeCampaign(deps: ControlDeps, campaignId: string, opts: { onlyIfUntil?: PausedUntil } = {}): Promise<CampaignStatus> {
  const previous = await resumeRecord(deps.redis, deps.keys, campaignId, opts.onlyIfUntil);
  if (previous === null) throw new CampaignNotFoundError(campaignId);
  if (previous.startsWith('refused:')) throw new CampaignStateError(campaignId, previous.slice('refused:'.length), 'resume');
  // Everything may have finished while paused (the last messages in flight).
  await deps.ledger.checkDone(campaignId);
  // A started fan-out that waited out the pause was handed back to the delayed set: run it now
  // (one not started yet is delayed until its --at time and stays so).
  const { run, fanoutStarted } = await readRunAndState(deps.redis, deps.keys, campaignId);
  const fanout = fanoutStarted ? await deps.queues.fanout.getJob(fanoutJobId(campaignId, run ?? 0)) : undefined;
  if (fanout && (await fanout.isDelayed())) await fanout.promote().catch(() => undefined);
  await promoteSetAside(deps.queues, campaignId);
  // A job that read "paused" just before the state changed is set aside a moment later: look again.
  await new Promise((r) => setTimeout(r, RESUME_SECOND_PASS_MS));
  await promoteSetAside(deps.queues, campaignId);
  return getStatus(deps.redis, deps.keys, campaignId);
}

/**
 * Cancels: no further message leaves; whatever the ledger still has as queued becomes skipped
 * (a message under way is withdrawn before its final dot, unless it was already accepted).
 */
export async function cancelCampaign(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  await change(deps, campaignId, 'cancel', 'cancelled', ['scheduled', 'sending', 'paused']);
  // The fan-out stops at its next chunk (a scheduled one is removed); from now on total is
  // what was registered.
  const { run } = await readRunAndState(deps.redis, deps.keys, campaignId);
  await stopFanout(deps.redis, deps.keys, campaignId);
  await deps.queues.fanout.remove(fanoutJobId(campaignId, run ?? 0)).catch(() => 0); // active: it stops by itself
  await deps.ledger.moveAll(campaignId, 'queued', 'skipped');
  // Jobs set aside by a pause would otherwise sit in the delayed set; let them drain as no-ops.
  await promoteSetAside(deps.queues, campaignId);
  return resultAfterSettling(deps, campaignId);
}

/** Promotes this campaign's delayed deliver jobs (set aside while paused, or waiting to retry). */
export async function promoteSetAside(queues: CampaignQueues, campaignId: string): Promise<number> {
  const mine: Job<DeliverJobData>[] = [];
  const page = 1_000;
  for (let start = 0; ; start += page) {
    const jobs = (await queues.deliver.getDelayed(start, start + page - 1)) as Job<DeliverJobData>[];
    for (const job of jobs) if (job?.data?.issueId === campaignId) mine.push(job);
    if (jobs.length < page) break;
  }
  let promoted = 0;
  for (let i = 0; i < mine.length; i += 100) {
    // A job may have left the delayed set meanwhile (promoted by its timer): that is fine.
    const results = await Promise.allSettled(mine.slice(i, i + 100).map((job) => job.promote()));
    promoted += results.filter((r) => r.status === 'fulfilled').length;
  }
  return promoted;
}
