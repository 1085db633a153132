// A prebuilt message in the shape nodemailer's transports read a message in (the transport
// plugin interface: `mail.data`, `mail.message.getEnvelope()`, `messageId()`, `getHeader()`,
// `createReadStream()`), so `sendRaw` can hand it straight to the SMTP pool.
//
// Why not `sendMail({ envelope, raw })`: for a raw message the Mailer still compiles a MIME
// tree, generates a random Message-ID, runs the plugin chain and pipes the bytes through a
// stream pipeline before the pool sees them. Measured on issue 64 (73 KB) that is 200-300 µs
// of CPU per message, about a third of the client's cost of sending it. What remains is the
// pool and the connection; the connection's byte-by-byte dot-stuffing is replaced for these
// canonical messages by a native search (smtp-dot-stuffing.ts says why that is safe).
import { Readable, type Writable } from 'node:stream';
import { useCanonicalDotStuffing } from './smtp-dot-stuffing.ts';
import type { Envelope } from './types.ts';

/** The message was stopped before its final dot (see beforeFinalDot): nothing was delivered. */
export class MessageWithdrawnError extends Error {
  override name = 'MessageWithdrawnError';
  constructor(reason = 'not ours to send any more') {
    super(`message withdrawn before its final dot: ${reason}`);
  }
}

export interface TransportMail {
  data: Record<string, unknown>;
  message: {
    getEnvelope(): { from: string; to: string[]; size: number };
    messageId(): string;
    getHeader(key: string): string | undefined;
    createReadStream(): Readable;
  };
}

/**
 * `beforeFinalDot` runs when the connection starts reading the message (after DATA's 354): the
 * stream ends (and the connection writes the final dot) only after it resolves other than
 * `false`, so a process that dies before then leaves the server with an unterminated message,
 * which it discards. `onDataSent` runs when the connection has read the whole message: its final dot
 * follows at once, so from then on a lost connection may hide an accepted message. `raw` must
 * end every line with CRLF (src/mail/issue-mime.ts's output does).
 */
export function rawTransportMail(envelope: Envelope, raw: Buffer, onDataSent: () => void, beforeFinalDot?: () => Promise<unknown>): TransportMail {
  return {
    data: {},
    message: {
      // A fresh object per call: the SMTP connection writes its own fields onto the envelope.
      getEnvelope: () => ({ from: envelope.from, to: [envelope.to], size: raw.length }),
      messageId: () => '',
      getHeader: () => undefined,
      createReadStream() {
        // Not flowing until the connection pipes it, which it does only after DATA was accepted.
        const stream = new Readable({ read() {} });
        stream.push(raw);
        if (!beforeFinalDot) stream.push(null);
        // SMTPConnection.send pipes this into the DataStream it made for this message.
        stream.pipe = function pipe<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T {
          useCanonicalDotStuffing(dest as unknown as Writable);
          const piped = Readable.prototype.pipe.call(this, dest, options) as T;
          // The hook decides whether the message is finished: `false` (the claim is no longer
          // ours, the send was paused or cancelled, the reader left) or an error withdraws it.
          // Then the stream fails instead of ending, nodemailer closes the connection before
          // the final dot, and the server, which must not deliver an unterminated message
          // (RFC 5321 4.1.1.4), discards it.
          if (beforeFinalDot) {
            void Promise.resolve()
              .then(beforeFinalDot)
              .then(
                (verdict) => (verdict === false ? stream.destroy(new MessageWithdrawnError()) : stream.push(null)),
                (error: unknown) => stream.destroy(new MessageWithdrawnError(error instanceof Error ? error.message : String(error))),
              );
          }
          return piped;
        };
        return stream.once('end', onDataSent);
      },
    },
  };
}
