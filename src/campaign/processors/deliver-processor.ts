// One deliver job = one (campaign, subscriber). The job carries ids only; everything is
// refetched and checked right before sending, in one step (the ledger's claim): is the send
// paused or cancelled, is the subscriber still active in the list, does the ledger already
// have them? Then the prepared MIME is spliced for them, sent over the pooled SMTP transport,
// and the outcome recorded.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { MessageBufferLease, MessageBuffers } from '../../mail/message-buffers.ts';
import type { BuiltMessage, DeliveryOutcome, Mailer } from '../../mail/types.ts';
import type { SubscriberStore } from '../../subscribers/types.ts';
import { isRecipientId } from '../../redis/subscriber-id.ts';
import { jobCampaignId, TEST_UNSUBSCRIBE_TOKEN, testRecipientIndex } from '../records/ids.ts';
import { CampaignGoneError, type CampaignContext, type IssueCache, type MimeRecipient } from './issue-cache.ts';
import type { DomainOutcome, Ledger } from '../records/ledger.ts';
import type { DeliverJobData, FinalState, PausedUntil, QueuedJobData } from '../types.ts';

export interface DeliverDeps {
  /** Only written to here (a bounce suppresses the address); the claim reads the subscriber. */
  store: SubscriberStore;
  ledger: Ledger;
  cache: IssueCache;
  mailer: Mailer;
  /** Signs the personal unsubscribe token (src/subscribers/tokens.ts signListToken, bound to the secrets). */
  signToken: (subscriberId: string, listId: string) => string;
  /** Pauses the send with a reason (campaign-record pauseForReason); true when this call paused it. */
  pauseSend: (campaignId: string, reason: string, until?: PausedUntil) => Promise<boolean>;
  log: Logger;
  /** Told how long each SMTP transaction took and how it ended (the worker's latency histogram). */
  onSmtpReply?: (outcome: string, seconds: number) => void;
  /** Where messages are built, when given: reused once the server accepted the one before (message-buffers.ts). */
  buffers?: MessageBuffers;
}

export interface DeliverOptions {
  /**
   * A job of a paused send goes back to the delayed set for this long (± 25 %) before it is
   * looked at again; `resume` promotes those jobs at once, so this only bounds idle churn.
   * Default 30,000 ms.
   */
  pauseRecheckMs: number;
}

export const DEFAULT_DELIVER: DeliverOptions = { pauseRecheckMs: 30_000 };

/**
 * Waits between tries to record an outcome SMTP already gave (≈3 s in all, well under the
 * default 10 s lock): a lost record would make the retry re-send the message.
 */
const FINISH_RETRY_MS = [100, 200, 400, 800, 1_600];

/** What a deliver job ends with (its BullMQ return value, removed on completion). */
export type DeliverResult = FinalState;

