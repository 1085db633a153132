// `newsletter doctor`: will this deployment reach the inbox? DNS (SPF, DKIM, DMARC, alignment),
// PUBLIC_URL's certificate and one-click unsubscribe, Redis durability and room, the SMTP relay,
// and the headers of a message built as the worker builds it (src/doctor). Exit code 1 when
// any check fails, so a deploy script can stop on it.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'check that this deployment can reach the inbox: SPF, DKIM, DMARC and alignment, https and one-click unsubscribe, Redis eviction and AOF, SMTP STARTTLS and login, the headers of a built message; exit code 1 when a check fails',
    )
    .option('--json', 'print a JSON array of {check, status, detail, fix?}')
    .action(async (opts: { json?: boolean }) => {
      const env = readEnvironment();
      const config = loadConfig(env, ['SECRET']);
      const { runDoctor, formatDoctor } = await import('../../doctor/run-doctor.ts');
      // DOCTOR_DNS_SERVER (host:port) asks that DNS server instead of the system's.
      const results = await runDoctor(config, config.doctorDnsServer ? { dnsServer: config.doctorDnsServer } : {});
      process.stdout.write(opts.json ? `${JSON.stringify(results, null, 2)}\n` : formatDoctor(results));
      // Exits now: a server that never answered may still hold a socket open.
      process.exit(results.some((r) => r.status === 'fail') ? 1 : 0);
    });
}
