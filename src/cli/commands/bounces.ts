// `newsletter bounces ingest FILE…`: bounce messages (DSN) and complaint reports (ARF) saved as
// .eml, e.g. from the mailbox BOUNCE_ADDRESS delivers to. Each file: one line per report it
// holds, saying whom it concerned, how it was matched and what it did. A file that cannot be
// read gets one line and the exit code 1; the other files are still ingested.
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import type { IngestedReport } from '../../use-cases/ingest-report-email.ts';
import { withStore } from '../with-store.ts';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

function describe(r: IngestedReport): string {
  const what = r.report.type === 'complaint' ? 'complaint' : `${r.report.permanent ? 'hard' : 'soft'} bounce${r.report.status ? ` ${r.report.status}` : ''}`;
  const who = r.report.email ?? '(address not given)';
  const issue = r.issueId ? `, issue ${r.issueId}` : '';
  switch (r.outcome.kind) {
    case 'unknown-address':
      return `${what} for ${who}: no such subscriber (matched by ${r.matchedBy}), nothing changed`;
    case 'soft-bounce':
      return `${what} for ${who} (subscriber ${r.outcome.subscriberId}, by ${r.matchedBy}${issue}): soft bounce ${r.outcome.count} of 3 in a row, still subscribed`;
    case 'suppressed':
      return `${what} for ${who} (subscriber ${r.outcome.subscriberId}, by ${r.matchedBy}${issue}): now ${r.outcome.status}, suppressed${r.outcome.issueCounted ? '; counted in the issue\'s status' : ''}`;
  }
}

export function register(program: Command): void {
  const cmd = program.command('bounces').description('bounces and complaints that arrive by mail');
  cmd
    .command('ingest')
    .description('read DSN bounce messages (RFC 3464) and ARF complaint reports (RFC 5965) saved as .eml: hard bounces and complaints suppress the subscriber, three soft bounces in a row too')
    .argument('<files...>', '.eml files')
    .action(async (files: string[]) => {
      const env = readEnvironment();
      // Reading VERP return paths checks their MAC, which needs the secret that signed them.
      const config = loadConfig(env, env.BOUNCE_ADDRESS ? ['SECRET'] : []);
      const [{ ingestReportEmail }, { ReportEmailError }] = await Promise.all([
        import('../../use-cases/ingest-report-email.ts'),
        import('../../delivery-reports/report-email.ts'),
      ]);
      await withStore(async (store, { redis, shards }) => {
        const deps = { redis, shards, store, secrets: config.secrets, ...(config.bounceAddress ? { bounceAddress: config.bounceAddress } : {}) };
        for (const file of files) {
          let raw: Buffer;
          try {
            if ((await stat(file)).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, not a bounce message`);
            raw = await readFile(file);
          } catch (error) {
            process.stderr.write(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
            process.exitCode = 1;
            continue;
          }
          try {
            const result = await ingestReportEmail(deps, raw);
            if (result.kind === 'ignored') process.stdout.write(`${file}: ignored: ${result.reason}\n`);
            else for (const r of result.reports) process.stdout.write(`${file}: ${describe(r)}\n`);
          } catch (error) {
            if (!(error instanceof ReportEmailError)) throw error;
            process.stderr.write(`${file}: not a readable message: ${error.message}\n`);
            process.exitCode = 1;
          }
        }
      }, config);
    });
}
