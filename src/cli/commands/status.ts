// `newsletter status <issue-id> [--watch] [--json]`: where a send stands. The numbers add up:
// queued + sent + failed + bounced + skipped + unknown = total. `--watch` shows a progress bar
// with rate and ETA until the send is done or cancelled; `--json` prints one object (with
// --watch, one line per update).
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { CampaignStatus } from '../../campaign/types.ts';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { watchView } from '../status-view.ts';

export function formatStatus(s: CampaignStatus): string {
  const lines = [
    `${s.issueId}: ${s.state}`,
    `  total ${s.total} · queued ${s.queued} · sent ${s.sent} · failed ${s.failed} · bounced ${s.bounced} · skipped ${s.skipped} · unknown ${s.unknown}`,
  ];
  if (s.pausedReason && s.resumesBySelf) lines.push(`  paused by itself: ${s.pausedReason} (it resumes by itself once the SMTP server answers; nothing is lost meanwhile)`);
  else if (s.pausedReason) lines.push(`  paused by itself: ${s.pausedReason} (fix it, then: newsletter resume ${s.issueId})`);
  if (s.possibleDuplicates) lines.push(`  possible duplicates ${s.possibleDuplicates} (the reply to a message's data was lost, or its worker died; re-sent so nothing is lost)`);
  if (s.lateBounces || s.complaints) lines.push(`  reported later    ${s.lateBounces ?? 0} bounced, ${s.complaints ?? 0} complaints (those addresses are suppressed)`);
  if (s.startedAt) lines.push(`  started ${s.startedAt}${s.finishedAt ? ` · finished ${s.finishedAt}` : ''}`);
  return lines.join('\n');
}

/** Messages per second over the last ~10 s of samples. */
function rateTracker() {
  const samples: Array<{ t: number; done: number }> = [];
  return (done: number): number => {
    const t = Date.now();
    samples.push({ t, done });
    while (samples.length > 2 && t - samples[0]!.t > 10_000) samples.shift();
    const first = samples[0]!;
    return t > first.t ? ((done - first.done) * 1000) / (t - first.t) : 0;
  };
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show how far a send is: state, total, queued, sent, failed, bounced, skipped, unknown')
    .argument('<issue-id>', 'issue id (the issue file name without .yaml), or a test send id')
    .option('--watch', 'progress bar with rate and ETA until done or cancelled')
    .option('--json', 'print one JSON object')
    .action(async (issueId: string, opts: { watch?: boolean; json?: boolean }) => {
      const config = loadConfig(readEnvironment());
      const [{ withCampaignClient }, { getStatus, watchCampaign }, { assertCampaignId }] = await Promise.all([
        import('../../campaign/campaign-client.ts'),
        import('../../campaign/status.ts'),
        import('../../campaign/ids.ts'),
      ]);
      assertCampaignId(issueId);
      await withCampaignClient(config, async (c) => {
        if (!opts.watch) {
          const status = await getStatus(c, issueId);
          process.stdout.write(opts.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status)}\n`);
          return;
        }
        // Started before the send exists (e.g. in a second terminal): wait for it.
        const waiting = () => process.stderr.write(`no send of ${issueId} yet; waiting for it to start (Ctrl-C to stop watching)\n`);
        if (opts.json) {
          await watchCampaign(c, issueId, 1000, (s) => process.stdout.write(`${JSON.stringify(s)}\n`), waiting);
          return;
        }
        const bar = new cliProgress.SingleBar(
          {
            format: '{bar} {percentage}% | {value}/{total} | {rate}/s | ETA {eta} | {state} · sent {sent} · bounced {bounced} · failed {failed} · skipped {skipped} · unknown {unknown}',
            etaBuffer: 50,
            noTTYOutput: true,
            notTTYSchedule: 5000,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        const rate = rateTracker();
        const view = (s: CampaignStatus) => {
          const perSecond = rate(s.total - s.queued);
          const { value, eta } = watchView(s, perSecond);
          return { value, payload: { ...s, rate: perSecond.toFixed(0), eta } };
        };
        let started = false;
        // Ctrl-C stops watching, not the send.
        const stop = () => {
          bar.stop();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        let status: CampaignStatus;
        try {
          status = await watchCampaign(c, issueId, 500, (s) => {
            const { value, payload } = view(s);
            if (!started) {
              bar.start(s.total, value, payload);
              started = true;
              return;
            }
            bar.setTotal(s.total);
            bar.update(value, payload);
          }, waiting);
        } finally {
          bar.stop();
          process.off('SIGINT', stop);
        }
        process.stdout.write(`${formatStatus(status)}\n`);
      });
    });
}
