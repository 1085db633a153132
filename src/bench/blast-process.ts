// One process of the ceiling measurement: sends the same prebuilt message `count` times, no
// queue, no Redis, keeping `concurrency` sends in flight as a deliver worker does. Driven by
// the parent over IPC. Two paths (BlastPath):
// - 'nodemailer': nodemailer's own pooled transport, `sendMail({ envelope, raw })`: what a
//   user blasting a prebuilt message gets, and the definition of the ceiling;
// - 'raw-path': the deliver workers' own transport (Mailer.sendRaw: the same pool, but the
//   bytes go to it directly, skipping the Mailer's per-message compile).
import nodemailer from 'nodemailer';
import { classifySmtpError } from '../mail/classify-smtp-error.ts';
import { createSmtpMailer } from '../mail/index.ts';
import type { DeliveryOutcome, Envelope } from '../mail/types.ts';

export type BlastPath = 'nodemailer' | 'raw-path';

export interface BlastRun {
  type: 'run';
  smtpUrl: string;
  envelope: Envelope;
  /** The message bytes, base64 (IPC is JSON: a Buffer would travel as an array of numbers). */
  rawBase64: string;
  count: number;
  path: BlastPath;
  maxConnections: number;
  concurrency: number;
}

export type BlastReply = { type: 'ready' } | { type: 'done'; sent: number; failed: number; firstError?: string };

/** A sender for `run.path`: `send()` resolves with the outcome, `close()` drains and closes. */
function senderFor(run: BlastRun, raw: Buffer): { send(): Promise<DeliveryOutcome>; close(): Promise<void> } {
  if (run.path === 'raw-path') {
    const mailer = createSmtpMailer({ smtpUrl: run.smtpUrl, pool: { maxConnections: run.maxConnections } });
    return { send: () => mailer.sendRaw(run.envelope, raw), close: () => mailer.close() };
  }
  // The same pool settings the workers' transport uses (smtp-transport.ts), nodemailer's defaults otherwise.
  const transport = nodemailer.createTransport({ url: run.smtpUrl, pool: true, maxConnections: run.maxConnections, maxMessages: 500 } as Parameters<
    typeof nodemailer.createTransport
  >[0]);
  const envelope = { from: run.envelope.from, to: [run.envelope.to] };
  return {
    send: () =>
      transport.sendMail({ envelope, raw }).then(
        (info): DeliveryOutcome => ({ kind: 'sent', response: String(info.response ?? '') }),
        (error: unknown) => classifySmtpError(error, 'before-data'),
      ),
    close: async () => transport.close(),
  };
}

async function blast(run: BlastRun): Promise<BlastReply> {
  // A Buffer, as the fast path hands the transport bytes, not a string to re-encode each time.
  const raw = Buffer.from(run.rawBase64, 'base64');
  const mailer = senderFor(run, raw);
  let next = 0;
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < run.count) {
      next += 1;
      const outcome = await mailer.send();
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
