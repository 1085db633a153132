// The Mailer over nodemailer's pooled SMTP transport. Never throws for an SMTP failure: every
// attempt ends as a DeliveryOutcome (classify-smtp-error.ts). `send` composes through
// nodemailer's Mailer (MIME, list headers, DKIM); `sendRaw` hands prebuilt bytes to the same
// pool directly (raw-transport-mail.ts says why). Both share the pool's connections.
//
// Two settings carry the delivery semantics (docs/architecture.md):
// - `maxRequeues: 0`: nodemailer 10's pool puts a message back on its own queue when a reused
//   connection drops before any byte of it was read (lib/smtp-pool: PoolResource.send and the
//   pool's 'close' handler; default 5 times), and sends it again by itself. The deliver queue
//   owns retries (attempt counts, backoff, rate limit); with 0 the pool fails the message with
//   ECONNECTION instead, which is transient.
// - the phase tracker: nodemailer reports every lost connection with command 'CONN', before
//   or after the message. The message's read stream is watched; once it has ended, all of the
//   message was handed to the socket with its final dot right behind, and a failure from then
//   on is ambiguous (the server may have accepted it), not transient.
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { classifySmtpError } from './classify-smtp-error.ts';
import { DkimSigner, type DkimConfig } from './dkim-signer.ts';
import { chooseTransferEncoding, toCrlf } from './mime-encoding.ts';
import { LIST_UNSUBSCRIBE_POST } from './newsletter-message.ts';
import { SMTPPool } from './nodemailer-internals.ts';
import { rawTransportMail } from './raw-transport-mail.ts';
import type { DeliveryOutcome, Envelope, Mailer, OutgoingMessage, SendHooks } from './types.ts';

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: string;
  /** Signs messages built by `send` (Config['dkim'] fits). `sendRaw` sends bytes as given: the fast path signs its own. */
  dkim?: DkimConfig;
  /** Pool size (default 5) and messages per connection before it is replaced (default 500). */
  pool?: { maxConnections: number; maxMessages?: number };
  /**
   * Milliseconds. `socket` is the longest silence tolerated, including the wait for the reply
   * to the final dot (RFC 5321 suggests 10 minutes; a timeout there is an ambiguous outcome).
   * Defaults: connection 30 s, greeting 30 s, socket 120 s.
   */
  timeouts?: { connection?: number; greeting?: number; socket?: number };
  /** The name given in EHLO (Config['smtpEhlo']); nodemailer's default is the machine's host name or an IP. */
  ehlo?: string;
}

/** sendMail data key carrying the per-attempt tracker to the plugin (nodemailer copies own keys of the data). */
const TRACKER = '_newsletterPhase';

interface PhaseTracker {
  dataSent: boolean;
  /** Set when beforeFinalDot withdrew the message: the reason. */
  withdrawn?: string;
}

/** What `send` hands nodemailer for an OutgoingMessage (exported so tests can build the same message offline). */
export function sendMailOptions(message: OutgoingMessage, signer: DkimSigner | null): SendMailOptions {
  const list = message.list;
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    messageId: message.messageId,
    // nodemailer picks QP for HTML with much Latin markup; CJK-heavy parts are smaller in base64.
    text: { content: message.text, contentTransferEncoding: chooseTransferEncoding(message.text) },
    html: { content: message.html, contentTransferEncoding: chooseTransferEncoding(message.html) },
    ...(list
      ? {
          // A nested array makes one List-Unsubscribe header holding both URIs.
          list: { unsubscribe: [[list.unsubscribeUrl, list.unsubscribeMailto]], id: { url: list.id, comment: list.name } },
          headers: { 'List-Unsubscribe-Post': LIST_UNSUBSCRIBE_POST },
        }
      : {}),
    ...(signer ? { dkim: signer.nodemailerOptions() } : {}),
  };
}

