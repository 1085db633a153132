// `newsletter worker [--concurrency N]`: a deliver worker (and the confirmation-mail worker) in
// this process until SIGTERM/SIGINT, the same process as `node --import tsx workers/worker.ts`
// (both run src/worker/worker-main.ts).
import type { Command } from 'commander';
import { readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';

export function register(program: Command): void {
  program
    .command('worker')
    .description('run a deliver worker: sends queued issues over SMTP (start as many as you like, on any machine)')
    .option('--concurrency <n>', 'messages in flight in this process (default: WORKER_CONCURRENCY, 32)', (raw: string) => {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 1) throw new UserError(`--concurrency must be a whole number ≥ 1, got "${raw}"`);
      return value;
    })
    .action(async (opts: { concurrency?: number }) => {
      // main checks the configuration and that its secrets are secret (config/weak-secrets.ts).
      const { main } = await import('../../worker/worker-main.ts');
      await main([], readEnvironment(), opts.concurrency);
    });
}
