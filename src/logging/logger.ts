// One way to make a process's logger: readable lines (pino-pretty) when a person watches a
// terminal, one JSON object per line otherwise (files, journald, log shippers).
import { pino, type Logger, type LoggerOptions } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: string;
  /** Fields on every line, e.g. `{ role: 'worker' }`. */
  base?: Record<string, unknown>;
  /** Pretty-print; default: whether stdout (where pino writes) is a terminal. */
  pretty?: boolean;
  /** A file to append the JSON lines to instead of stdout (a benchmark keeps its terminal for its own output). */
  file?: string;
}

/** Where secrets can appear in what we log (request headers, connection strings). */
const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'adminToken', 'secret', 'password'];

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = { level: settings.level, redact: { paths: REDACT, censor: '[redacted]' } };
  if (settings.base) options.base = settings.base;
  if (settings.file) return pino(options, pino.destination({ dest: settings.file, append: true, mkdir: true }));
  const pretty = settings.pretty ?? Boolean(process.stdout.isTTY);
  // Synchronous streams on stdout: no worker thread, nothing lost when a process exits, and the
  // lines in the order they were logged. (pino's default is an asynchronous SonicBoom: at exit it
  // writes what is buffered at once, while a write already handed to the thread pool may still be
  // on its way, and a supervisor read "worker stopped" before "worker stopping".)
  return pretty
    ? pino(options, PinoPretty({ destination: 1, sync: true, colorize: true, ignore: 'hostname' }))
    : pino(options, pino.destination({ dest: 1, sync: true }));
}