export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  // Parses the key once and checks the DKIM settings at start, not on the first message.
  const signer = opts.dkim ? new DkimSigner(opts.dkim) : null;
  const pool = new SMTPPool({
    url: opts.smtpUrl,
    maxConnections: opts.pool?.maxConnections ?? 5,
    maxMessages: opts.pool?.maxMessages ?? 500,
    maxRequeues: 0,
    connectionTimeout: opts.timeouts?.connection ?? 30_000,
    greetingTimeout: opts.timeouts?.greeting ?? 30_000,
    socketTimeout: opts.timeouts?.socket ?? 120_000,
    logger: false,
    ...(opts.ehlo ? { name: opts.ehlo } : {}),
  });
  const composer = nodemailer.createTransport(pool);
  // Builds a message to bytes without sending it (nodemailer's public stream transport).
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  composer.use('stream', (mail, done) => {
    const tracker = (mail.data as Record<string, unknown>)[TRACKER] as PhaseTracker | undefined;
    if (tracker) {
      const message = mail.message;
      const createReadStream = message.createReadStream.bind(message);
      // An 'end' listener does not start the stream flowing: it is read only once DATA is accepted.
      message.createReadStream = (options) => createReadStream(options).once('end', () => (tracker.dataSent = true));
    }
    done();
  });

  const inFlight = new Set<Promise<DeliveryOutcome>>();
  let closing = false;

  function attempt(send: (tracker: PhaseTracker, done: (err: unknown, info?: { response?: unknown }) => void) => void): Promise<DeliveryOutcome> {
    if (closing) return Promise.resolve({ kind: 'transient', reason: 'mailer is closing; nothing was sent' });
    const tracker: PhaseTracker = { dataSent: false };
    const outcome = new Promise<DeliveryOutcome>((resolve) => {
      try {
        send(tracker, (err, info) => {
          if (err && tracker.withdrawn) return resolve({ kind: 'withdrawn', reason: tracker.withdrawn });
          resolve(err ? classifySmtpError(err, tracker.dataSent ? 'after-data' : 'before-data') : { kind: 'sent', response: String(info?.response ?? '') });
        });
      } catch (err) {
        resolve(classifySmtpError(err, 'before-data'));
      }
    });
    inFlight.add(outcome);
    void outcome.finally(() => inFlight.delete(outcome));
    return outcome;
  }

  const mailer: Mailer = {
    send(message: OutgoingMessage) {
      if (!signer) return attempt((tracker, done) => composer.sendMail({ ...sendMailOptions(message, null), [TRACKER]: tracker } as SendMailOptions, done));
      // Signed: nodemailer builds the bytes, our signer signs them as it signs the issues
      // (over-signing From, Subject and the list headers), and they go out as raw bytes.
      return builder.sendMail(sendMailOptions(message, null)).then(
        (info) => mailer.sendRaw({ from: info.envelope.from || '', to: info.envelope.to[0] ?? '' }, signer.signMessage(info.message as Buffer)),
        (error: unknown) => classifySmtpError(error, 'before-data'),
      );
    },

    sendRaw(envelope: Envelope, raw: string | Buffer, hooks?: SendHooks) {
      const bytes = typeof raw === 'string' ? Buffer.from(toCrlf(raw), 'utf8') : raw;
      return attempt((tracker, done) => {
        const hook = hooks?.beforeFinalDot;
        const guarded = hook
          ? async () => {
              try {
                const verdict = await hook();
                if (verdict === false)
                  tracker.withdrawn = 'the send no longer wants it (paused, cancelled, the reader left, or the claim passed to another worker)';
                return verdict;
              } catch (error) {
                tracker.withdrawn = `could not record that the data went out (${(error as Error).message})`;
                throw error;
              }
            }
          : undefined;
        const mail = rawTransportMail(envelope, bytes, () => (tracker.dataSent = true), guarded);
        pool.send(mail as unknown as Parameters<typeof pool.send>[0], done);
      });
    },

    async verify() {
      // A connection of its own (not the pool's), greeted, logged in and quit.
      return composer.verify().then(
        () => true,
        () => false,
      );
    },

    async close() {
      // Stop taking messages, let those in flight finish, then close the pool's connections.
      closing = true;
      await Promise.allSettled([...inFlight]);
      composer.close();
      builder.close();
    },
  };
  return mailer;
}
