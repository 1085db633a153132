// The deliver worker's process: reads the configuration from the environment, refuses a
// secret anyone could know, runs one worker (run-worker.ts) until SIGTERM/SIGINT. Both entries
// run it: `newsletter worker` (src/cli/commands/worker.ts) and `node workers/worker.ts`.
//
// Shutdown in two steps (SIGTERM/SIGINT): stop taking jobs and wait for those in flight, then
// close SMTP and Redis and exit 0. A second signal exits at once (the ledger and BullMQ's
// stalled-job check make even that safe: in-flight jobs come back to another worker).
import { setFlagsFromString } from 'node:v8';
import { guardSecrets, loadConfig, readEnvironment, type Config } from '../config/index.ts';
import { UserError } from '../errors.ts';
import { createLogger } from '../logging/logger.ts';
import { runWorker, type RunningWorker } from './run-worker.ts';

/** How long a graceful stop may take: a job in flight holds its lock at most this long, plus margin. */
const closeTimeoutMs = (config: Readonly<Config>) => config.workerLockDurationMs + 5_000;

/** `--concurrency N` from the command line (the CLI command passes it; env is the default). */
function concurrencyFromArgs(argv: string[]): number | undefined {
  const i = argv.indexOf('--concurrency');
  if (i < 0) return undefined;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new UserError(`--concurrency must be a whole number ≥ 1, got "${argv[i + 1] ?? ''}"`);
  return value;
}

/** Runs until SIGTERM/SIGINT; the entry workers/worker.ts and `newsletter worker` call it. */
export async function main(argv = process.argv.slice(2), env = readEnvironment(), concurrency?: number): Promise<void> {
  const config = loadConfig(env, ['SECRET']);
  // It signs unsubscribe links with SECRET: no change-me placeholder for a public site (whichever entry started it).
  const warning = guardSecrets(env, config, { command: 'worker' });
  if (warning) process.stderr.write(`newsletter worker: ${warning}\n`);
  // A worker's garbage lives for one SMTP transaction, long enough to be promoted, so V8 let
  // the old generation grow ~3.4× past the live heap (~22 MB) before collecting it: RSS 148–174
  // MB in a 10,000 send. Doubling at most keeps it at 126–133 MB with the same CPU per message
  // (bench, interleaved; README "Worker memory"). Read at every GC, so setting it now works.
  setFlagsFromString('--heap-growing-percent=100');
  const log = createLogger({ level: config.logLevel, base: { pid: process.pid, role: 'worker' } });
  // One handler per signal for the whole life of the process, installed before the worker
  // starts: a signal that comes while it starts (after it logged "worker started", before
  // runWorker returned) is kept and acted on once it is up. Swapping handlers instead would lose
  // it: Node hands a signal to the handler that was listening when the loop next runs, and one
  // removed in between takes the signal with it (the process neither stops nor dies of it).
  let worker: RunningWorker | null = null;
  let pending: string | null = null;
  let signals = 0;
  const stop = (signal: string) => {
    if (!worker) {
      pending ??= signal;
      return;
    }
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now (in-flight jobs return to the queue)');
      process.exit(1);
    }
    // BullMQ's close waits for Redis; while Redis is unreachable it would wait forever. In-flight
    // jobs are safe either way (the ledger and the stalled-job check bring them back).
    const timer = setTimeout(() => {
      log.error({ signal, timeoutMs: closeTimeoutMs(config) }, 'worker did not stop in time (is Redis reachable?); exiting');
      process.exit(1);
    }, closeTimeoutMs(config));
    timer.unref();
    worker.close().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  worker = await runWorker(config, { log, concurrency: concurrency ?? concurrencyFromArgs(argv) });
  if (pending) stop(pending);
}
