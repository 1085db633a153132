// A pino logger at trace that keeps every line it writes, for tests that check what the logs say
// (and, above all, what they never say: tokens, addresses).
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, sink), lines };
}