export function createDeliverProcessor(deps: DeliverDeps, options: Partial<DeliverOptions> = {}) {
  const opts = { ...DEFAULT_DELIVER, ...options };
  const { store, ledger, cache, mailer, log } = deps;

  /** A test send's recipient (its address list is in the campaign), or null when the index is past it. */
  function testRecipient(ctx: CampaignContext, subscriberId: string): MimeRecipient | null {
    const email = ctx.campaign.testRecipients[testRecipientIndex(subscriberId)];
    return email ? { subscriberId, email, unsubscribeToken: TEST_UNSUBSCRIBE_TOKEN } : null;
  }

  /** The report's count by receiving domain; a Redis error here only loses that count, never the message's outcome. */
  async function countAtDomain(campaignId: string, email: string, kind: DomainOutcome): Promise<void> {
    await ledger
      .countAtDomain(campaignId, email, kind)
      .catch((error: Error) => log.warn({ campaignId, err: error.message }, 'could not count a delivery outcome by domain'));
  }

  /** ledger.finish, retried locally on a Redis error; see FINISH_RETRY_MS. */
  async function record(campaignId: string, subscriberId: string, state: FinalState): Promise<FinalState> {
    for (let i = 0; ; i++) {
      try {
        return await ledger.finish(campaignId, subscriberId, state);
      } catch (error) {
        const delay = FINISH_RETRY_MS[i];
        if (delay === undefined) {
          // The marker stays: the job's retry finds it, sends again and counts a possible duplicate.
          log.error(
            { campaignId, subscriberId, state, err: (error as Error).message },
            'could not record a delivery outcome; the retry will be counted as in doubt',
          );
          throw error;
        }
        log.warn({ campaignId, subscriberId, state, err: (error as Error).message }, 'recording a delivery outcome failed; trying again');
        await sleep(delay);
      }
    }
  }

  return async function deliver(job: Job<DeliverJobData>, token?: string): Promise<DeliverResult> {
    const data = job.data as QueuedJobData<DeliverJobData> | undefined;
    const campaignId = jobCampaignId(data);
    if (!data || !campaignId || !isRecipientId(data.subscriberId)) {
      throw new UnrecoverableError(`deliver job ${job.id}: bad data ${JSON.stringify(job.data)?.slice(0, 200)}`);
    }
    const subscriberId = data.subscriberId;
    const attemptId = token ?? randomUUID();

    let ctx: CampaignContext;
    try {
      ctx = await cache.get(campaignId);
    } catch (error) {
      if (error instanceof CampaignGoneError) throw new UnrecoverableError(error.message);
      throw error;
    }
    // A list send's claim reads the subscriber itself (still active, still in the list?).
    const listId = ctx.campaign.mode === 'test' ? null : ctx.campaign.listId;
    const tester = listId === null ? testRecipient(ctx, subscriberId) : null;
    const claim = await ledger.claim(campaignId, subscriberId, attemptId, listId === null ? tester !== null : { listId });
    switch (claim.outcome) {
      case 'claimed':
        break;
      case 'in-doubt':
        log.warn({ campaignId, subscriberId, jobId: job.id }, 'in doubt: an earlier attempt died mid-send; sending again (counted as a possible duplicate)');
        break;
      case 'paused': {
        // The deliver queue is shared by all issues, so a paused issue's jobs are set aside here.
        const delay = Math.round(opts.pauseRecheckMs * (0.75 + Math.random() * 0.5));
        await job.moveToDelayed(Date.now() + delay, token);
        throw new DelayedError();
      }
      case 'missing':
        throw new UnrecoverableError(`campaign ${campaignId} does not exist any more`);
      default:
        // Already final (sent before, skipped now because they left, or the send was cancelled).
        return claim.outcome;
    }

    let outcome: DeliveryOutcome;
    let recipientEmail = '';
    const held: { lease?: MessageBufferLease } = {};
    try {
      if (ctx.published.contentHash !== claim.contentHash && claim.contentHash) ctx = await cache.get(campaignId, claim.contentHash);
      const member = claim.member;
      const recipient: MimeRecipient | null =
        listId === null ? tester : member ? { subscriberId, ...member, unsubscribeToken: deps.signToken(subscriberId, listId) } : null;
      if (!recipient) throw new Error('unreachable: claimed without a recipient');
      recipientEmail = recipient.email;
      let message: BuiltMessage;
      try {
        message = ctx.mime.build(
          recipient,
          undefined,
          deps.buffers
            ? (length) => {
                held.lease = deps.buffers!.take(length);
                return held.lease.bytes;
              }
            : undefined,
        );
      } catch (error) {
        // The message cannot be built for this address (e.g. an address the transport refuses): final.
        log.error({ campaignId, subscriberId, err: (error as Error).message }, 'message could not be built; marked failed');
        return ledger.finish(campaignId, subscriberId, 'failed');
      }
      // The final dot waits for the ledger to know the data went out (see Ledger.dataSent).
      // …and withdraws the message if the claim is no longer ours, the send stopped or the reader left.
      const startedAt = performance.now();
      outcome = await mailer.sendRaw(message.envelope, message.raw, {
        beforeFinalDot: () => ledger.dataSent(campaignId, subscriberId, attemptId, listId === null ? true : { listId }),
      });
      deps.onSmtpReply?.(outcome.kind, (performance.now() - startedAt) / 1000);
      // The server answered the final dot: every byte left the process, the buffer can be reused.
      // Any other outcome may leave bytes in a socket's queue, so that buffer is not lent again.
      if (outcome.kind === 'sent') held.lease?.release();
    } catch (error) {
      // Nothing left the machine: clear our marker so the retry is not counted as in doubt.
      await ledger.release(campaignId, subscriberId, attemptId);
      throw error;
    }

    switch (outcome.kind) {
      case 'withdrawn':
        // Nothing was delivered. Let go of the claim (if it is still ours); the retry's claim
        // finds out why: paused (set aside), cancelled or left (skipped), or done by another worker.
        await ledger.release(campaignId, subscriberId, attemptId);
        log.info({ campaignId, subscriberId, reason: outcome.reason }, 'message withdrawn before its final dot');
        throw new Error(`withdrawn: ${outcome.reason}`);
      case 'sent':
        return record(campaignId, subscriberId, 'sent');
      case 'permanent':
        // Suppress first: if Redis fails in between, the retry re-sends to a rejecting address (harmless).
        if (ctx.campaign.mode === 'list') await store.setStatus(subscriberId, 'bounced');
        await countAtDomain(campaignId, recipientEmail, 'bounced');
        log.warn({ campaignId, subscriberId, code: outcome.code, reason: outcome.reason }, 'bounced: address suppressed, not retried');
        return record(campaignId, subscriberId, 'bounced');
      case 'ambiguous': {
        // The server may have the message, or not (RFC 5321 leaves it to the sender until a 250):
        // send again, as Postfix does; the ledger's d: marker makes the retry a counted possible duplicate.
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          log.warn({ campaignId, subscriberId, reason: outcome.reason }, 'unknown: the connection was lost after the message data on the last attempt');
          return record(campaignId, subscriberId, 'unknown');
        }
        log.warn(
          { campaignId, subscriberId, reason: outcome.reason },
          'connection lost after the message data: sending again (counted as a possible duplicate)',
        );
        throw new Error(`ambiguous SMTP outcome: ${outcome.reason}`);
      }
      case 'transient': {
        if (outcome.systemic) {
          // Every message would fail the same way (authentication, TLS, our sender refused, the
          // server gone): pause the whole send with the reason instead of burning each one's
          // attempts. An unreachable server ends its pause by itself (smtp-recovery).
          await ledger.release(campaignId, subscriberId, attemptId);
          const reason = outcome.unreachable ? outcome.reason : `SMTP ${outcome.code ?? ''} ${outcome.reason}`.replace(/\s+/g, ' ').trim();
          if (await deps.pauseSend(campaignId, reason, outcome.unreachable ? 'smtp-reachable' : undefined)) {
            if (outcome.unreachable)
              log.error({ campaignId, reason }, 'send paused: the SMTP server is unreachable; it resumes by itself once the server answers');
            else log.error({ campaignId, reason }, 'send paused: a failure every message would meet; fix it and resume');
          }
          await job.moveToDelayed(Date.now() + opts.pauseRecheckMs, token);
          throw new DelayedError();
        }
        const attempts = job.opts.attempts ?? 1;
        if (job.attemptsMade + 1 >= attempts) {
          log.warn({ campaignId, subscriberId, code: outcome.code, reason: outcome.reason, attempts }, 'failed: transient errors until the attempts ran out');
          await countAtDomain(campaignId, recipientEmail, 'failed');
          return record(campaignId, subscriberId, 'failed');
        }
        await countAtDomain(campaignId, recipientEmail, 'deferred');
        await ledger.release(campaignId, subscriberId, attemptId);
        throw new Error(`transient SMTP failure${outcome.code ? ` ${outcome.code}` : ''}: ${outcome.reason}`);
      }
    }
  };
}

