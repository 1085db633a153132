// `newsletter inbox [--smtp-port N] [--port N] [--dir DIR]`: the local SMTP capture inbox of
// `newsletter dev` on its own (see src/dev/run-inbox.ts), so that `cp .env.example .env`, then
// `inbox`, `serve` and `worker`, sends every mail into .eml files and a web page, never out.
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';

function portOption(flag: string) {
  return (raw: string): number => {
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`${flag} must be a port number 0-65535, got "${raw}"`);
    return port;
  };
}

export function register(program: Command): void {
  program
    .command('inbox')
    .description(
      "local SMTP capture inbox for a local run: keeps every message as a .eml file and lists them on a web page (SMTP 2525 = .env.example's SMTP_URL, web 3025)",
    )
    .option('--smtp-port <n>', 'SMTP port to accept mail on (0: any free one)', portOption('--smtp-port'), 2525)
    .option('--port <n>', 'HTTP port of the web inbox (0: any free one)', portOption('--port'), 3025)
    .option('--dir <dir>', 'where the .eml files go', '.data/inbox')
    .action(async (opts: { smtpPort: number; port: number; dir: string }) => {
      const { runInbox } = await import('../../dev/run-inbox.ts');
      await runInbox({ smtpPort: opts.smtpPort, httpPort: opts.port, dir: opts.dir });
    });
}
