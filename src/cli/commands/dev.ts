// `newsletter dev [--demo [ISSUE]] [--stay] [--port N]`: everything in one process for trying it
// (see src/dev/run-dev.ts). The README's first command runs `dev --demo`.
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';

const DEFAULT_DEMO_ISSUE = 'emails/issues/pretrain-weekly-064.yaml';

export function register(program: Command): void {
  program
    .command('dev')
    .description('HTTP server, worker, local SMTP capture inbox and sample readers in one process (dev secrets, own Redis key prefix)')
    .option('--demo [issue]', `send an issue (default ${DEFAULT_DEMO_ISSUE}) to the sample readers, then keep serving until Ctrl-C`)
    .option('--exit', 'with --demo: exit once the send is done (for scripts)')
    .option('--port <n>', 'HTTP port (default PORT or 3000; a free one for --demo)', (raw: string) => {
      const port = Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a port number, got "${raw}"`);
      return port;
    })
    .option(
      '--subscribers <n>',
      'sample readers per list',
      (raw: string) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new UserError(`--subscribers must be a whole number from 0 to 10000, got "${raw}"`);
        return n;
      },
      25,
    )
    .option('--inbox <dir>', 'where the capture inbox saves .eml files', '.data/inbox')
    .action(async (opts: { demo?: string | boolean; exit?: boolean; port?: number; subscribers: number; inbox: string }) => {
      const { runDev } = await import('../../dev/run-dev.ts');
      await runDev({
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        ...(opts.demo !== undefined ? { demo: opts.demo === true ? DEFAULT_DEMO_ISSUE : String(opts.demo) } : {}),
        exitWhenDone: Boolean(opts.exit),
        subscribers: opts.subscribers,
        inboxDir: opts.inbox,
      });
    });
}
