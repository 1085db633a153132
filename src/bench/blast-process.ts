// One process of the ceiling measurement: sends the same prebuilt message `count` times through
// the project's pooled nodemailer transport (Mailer.sendRaw), no queue, no Redis, keeping
// `concurrency` sends in flight as a deliver worker does. Driven by the parent over IPC.
import { createSmtpMailer } from '../mail/index.ts';
import type { Envelope } from '../mail/types.ts';

export interface BlastRun {
  type: 'run';
  smtpUrl: string;
  envelope: Envelope;
  /** The message bytes, base64 (IPC is JSON: a Buffer would travel as an array of numbers). */
  rawBase64: string;
  count: number;
  maxConnections: number;
  concurrency: number;
}

export type BlastReply = { type: 'ready' } | { type: 'done'; sent: number; failed: number; firstError?: string };

async function blast(run: BlastRun): Promise<BlastReply> {
  const mailer = createSmtpMailer({ smtpUrl: run.smtpUrl, pool: { maxConnections: run.maxConnections } });
  // A Buffer, as the fast path hands the transport bytes, not a string to re-encode each time.
  const raw = Buffer.from(run.rawBase64, 'base64');
  let next = 0;
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < run.count) {
      next += 1;
      const outcome = await mailer.sendRaw(run.envelope, raw);
      if (outcome.kind === 'sent') sent += 1;
      else {
        failed += 1;
        firstError ??= `${outcome.kind}: ${'reason' in outcome ? outcome.reason : ''}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, run.concurrency) }, lane));
  await mailer.close();
  return { type: 'done', sent, failed, firstError };
}

process.on('message', (message: BlastRun) => {
  if (message.type !== 'run') return;
  // Stays alive after 'done' so the parent can read its CPU time in /proc; the parent stops it.
  blast(message).then(
    (reply) => process.send?.(reply),
    (error: Error) => process.send?.({ type: 'done', sent: 0, failed: message.count, firstError: error.message } satisfies BlastReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' } satisfies BlastReply);
