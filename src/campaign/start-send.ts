// Starting a send: record the campaign and queue its fan-out job (delayed for `--at`). The
// issue must be published first (publish.ts); a test send stores its own "[TEST]" copy.
// (sends.ts, beside it, is the other thing: the partitions' shards that every send is made of.)
import { UserError } from '../errors.ts';
import { parseStartTime, StartTimeError } from './start-time.ts';
import type { SubscriberStore } from '../subscribers/types.ts';
import { expireCampaign, readCampaign, readSend, startCampaign } from './records/campaign-record.ts';
import { fanoutJobId, testCampaignId, TEST_TTL_SECONDS } from './records/ids.ts';
import { asTestIssue, storeTestCopy } from './records/publish.ts';
import { FANOUT_JOB_OPTIONS } from './queue/queues.ts';
import { shardKeys, type Sends, type SendShard } from './sends.ts';
import type { CampaignRecord, CampaignState, PublishedIssue } from './types.ts';

export interface SendDeps extends Pick<Sends, 'redis' | 'keys' | 'shards'> {
  store: SubscriberStore;
}

export interface SendStarted {
  campaignId: string;
  state: 'scheduled' | 'sending';
  /** Recipients counted now (active subscribers of the list, or the test addresses). */
  expected: number;
  scheduledAt?: string;
}

const RUNNING: CampaignState[] = ['scheduled', 'sending', 'paused'];

/** Sending an issue that is done again: nothing changes; the message says when and to how many it went. */
export class AlreadySentError extends UserError {
  override name = 'AlreadySentError';
  constructor(
    readonly record: CampaignRecord,
    issueFile = `emails/issues/${record.issueId}.yaml`,
  ) {
    const c = record;
    super(
      `issue ${c.campaignId} was already sent${c.finishedAt ? ` (finished ${c.finishedAt})` : ''}: ${c.sent} sent of ${c.total}` +
        ` (${c.failed} failed, ${c.bounced} bounced, ${c.skipped} skipped, ${c.unknown} unknown); nothing was changed.` +
        ` To send it to subscribers who joined since: newsletter send ${issueFile} --new-subscribers` +
        (c.failed + c.skipped > 0 ? `; to try the failed and skipped again: --retry-failed` : ''),
    );
  }
}

/** A send of the issue is scheduled, sending or paused: another would race it. */
export class SendRunningError extends UserError {
  override name = 'SendRunningError';
}

/**
 * The issue's send so far (null when there was none); refuses while one is scheduled, sending
 * or paused (a second send of it then would race the first). Refusing, it first mends a shard
 * left without its fan-out (mendLostFanouts), so that sending again is the way out of a start
 * cut short, and says so.
 */
export async function previousSend(sends: Pick<Sends, 'redis' | 'shards'>, campaignId: string): Promise<CampaignRecord | null> {
  const existing = await readSend(sends.redis, shardKeys(sends), campaignId);
  if (existing && RUNNING.includes(existing.state)) {
    const mend = await mendLostFanouts(sends, campaignId);
    const partitions = `${sends.shards.length} partition${sends.shards.length === 1 ? '' : 's'}`;
    const said = mend.unstarted.length
      ? ` Its start was cut short before partition${mend.unstarted.length === 1 ? '' : 's'} ${mend.unstarted.join(', ')} of ${partitions} had this send: cancel it (newsletter cancel ${campaignId}), then send again; nobody it has as sent gets it twice.`
      : mend.requeued
        ? ` Its fan-out was missing (the start was cut short, or the fan-out failed for good) for ${mend.requeued} of ${partitions}: queued again, it goes on from where it stopped.`
        : '';
    throw new SendRunningError(
      `issue ${campaignId} is already ${existing.state}; see: newsletter status ${campaignId} (pause, resume or cancel it first).${said}`,
    );
  }
  return existing;
}

export interface FanoutMend {
  /** Shares whose fan-out was queued again. */
  requeued: number;
  /** Partitions the start never reached (no shard of this run): nothing was queued then. */
  unstarted: number[];
}

/**
 * A running send whose fan-out job is gone in a shard whose fan-out is not done: the start was
 * cut short between writing the shard and queueing its fan-out (process killed, Redis lost), or
 * the fan-out used up its attempts. Such a shard's fan-out is queued again under the same run
 * and job id (so one that is still queued is never doubled) and resumes from its saved cursor.
 * A start cut short before every partition had its shard of this run (one missing, or left at
 * an earlier run) is not mended here: queueing the rest would end the send as done without
 * those partitions' subscribers. Those partitions are reported instead.
 */
export async function mendLostFanouts(sends: Pick<Sends, 'redis' | 'shards'>, campaignId: string): Promise<FanoutMend> {
  const records = await Promise.all(sends.shards.map((shard) => readCampaign(sends.redis, shard.keys, campaignId)));
  const run = Math.max(...records.map((record) => record?.run ?? 0));
  const unstarted = sends.shards.filter((_, i) => (records[i]?.run ?? 0) < run).map((shard) => shard.partition);
  if (unstarted.length) return { requeued: 0, unstarted };
  let requeued = 0;
  for (const [i, shard] of sends.shards.entries()) {
    const record = records[i]!;
    if (record.fanoutDone || !RUNNING.includes(record.state)) continue;
    if (await shard.queues.fanout.getJob(fanoutJobId(campaignId, record.run))) continue;
    // Read again: a fan-out that finished since the first read has marked its shard done before
    // its job went away, and is not lost (seen under load: a busy machine widens that window).
    const now = await readCampaign(sends.redis, shard.keys, campaignId);
    if (!now || now.fanoutDone || !RUNNING.includes(now.state) || now.run !== record.run) continue;
    const at = record.state === 'scheduled' && record.scheduledAt ? new Date(record.scheduledAt) : undefined;
    await enqueueFanout(shard, campaignId, record.run, at);
    requeued++;
  }
  return { requeued, unstarted: [] };
}