/**
 * For the Worker's 'failed' event: a job that will not run again (bad campaign, attempts or
 * stall count exhausted) still gets a final ledger state, so the status adds up. A marker whose
 * data went out means the message may have been accepted: `unknown`, otherwise `failed`.
 */
export async function settleAbandonedJob(ledger: Ledger, job: Job<DeliverJobData> | undefined, error: Error, log: Logger): Promise<void> {
  if (!job) return;
  const data = job.data as QueuedJobData<DeliverJobData> | undefined;
  const final = error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
  if (!final) {
    log.debug({ jobId: job.id, attempts: job.attemptsMade, err: error.message }, 'deliver attempt failed; will retry');
    return;
  }
  log.error({ jobId: job.id, data, attempts: job.attemptsMade, err: error.message }, 'deliver job failed for good');
  const campaignId = jobCampaignId(data);
  if (!data || !campaignId || !isRecipientId(data.subscriberId)) return;
  const current = await ledger.state(campaignId, data.subscriberId);
  if (current === null && !(await ledger.campaignExists(campaignId))) return;
  // Data that went out (d:) may have been accepted: unknown; a claim that sent nothing: failed.
  await ledger.finish(campaignId, data.subscriberId, current?.startsWith('d:') || current?.startsWith('p:') ? 'unknown' : 'failed');
}
