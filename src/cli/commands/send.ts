// `newsletter send <issue.yaml> [--test ADDR…] [--at ISO] [--yes] [--force]`: render once,
// publish, and queue the fan-out to the issue's list (or only to test addresses). Asks before a
// real send unless --yes; without a terminal to ask on it refuses rather than guess. A time
// given with --at is said back in the newsletter's time zone (its `timeZone` setting, default
// UTC) with the offset, and in UTC.
import { recordCliAudit } from '../cli-audit.ts';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { UserError } from '../../errors.ts';
import { formatTime } from '../format-time.ts';
import { count } from '../plural.ts';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export function register(program: Command): void {
  program
    .command('send')
    .description('publish an issue and send it to its list (or only to --test addresses); a running `newsletter worker` delivers it')
    .argument('<issue>', 'issue file, e.g. emails/issues/pretrain-weekly-064.yaml')
    .option('--test <addresses...>', 'send only to these addresses, subject marked [TEST]; the list is not touched')
    .option('--at <iso>', 'start at this time, e.g. 2025-06-02T08:00:00+08:00')
    .option('--yes', 'do not ask for confirmation')
    .option('--force', 'publish even though the issue was published before with other content')
    .option('--new-subscribers', 'send an issue already sent only to the active subscribers it has not reached (who joined since)')
    .option('--retry-failed', 'send an issue already sent again to the subscribers it has as failed or skipped')
    .action(async (file: string, opts: { test?: string[]; at?: string; yes?: boolean; force?: boolean; newSubscribers?: boolean; retryFailed?: boolean }) => {
      const config = loadConfig(readEnvironment());
      // Loaded on use: rendering (MJML) and the queue stack are heavy for the other commands.
      const [{ loadPublishableIssue, LintFailedError }, { formatFindings }, client, send, { testAddresses, testSendIssue }] = await Promise.all([
        import('../../use-cases/publishable-issue.ts'),
        import('../format-report.ts'),
        import('../../campaign/campaign-client.ts'),
        import('../../campaign/start-send.ts'),
        import('../../use-cases/test-send.ts'),
      ]);
      const { liveWorkerCount, noWorkerNotice } = await import('../../campaign/queue/worker-presence.ts');
      const testTo = opts.test ? testAddresses(opts.test) : undefined; // a wrong address fails before anything renders

      const { issue, newsletter, published } = await loadPublishableIssue(file, { assetsUrl: config.assetsUrl }).catch((error: unknown) => {
        if (error instanceof LintFailedError) process.stderr.write(`${formatFindings(error.findings).join('\n')}\n`);
        throw error;
      });
      // Without an offset, --at is read in the newsletter's time zone (as the console reads it).
      const at = send.parseSendAt(opts.at, newsletter.timeZone);

      await client.withCampaignClient(config, async (c) => {
        const deps = c;
        const warnIfNoWorker = async () => {
          if ((await liveWorkerCount(c.shards[0]!.queues)) === 0)
            process.stderr.write(`newsletter send: ${noWorkerNotice(config.redisUrl, config.keyPrefix)}\n`);
        };
        // In the newsletter's time zone (its settings' `timeZone`, default UTC), and in UTC.
        const when = at ? ` at ${formatTime(at, newsletter.timeZone)}` : '';
        if (testTo) {
          const started = await testSendIssue(deps, published, testTo, at ? { at } : {});
          await recordCliAudit(c.redis, c.partitions.base, config, 'test-send', issue.id, `addresses=${testTo.length}`);
          process.stdout.write(
            `test send ${started.campaignId} → ${testTo.join(', ')} (${started.state}${when})\n  watch: newsletter status ${started.campaignId} --watch\n`,
          );
          await warnIfNoWorker();
          return;
        }
        const { sendIssue } = await import('../../use-cases/send-issue.ts');
        const resendWhom = `the subscribers of list ${newsletter.listId} it ${opts.retryFailed ? 'has as failed or skipped' : 'has not reached yet'}`;
        const outcome = await sendIssue(
          { ...deps, publicUrl: config.publicUrl },
          {
            published,
            ...(at ? { at } : {}),
            ...(opts.force ? { force: true } : {}),
            ...(opts.newSubscribers ? { onlyNew: true } : {}),
            ...(opts.retryFailed ? { retryFailed: true } : {}),
            confirm: async ({ recipients, resend }) => {
              if (opts.yes) return true;
              if (!process.stdin.isTTY) {
                throw new UserError(
                  `refusing to send ${issue.id} to list ${newsletter.listId} (${count(recipients, 'active subscriber')}) without confirmation: no terminal to ask on; pass --yes`,
                );
              }
              const whom = resend ? resendWhom : `list ${newsletter.listId} (${count(recipients, 'active subscriber')})`;
              return confirm(`Send "${published.subject}" to ${whom}${when}? [y/N] `);
            },
          },
        );
        // Done already: it says when and to how many, and nothing was changed (not even the published copy).
        if (outcome.kind === 'already-sent') {
          process.stdout.write(`${new send.AlreadySentError(outcome.record, file).message}\n`);
          return;
        }
        if (outcome.kind === 'not-confirmed') throw new UserError('not sent');
        await recordCliAudit(c.redis, c.partitions.base, config, at ? 'schedule' : 'send', issue.id, `recipients=${outcome.started.expected}`);
        const note = outcome.publish === 'unchanged' ? 'already published, same content' : outcome.publish;
        const to = outcome.resend ? resendWhom : `${count(outcome.started.expected, 'subscriber')} of list ${newsletter.listId}`;
        process.stdout.write(
          `${issue.id}: ${note}; ${outcome.started.state}${when} to ${to}\n` +
            `  watch: newsletter status ${issue.id} --watch   (deliveries need a running \`newsletter worker\`)\n`,
        );
        await warnIfNoWorker();
      });
    });
}
