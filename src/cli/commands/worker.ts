// `newsletter worker [--concurrency N]`: a deliver worker (and the confirmation-mail worker) in
// this process until SIGTERM/SIGINT, the same as `node --import tsx workers/worker.ts` plus the
// check that its secrets are secret (config/weak-secrets.ts).
import type { Command } from 'commander';
import { guardSecrets, loadConfig, readEnvironment } from '../../config/index.ts';
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
      const env = readEnvironment();
      // Invalid variables stop it here, before the check below (main reads the same env again).
      // It signs unsubscribe links with SECRET: no change-me placeholder for a public site.
      const warning = guardSecrets(env, loadConfig(env, ['SECRET']), { command: 'worker' });
      if (warning) process.stderr.write(`newsletter worker: ${warning}\n`);
      const { main } = await import('../../../workers/worker.ts');
      await main([], env, opts.concurrency);
    });
}
