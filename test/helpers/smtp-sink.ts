// A real SMTP server (smtp-server) on an ephemeral loopback port that keeps every message it
// accepts. `reply` lets a test answer per recipient (e.g. 451 for some, 550 for others), or
// 'lose-reply': keep the message and drop the connection before answering, as a server that
// accepted it and crashed, or a network that lost the 250, would look to the sender.
// Tests wait on its events (a message accepted), never on time; `mark` puts a test's own
// moment (e.g. "pause returned") into the same ordered log as the transactions it sees begin.
import { EventEmitter, once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
  /** The name the client gave in EHLO/HELO. */
  ehlo: string;
}

export interface SinkReply {
  code: number;
  message: string;
}

/** What the sink saw, in order: a transaction beginning (MAIL FROM), a message accepted, or a test's mark. */
export type SinkEvent = { kind: 'mail-from'; from: string } | { kind: 'rcpt'; to: string } | { kind: 'accepted'; to: string } | { kind: 'mark'; label: string };

/** Recipients whose transactions wait at RCPT TO until `release()`: a transaction held under way. */
export interface Hold {
  /** Resolves once `count` transactions are waiting in this hold. */
  waitForHeld(count?: number): Promise<void>;
  held(): string[];
  release(): void;
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: ReceivedMessage[];
  events: SinkEvent[];
  /** Resolves once at least `count` messages were accepted; rejects (naming the count) if the sink closes or after `timeoutMs`, a safety net only. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Puts `label` into `events` now. */
  mark(label: string): void;
  /** Transactions that began after the mark `label` (and before the next mark, when `until` is given). */
  transactionsAfter(label: string, until?: string): number;
  /** Holds the transactions of matching recipients at RCPT TO, from now until released. */
  hold(matches: (to: string) => boolean): Hold;
  /** The server dies: every connection is reset, new ones are refused (as after SIGKILL), until `up`. */
  down(): void;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(
  opts: { reply?: (to: string) => SinkReply | 'lose-reply' | null; acceptLogin?: (user: string, pass: string) => boolean } = {},
): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  const events: SinkEvent[] = [];
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const holds: { matches: (to: string) => boolean; waiting: { to: string; go: () => void }[]; released: boolean }[] = [];
  const server = new SMTPServer({
    authOptional: !opts.acceptLogin,
    // Loopback tests: AUTH without TLS is fine here (never for a real server).
    allowInsecureAuth: true,
    ...(opts.acceptLogin
      ? {
          onAuth(
            auth: SMTPServerAuthentication,
            _session: SMTPServerSession,
            callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
          ) {
            if (opts.acceptLogin!(auth.username ?? '', auth.password ?? '')) return callback(null, { user: auth.username ?? '' });
            callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
          },
        }
      : {}),
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onMailFrom(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      events.push({ kind: 'mail-from', from: address.address });
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      events.push({ kind: 'rcpt', to: address.address });
      const hold = holds.find((h) => !h.released && h.matches(address.address));
      if (!hold) return callback();
      hold.waiting.push({ to: address.address, go: () => callback() });
      emitter.emit('held');
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const verdict = opts.reply?.(to[0] ?? '');
        if (verdict === 'lose-reply') {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to,
            raw: Buffer.concat(chunks),
            ehlo: session.hostNameAppearsAs,
          });
          emitter.emit('message', messages.length);
          // smtp-server keeps its connections in a Set, each with its session and socket.
          const connections = (server as unknown as { connections: Set<{ session: unknown; _socket: { destroy(): void } }> }).connections;
          for (const c of connections) if (c.session === session) c._socket.destroy();
          return;
        }
        if (verdict) {
          const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
          return callback(err);
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to,
          raw: Buffer.concat(chunks),
          ehlo: session.hostNameAppearsAs,
        });
        for (const address of to) events.push({ kind: 'accepted', to: address });
        emitter.emit('message', messages.length);
        callback();
      });
    },
  });
  // A client that dies mid-session (a SIGKILLed worker) resets its socket: not the sink's failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const sockets = new Set<Socket>();
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const indexOfMark = (label: string, from = 0) => events.findIndex((e, i) => i >= from && e.kind === 'mark' && e.label === label);
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    events,
    async waitFor(count, timeoutMs = 60_000) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), timeoutMs);
      try {
        while (messages.length < count) await once(emitter, 'message', { signal: ac.signal });
      } catch {
        throw new Error(`SMTP sink: expected ${count} messages, got ${messages.length}`);
      } finally {
        clearTimeout(timer);
      }
    },
    mark(label) {
      events.push({ kind: 'mark', label });
    },
    transactionsAfter(label, until) {
      const start = indexOfMark(label);
      if (start < 0) throw new Error(`SMTP sink: no mark "${label}"`);
      const end = until === undefined ? events.length : indexOfMark(until, start);
      return events.slice(start + 1, end < 0 ? events.length : end).filter((e) => e.kind === 'mail-from').length;
    },
    hold(matches) {
      const hold = { matches, waiting: [] as { to: string; go: () => void }[], released: false };
      holds.push(hold);
      return {
        async waitForHeld(count = 1) {
          while (hold.waiting.length < count) await once(emitter, 'held');
        },
        held: () => hold.waiting.map((w) => w.to),
        release() {
          hold.released = true;
          for (const w of hold.waiting.splice(0)) w.go();
        },
      };
    },
    down() {
      server.server.close();
      for (const socket of sockets) socket.resetAndDestroy();
    },
    up: () => new Promise<void>((resolve) => server.server.listen(port, '127.0.0.1', resolve)),
    // A client's idle pooled connection would hold smtp-server's close for its 30 s grace period:
    // at the end of a test nothing more is coming, so the sockets go at once.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
