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
import { UserError } from '../errors.ts';
import { holdPause, readRunAndState, rescheduleRecord, resumeRecord, stopFanout, transition } from './records/campaign-record.ts';
import { isRecipientId } from '../redis/subscriber-id.ts';
import { deliverJobId, fanoutJobId, jobCampaignId } from './records/ids.ts';
import type { CampaignQueues } from './queue/queues.ts';
import type { Sends } from './sends.ts';
import { DEFAULT_SETTLE_TIMEOUT_MS, waitUntilSettled } from './withdraw.ts';
import { CampaignNotFoundError, getStatus } from './status.ts';
import type { CampaignState, CampaignStatus, DeliverJobData, PausedUntil, QueuedJobData } from './types.ts';

const RESUME_SECOND_PASS_MS = 500;

/** A send's partitions (sends.ts): each control acts on every partition's shard, as one send. */
export interface ControlDeps extends Pick<Sends, 'redis' | 'keys' | 'shards'> {
  /** Longest wait for the transactions under way when pausing or cancelling (default DEFAULT_SETTLE_TIMEOUT_MS). */
  settleTimeoutMs?: number;
}

/**
 * Waits until no claim of the campaign is in flight (a dead worker's is let go after its lock).
 * Returns the claims still in flight when the wait ran out (0 when it settled): those cannot
 * deliver any more (the final-dot check reads the new state), but the caller says so.
 */
async function settleInFlight(deps: ControlDeps, campaignId: string): Promise<number> {
  const inFlight = async () => (await Promise.all(deps.shards.map((s) => s.ledger.inFlightCount(campaignId)))).reduce((a, b) => a + b, 0);
  if (await waitUntilSettled(async () => (await inFlight()) > 0, deps.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS)) return 0;
  return inFlight();
}

/** The status after pause or cancel; `stillInFlight` when the wait for transactions ran out. */
export type ControlResult = CampaignStatus & { stillInFlight?: number };

async function resultAfterSettling(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  const stillInFlight = await settleInFlight(deps, campaignId);
  const status = await getStatus(deps, campaignId);
  return stillInFlight > 0 ? { ...status, stillInFlight } : status;
}

export class CampaignStateError extends UserError {
  override name = 'CampaignStateError';
  constructor(
    readonly campaignId: string,
    readonly state: string,
    action: string,
  ) {
    super(`cannot ${action} issue ${campaignId}: it is ${state}`);
  }
}

/**
 * Applies a record change to every partition's shard. It counts as done when any shard took
 * it (a shard already done refuses a pause, say, while the others pause); refused by all,
 * the error names the state of the send as a whole.
 */
async function changeEverywhere(
  deps: ControlDeps,
  campaignId: string,
  action: string,
  apply: (shard: ControlDeps['shards'][number]) => Promise<string | null>,
): Promise<void> {
  const results = await Promise.all(deps.shards.map(apply));
  const present = results.filter((r): r is string => r !== null);
  if (!present.length) throw new CampaignNotFoundError(campaignId);
  if (present.every((r) => r.startsWith('refused:'))) {
    const state = present.length === 1 ? present[0]!.slice('refused:'.length) : (await getStatus(deps, campaignId)).state;
    throw new CampaignStateError(campaignId, state, action);
  }
}

async function change(deps: ControlDeps, campaignId: string, action: string, to: CampaignState, from: CampaignState[]): Promise<void> {
  await changeEverywhere(deps, campaignId, action, (shard) => transition(deps.redis, shard.keys, campaignId, to, from));
}

export async function pauseCampaign(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  await change(deps, campaignId, 'pause', 'paused', ['sending', 'scheduled']);
  // A shard that had paused itself for the SMTP server is the operator's now too: when the
  // server answers again, the recovery loop must not resume that shard alone.
  for (const shard of deps.shards) await holdPause(deps.redis, shard.keys, campaignId);
  return resultAfterSettling(deps, campaignId);
}

