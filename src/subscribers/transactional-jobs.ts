// The transactional queue's jobs (src/redis/keys.ts QUEUES.transactional): their names, their
// data and how they are queued. The data carries ids and a seed, never a usable token: Bull Board
// shows it to console users, and failed jobs are kept a day. The worker that sends them is
// transactional-worker.ts; the preferences-link job is preferences-link-mail.ts's.
import type { JobsOptions, Queue } from 'bullmq';

export const CONFIRM_JOB = 'confirm';
export const WELCOME_JOB = 'welcome';

export interface WelcomeJobData {
  subscriberId: string;
  listId: string;
}

export interface ConfirmJobData {
  subscriberId: string;
  listId: string;
  /** The seed of the confirmation token (tokens.ts, createSeededConfirmation): no usable token is in the job. */
  nonce?: string;
  keyVersion?: number;
  /** The raw token, as jobs queued before this version carried it: still mailed as it is. */
  token?: string;
}

export const TRANSACTIONAL_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000 },
  // Gone once sent; failures kept a day for inspection (they hold a seed, not a token).
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600 },
};

/** After a confirmation click: one welcome job per (subscriber, list); a second click adds none. */
export async function enqueueWelcomeMail(queue: Queue, data: WelcomeJobData): Promise<void> {
  await queue.add(WELCOME_JOB, data, {
    ...TRANSACTIONAL_JOB_OPTIONS,
    jobId: `welcome-${data.subscriberId}-${data.listId}`,
    removeOnComplete: { age: 7 * 24 * 3600 },
  });
}

/** `delayMs` spaces out a batch (an import) at the send rate. */
export async function enqueueConfirmationMail(queue: Queue, data: ConfirmJobData, delayMs = 0): Promise<void> {
  await queue.add(CONFIRM_JOB, data, delayMs > 0 ? { ...TRANSACTIONAL_JOB_OPTIONS, delay: delayMs } : TRANSACTIONAL_JOB_OPTIONS);
}
