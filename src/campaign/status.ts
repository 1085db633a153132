// The numbers `status` shows. They always add up: queued + sent + failed + bounced + skipped +
// unknown = total, where total is the list's active subscribers counted when the send started
// (more if others joined before the fan-out reached the end of the list).
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors.ts';
import { readSend } from './records/campaign-record.ts';
import { shardKeys, type SendReader } from './sends.ts';
import type { CampaignRecord, CampaignState, CampaignStatus } from './types.ts';

export class CampaignNotFoundError extends UserError {
  override name = 'CampaignNotFoundError';
  constructor(readonly campaignId: string) {
    super(`no send of issue "${campaignId}" was found; start one with: newsletter send emails/issues/${campaignId.split('~')[0]}.yaml`);
  }
}

export function toStatus(c: CampaignRecord): CampaignStatus {
  // `expected` is the list's active subscribers when the send started: total never drops
  // below it. Once the fan-out is over (done, or stopped by cancel), those it never reached
  // (they left first, or the send was cancelled) are counted skipped, so the numbers add up.
  const unreached = c.fanoutDone && c.mode === 'list' ? Math.max(0, c.expected - c.total) : 0;
  const skipped = c.skipped + unreached;
  const settled = c.sent + c.failed + c.bounced + skipped + c.unknown;
  const total = Math.max(c.total, c.expected, settled);
  return {
    issueId: c.campaignId,
    state: c.state,
    total,
    queued: Math.max(0, total - settled),
    sent: c.sent,
    failed: c.failed,
    bounced: c.bounced,
    skipped,
    unknown: c.unknown,
    possibleDuplicates: c.possibleDuplicates,
    ...(c.state === 'paused' && c.pausedReason ? { pausedReason: c.pausedReason } : {}),
    ...(c.state === 'paused' && c.pausedUntil ? { resumesBySelf: true } : {}),
    ...(c.scheduledAt ? { scheduledAt: c.scheduledAt } : {}),
    ...(c.startedAt ? { startedAt: c.startedAt } : {}),
    ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}),
    ...(c.lateBounces ? { lateBounces: c.lateBounces } : {}),
    ...(c.complaints ? { complaints: c.complaints } : {}),
    ...(c.unsubscribes ? { unsubscribes: c.unsubscribes } : {}),
  };
}

/** A send in one of these states will not change by itself any more. */
export function isFinished(state: CampaignState): boolean {
  return state === 'done' || state === 'cancelled';
}

/**
 * Reads the status every `intervalMs` and hands each reading to `onStatus` (which may throw to
 * stop watching) until the send is done or cancelled; resolves with the last reading.
 */
export async function watchCampaign(
  sends: SendReader,
  campaignId: string,
  intervalMs: number,
  onStatus: (status: CampaignStatus) => void,
  /** Called once when there is no send yet: then it waits for one instead of failing. */
  onWaiting?: () => void,
): Promise<CampaignStatus> {
  let waiting = false;
  for (;;) {
    let status: CampaignStatus;
    try {
      status = await getStatus(sends, campaignId);
    } catch (error) {
      if (!(error instanceof CampaignNotFoundError) || !onWaiting) throw error;
      if (!waiting) onWaiting();
      waiting = true;
      await sleep(intervalMs);
      continue;
    }
    onStatus(status);
    if (isFinished(status.state)) return status;
    await sleep(intervalMs);
  }
}

export async function getStatus(sends: SendReader, campaignId: string): Promise<CampaignStatus> {
  const status = await findStatus(sends, campaignId);
  if (!status) throw new CampaignNotFoundError(campaignId);
  return status;
}

/** The status over every partition, or null when there is no such send (never sent, or a test send that expired). */
export async function findStatus(sends: SendReader, campaignId: string): Promise<CampaignStatus | null> {
  const record = await readSend(sends.redis, shardKeys(sends), campaignId);
  return record ? toStatus(record) : null;
}