/** `onlyIfUntil`: resume only a self-pause waiting for that (smtp-recovery); an operator's pause stays. */
export async function resumeCampaign(deps: ControlDeps, campaignId: string, opts: { onlyIfUntil?: PausedUntil } = {}): Promise<CampaignStatus> {
  await changeEverywhere(deps, campaignId, 'resume', (shard) => resumeRecord(deps.redis, shard.keys, campaignId, opts.onlyIfUntil));
  for (const shard of deps.shards) {
    // Everything may have finished while paused (the last messages in flight).
    if (!(await shard.ledger.campaignExists(campaignId))) continue;
    await shard.ledger.checkDone(campaignId);
    // A started fan-out that waited out the pause was handed back to the delayed set: run it now
    // (one not started yet is delayed until its --at time and stays so).
    const { run, fanoutStarted } = await readRunAndState(deps.redis, shard.keys, campaignId);
    const fanout = fanoutStarted ? await shard.queues.fanout.getJob(fanoutJobId(campaignId, run ?? 0)) : undefined;
    if (fanout && (await fanout.isDelayed())) await fanout.promote().catch(() => undefined);
    await promoteSetAside(shard.queues, campaignId);
  }
  // A job that read "paused" just before the state changed is set aside a moment later: look again.
  await new Promise((r) => setTimeout(r, RESUME_SECOND_PASS_MS));
  for (const shard of deps.shards) await promoteSetAside(shard.queues, campaignId);
  return getStatus(deps, campaignId);
}

/**
 * Moves a scheduled send to another start time (`at` now or earlier: it starts at once). Refused
 * once the send has started. The fan-out job waiting for the old time waits for the new one.
 */
export async function rescheduleCampaign(deps: ControlDeps, campaignId: string, at: Date): Promise<CampaignStatus> {
  await changeEverywhere(deps, campaignId, 'reschedule', (shard) => rescheduleRecord(deps.redis, shard.keys, campaignId, at));
  for (const shard of deps.shards) {
    const { run } = await readRunAndState(deps.redis, shard.keys, campaignId);
    const fanout = await shard.queues.fanout.getJob(fanoutJobId(campaignId, run ?? 0));
    if (!fanout || !(await fanout.isDelayed())) continue;
    const delay = at.getTime() - Date.now();
    // A job that started meanwhile cannot move: it is on its way, which is what "now" asks anyway.
    await (delay > 0 ? fanout.changeDelay(delay) : fanout.promote()).catch(() => undefined);
  }
  return getStatus(deps, campaignId);
}

/**
 * Cancels: no further message leaves; whatever the ledger still has as queued becomes skipped
 * (a message under way is withdrawn before its final dot, unless it was already accepted).
 */
export async function cancelCampaign(deps: ControlDeps, campaignId: string): Promise<ControlResult> {
  await change(deps, campaignId, 'cancel', 'cancelled', ['scheduled', 'sending', 'paused']);
  // The fan-out stops at its next chunk (a scheduled one is removed); from now on total is
  // what was registered.
  for (const shard of deps.shards) {
    const { run, state } = await readRunAndState(deps.redis, shard.keys, campaignId);
    if (state === null) continue;
    await stopFanout(deps.redis, shard.keys, campaignId);
    await shard.queues.fanout.remove(fanoutJobId(campaignId, run ?? 0)).catch(() => 0); // active: it stops by itself
    await shard.ledger.moveAll(campaignId, 'queued', 'skipped');
    // Its jobs not yet taken would otherwise drain one by one at the rate limit, sending nothing.
    await removeWaitingJobs(shard.queues, campaignId);
  }
  return resultAfterSettling(deps, campaignId);
}

/**
 * Removes a cancelled send's deliver jobs that no worker holds (waiting, delayed, prioritized).
 * The ledger already says skipped for each, so a job a worker takes meanwhile does nothing, and
 * one this misses still drains as a no-op. Returns how many it removed.
 */
export async function removeWaitingJobs(queues: CampaignQueues, campaignId: string): Promise<number> {
  const prefix = deliverJobId(campaignId, '');
  const mine = (id: string) => id.startsWith(prefix) && isRecipientId(id.slice(prefix.length));
  let removed = 0;
  const page = 1_000;
  for (let start = 0; ; start += page) {
    const ids = await queues.deliver.getRanges(['wait', 'delayed', 'prioritized'], start, start + page - 1, true);
    const results = await Promise.allSettled(ids.filter(mine).map((id) => queues.deliver.remove(id)));
    const gone = results.filter((r) => r.status === 'fulfilled' && r.value === 1).length;
    removed += gone;
    // Removing shifts the ranges: read the same page again while it gave some back.
    if (gone > 0) start -= page;
    else if (ids.length === 0) break;
  }
  return removed;
}

/** Promotes this campaign's delayed deliver jobs (set aside while paused, or waiting to retry). */
export async function promoteSetAside(queues: CampaignQueues, campaignId: string): Promise<number> {
  const mine: Job<DeliverJobData>[] = [];
  const page = 1_000;
  for (let start = 0; ; start += page) {
    const jobs = (await queues.deliver.getDelayed(start, start + page - 1)) as Job<DeliverJobData>[];
    for (const job of jobs) if (job && jobCampaignId(job.data as QueuedJobData<DeliverJobData>) === campaignId) mine.push(job);
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