/**
 * `--at` (CLI) or `at` (API): an ISO date and time, read in the newsletter's time zone when it
 * has no offset, as the console reads its start-time field. Errors in the command line's words.
 */
export function parseSendAt(at: string | undefined, timeZone = 'UTC', now = Date.now()): Date | undefined {
  if (at === undefined) return undefined;
  try {
    const when = parseStartTime(at, timeZone, now);
    if (when) return when;
  } catch (error) {
    if (!(error instanceof StartTimeError)) throw error;
    if (error.reason === 'past') throw new UserError(`--at ${at} is in the past`);
  }
  throw new UserError(
    `--at "${at}" is not a date and time; write e.g. 2026-12-08T08:00 (read in ${timeZone}, the newsletter's time zone) or with an offset, 2026-12-08T08:00+08:00`,
  );
}

async function enqueueFanout(shard: SendShard, campaignId: string, run: number, at: Date | undefined): Promise<void> {
  const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
  await shard.queues.fanout.add('fanout', { campaignId, run }, { ...FANOUT_JOB_OPTIONS, jobId: fanoutJobId(campaignId, run), delay });
}

/**
 * Sends a published issue to its list. A second send of the same issue continues its ledger:
 * whoever it has as sent (or bounced, or unknown) gets nothing again. An issue that is done is
 * refused (AlreadySentError) unless `onlyNew`, which adds only subscribers it never had, or
 * `retryFailed`, which tries again those it has as failed or skipped.
 */
export async function startListSend(
  deps: SendDeps,
  published: PublishedIssue,
  opts: { at?: Date; onlyNew?: boolean; retryFailed?: boolean } = {},
): Promise<SendStarted> {
  const campaignId = published.issueId;
  const previous = await previousSend(deps, campaignId);
  // retryFailed: the same ledger again, so only its failed and skipped entries get new jobs.
  if (previous?.state === 'done' && !opts.onlyNew && !opts.retryFailed) throw new AlreadySentError(previous);
  // With --new-subscribers the earlier run's total stands; the new ones are added as found.
  const existing = opts.onlyNew ? previous : null;
  const expected = existing ? existing.total : ((await deps.store.countByStatus(published.listId)).active ?? 0);
  const state = opts.at && opts.at.getTime() > Date.now() ? 'scheduled' : 'sending';
  const scheduledAt = state === 'scheduled' ? opts.at!.toISOString() : undefined;
  // Every partition gets its shard of the send and its own fan-out over its own subscribers.
  // The list's count is deployment-wide: the first shard carries it (the status sums them).
  // Every shard's record is written before any fan-out is queued: a start cut short never
  // leaves one shard running (and finishing as "done") while another does not exist.
  const runs: number[] = [];
  for (const shard of deps.shards) {
    runs.push(
      await startCampaign(deps.redis, shard.keys, {
        campaignId,
        issueId: published.issueId,
        mode: 'list',
        listId: published.listId,
        contentHash: published.contentHash,
        state,
        expected: shard.partition === 0 ? expected : 0,
        ...(opts.onlyNew && existing ? { onlyNew: true } : {}),
        ...(scheduledAt ? { scheduledAt } : {}),
      }),
    );
  }
  for (const [i, shard] of deps.shards.entries()) await enqueueFanout(shard, campaignId, runs[i]!, opts.at);
  return { campaignId, state, expected, ...(scheduledAt ? { scheduledAt } : {}) };
}

/**
 * Sends to the given addresses only, as its own campaign `<issueId>~test-<ms>`: subject marked
 * "[TEST] ", nothing recorded in the real list's ledger, kept for a week.
 */
export async function startTestSend(deps: SendDeps, published: PublishedIssue, addresses: string[], opts: { at?: Date } = {}): Promise<SendStarted> {
  if (!addresses.length) throw new UserError('--test needs at least one address');
  const campaignId = testCampaignId(published.issueId);
  const copy = asTestIssue(published);
  const { redis, keys: k } = deps;
  // A test send's recipients are no subscribers: it lives in the first partition only.
  const shard = deps.shards[0]!;
  await storeTestCopy(redis, k, campaignId, copy, TEST_TTL_SECONDS);
  const state = opts.at && opts.at.getTime() > Date.now() ? 'scheduled' : 'sending';
  const scheduledAt = state === 'scheduled' ? opts.at!.toISOString() : undefined;
  const run = await startCampaign(redis, shard.keys, {
    campaignId,
    issueId: published.issueId,
    mode: 'test',
    listId: published.listId,
    contentHash: copy.contentHash,
    state,
    expected: addresses.length,
    testRecipients: addresses,
    ...(scheduledAt ? { scheduledAt } : {}),
  });
  await expireCampaign(redis, shard.keys, campaignId, TEST_TTL_SECONDS);
  await enqueueFanout(shard, campaignId, run, opts.at);
  return { campaignId, state, expected: addresses.length, ...(scheduledAt ? { scheduledAt } : {}) };
}
