// `newsletter bounces ingest [FILE…]`: mail that came back to us, saved as .eml or piped in on
// stdin (no file, or `-`), e.g. by the MTA that receives the mailboxes BOUNCE_ADDRESS and the
// List-Unsubscribe mailto deliver to: bounces (DSN), complaints (ARF) and unsubscribe requests.
// Each mail: one line per report or request it holds, saying whom it concerned, how it was
// matched and what it did, or that it was unmatched and not applied. A mail that cannot be read
// gets one line and the exit code 1; the other files are still ingested.
// `newsletter bounces unmatched`: the recent ones that were not applied, newest first.
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import type { UnmatchedRecord } from '../../delivery-reports/unmatched-log.ts';
import type { IngestedReport, IngestedUnsubscribe } from '../../use-cases/ingest-report-email.ts';
import { withStore } from '../with-store.ts';

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const STDIN = '-';

function describe(r: IngestedReport): string {
  const what = r.report.type === 'complaint' ? 'complaint' : `${r.report.permanent ? 'hard' : 'soft'} bounce${r.report.status ? ` ${r.report.status}` : ''}`;
  const who = r.report.email ?? '(address not given)';
  const issue = r.issueId ? `, issue ${r.issueId}` : '';
  switch (r.outcome.kind) {
    case 'unmatched':
      return `${what} for ${who}: unmatched, not applied: ${r.outcome.reason} (listed by \`newsletter bounces unmatched\`)`;
    case 'unknown-address':
      return `${what} for ${who}: no such subscriber (matched by ${r.matchedBy}), nothing changed`;
    case 'soft-bounce':
      return `${what} for ${who} (subscriber ${r.outcome.subscriberId}, by ${r.matchedBy}${issue}): soft bounce ${r.outcome.count} of 3 in a row, still subscribed`;
    case 'suppressed':
      return `${what} for ${who} (subscriber ${r.outcome.subscriberId}, by ${r.matchedBy}${issue}): now ${r.outcome.status}, suppressed${r.outcome.issueCounted ? "; counted in the issue's status" : ''}`;
  }
}

function describeUnsubscribe(r: IngestedUnsubscribe): string {
  switch (r.outcome.kind) {
    case 'unmatched':
      return `unsubscribe request (token ${r.token}): unmatched, not applied: ${r.outcome.reason} (listed by \`newsletter bounces unmatched\`)`;
    case 'no-such-subscriber':
      return `unsubscribe request from list ${r.outcome.listId} (signed token): no such subscriber, nothing changed`;
    case 'not-on-list':
      return `unsubscribe request from list ${r.outcome.listId} (subscriber ${r.outcome.subscriberId}, signed token): not on the list, nothing changed`;
    case 'left':
      return `unsubscribe request from list ${r.outcome.listId} (subscriber ${r.outcome.subscriberId}, signed token): left the list`;
  }
}

function describeUnmatched(u: UnmatchedRecord): string {
  const details = [
    u.source ? `from ${u.source}` : '',
    u.email ? `names ${u.email}` : '',
    u.status ? `status ${u.status}` : '',
    u.messageId ? `Message-ID ${u.messageId}` : '',
    u.address ? `to ${u.address}` : '',
  ].filter(Boolean);
  return `${u.at.toISOString()} ${u.kind}${details.length ? ` (${details.join(', ')})` : ''}: ${u.reason}`;
}

async function readInput(file: string): Promise<Buffer> {
  if (file === STDIN) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, not a bounce message`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }
  if ((await stat(file)).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, not a bounce message`);
  return readFile(file);
}

export function register(program: Command): void {
  const cmd = program.command('bounces').description('bounces, complaints and unsubscribe requests that arrive by mail');
  cmd
    .command('ingest')
    .description(
      'read DSN bounce messages (RFC 3464), ARF complaint reports (RFC 5965) and mails to the List-Unsubscribe mailto, as .eml files or on stdin (no file, or -): hard bounces and complaints suppress the subscriber, three soft bounces in a row too, a signed unsubscribe+TOKEN leaves its list; with BOUNCE_ADDRESS set, a report without our signed VERP return path or Message-ID is unmatched and not applied',
    )
    .argument('[files...]', '.eml files; none or - reads one mail from stdin')
    .action(async (given: string[]) => {
      const files = given.length > 0 ? given : [STDIN];
      if (files.includes(STDIN) && process.stdin.isTTY) {
        process.stderr.write(
          'bounces ingest: give .eml files, or pipe one mail in on stdin (e.g. from the MTA that receives the bounce and unsubscribe mailboxes)\n',
        );
        process.exitCode = 1;
        return;
      }
      const env = readEnvironment();
      // VERP return paths, Message-IDs and unsubscribe tokens are checked with the secret that signed them.
      const config = loadConfig(env, ['SECRET']);
      const [{ ingestReportEmail }, { ReportEmailError }] = await Promise.all([
        import('../../use-cases/ingest-report-email.ts'),
        import('../../delivery-reports/report-email.ts'),
      ]);
      await withStore(async (store, { redis, shards, keys }) => {
        const deps = { redis, shards, store, keys, secrets: config.secrets, ...(config.bounceAddress ? { bounceAddress: config.bounceAddress } : {}) };
        for (const file of files) {
          const name = file === STDIN ? 'stdin' : file;
          let raw: Buffer;
          try {
            raw = await readInput(file);
          } catch (error) {
            process.stderr.write(`${name}: cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
            process.exitCode = 1;
            continue;
          }
          try {
            const result = await ingestReportEmail(deps, raw, { source: name });
            if (result.kind === 'ignored') process.stdout.write(`${name}: ignored: ${result.reason}\n`);
            else if (result.kind === 'unsubscribes') for (const r of result.requests) process.stdout.write(`${name}: ${describeUnsubscribe(r)}\n`);
            else for (const r of result.reports) process.stdout.write(`${name}: ${describe(r)}\n`);
          } catch (error) {
            if (!(error instanceof ReportEmailError)) throw error;
            process.stderr.write(`${name}: not a readable message: ${error.message}\n`);
            process.exitCode = 1;
          }
        }
      }, config);
    });
  cmd
    .command('unmatched')
    .description(
      'the recent bounces, complaints and unsubscribe requests by mail that proved nothing and were not applied (kept 30 days, at most 1,000), newest first',
    )
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        process.stderr.write(`--limit: expected a whole number of at least 1, got ${JSON.stringify(opts.limit)}\n`);
        process.exitCode = 1;
        return;
      }
      const { recentUnmatched } = await import('../../delivery-reports/unmatched-log.ts');
      await withStore(async (_store, { redis, keys }) => {
        const entries = await recentUnmatched(redis, keys, limit);
        if (opts.json) for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
        else if (entries.length === 0) process.stdout.write('no unmatched reports in the last 30 days\n');
        else for (const e of entries) process.stdout.write(`${describeUnmatched(e)}\n`);
      });
    });
}
