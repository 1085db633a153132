// The benchmark's SMTP sink, run in its own process (`node --import tsx sink-process.ts`) so its
// CPU is not charged to the process being measured. It reads every message fully, answers 250
// at once, and only counts: messages, bytes, and the accept time of each Message-ID (found in
// the first bytes of the message; nothing else is parsed). The parent talks to it over IPC.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { SinkReply, SinkRequest } from './sink-protocol.ts';

// Message-ID sits in the header block; stop looking after this many bytes.
const HEAD_BYTES = 16 * 1024;
const MESSAGE_ID = /^message-id:[ \t]*<([^>\r\n]+)>/im;

let messages = 0;
let bytes = 0;
let firstAt = 0;
let lastAt = 0;
let ids: string[] = [];
let times: number[] = [];

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 50 * 1024 * 1024,
  maxClients: 10_000,
  onData(stream: SMTPServerDataStream, _session, callback) {
    let head = '';
    let found: string | null = null;
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (found === null && head.length < HEAD_BYTES) {
        head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_BYTES - head.length));
        const match = MESSAGE_ID.exec(head);
        // A copy: a regex match is a slice that keeps the whole 16 KB `head` alive, and a
        // million kept heads exhausted the sink's heap (the 1M bench).
        if (match) found = Buffer.from(match[1]!, 'latin1').toString('latin1');
      }
    });
    stream.on('end', () => {
      const now = Date.now();
      messages += 1;
      bytes += size;
      if (firstAt === 0) firstAt = now;
      lastAt = now;
      ids.push(found ?? '');
      times.push(now);
      callback();
    });
  },
});
server.on('error', () => {}); // a client dropping mid-session is not the sink's problem

function reply(message: SinkReply): void {
  process.send?.(message);
}

process.on('message', (request: SinkRequest) => {
  switch (request.type) {
    case 'stats':
      return reply({ type: 'stats', reqId: request.reqId, messages, bytes, firstAt, lastAt });
    case 'records':
      return reply({ type: 'records', reqId: request.reqId, ids, times });
    case 'reset':
      messages = bytes = firstAt = lastAt = 0;
      ids = [];
      times = [];
      return reply({ type: 'reset', reqId: request.reqId });
    case 'stop':
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
      return;
  }
});
// The parent went away (crash): never outlive it. Ctrl-C reaches the whole process group, but
// the sink must outlive the workers' drain, so it leaves SIGINT to the parent's 'stop'.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});

server.listen(0, '127.0.0.1', () => {
  reply({ type: 'ready', port: (server.server.address() as AddressInfo).port, pid: process.pid });
});
