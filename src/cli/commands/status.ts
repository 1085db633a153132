// `newsletter status <issue-id> [--watch] [--json]`: where a send stands. The numbers add up:
// queued + sent + failed + bounced + skipped + unknown = total. `--watch` follows the send until
// it is done or cancelled: on a terminal a progress bar with rate and ETA; written to a file or
// a pipe, one plain line per change (`sending: 40/300 sent, 0 failed, …`); with `--json`, one
// object per reading. A scheduled send shows when it starts, in this machine's time zone and UTC.
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { SendReader } from '../../campaign/sends.ts';
import type { CampaignStatus } from '../../campaign/types.ts';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { formatTime } from '../format-time.ts';
import { count } from '../plural.ts';
import { attempted, cancelledSummary, progressLine, watchView } from '../status-view.ts';

export function formatStatus(s: CampaignStatus, timeZone?: string): string {
  // A cancelled send says plainly what it did: "cancelled, 40 of 300 sent, 260 skipped".
  const head = s.state === 'cancelled' ? `cancelled, ${cancelledSummary(s)}` : s.state;
  const lines = [
    `${s.issueId}: ${head}`,
    `  total ${s.total} · queued ${s.queued} · sent ${s.sent} · failed ${s.failed} · bounced ${s.bounced} · skipped ${s.skipped} · unknown ${s.unknown}`,
  ];
  if (s.pausedReason && s.resumesBySelf)
    lines.push(`  paused by itself: ${s.pausedReason} (it resumes by itself once the SMTP server answers; nothing is lost meanwhile)`);
  else if (s.pausedReason) lines.push(`  paused by itself: ${s.pausedReason} (fix it, then: newsletter resume ${s.issueId})`);
  if (s.possibleDuplicates)
    lines.push(`  possible duplicates ${s.possibleDuplicates} (the reply to a message's data was lost, or its worker died; re-sent so nothing is lost)`);
  if (s.lateBounces || s.complaints)
    lines.push(`  reported later    ${s.lateBounces ?? 0} bounced, ${count(s.complaints ?? 0, 'complaint')} (those addresses are suppressed)`);
  if (s.unsubscribes) lines.push(`  unsubscribed      ${count(s.unsubscribes, 'reader')} left through this issue's link`);
  if (s.scheduledAt) lines.push(`  scheduled for ${formatTime(s.scheduledAt, timeZone)}`);
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

type Watch = (
  sends: SendReader,
  campaignId: string,
  intervalMs: number,
  onStatus: (s: CampaignStatus) => void,
  onWaiting?: () => void,
) => Promise<CampaignStatus>;

/**
 * watchCampaign, and for a cancelled send a few readings more: the cancel changes the state
 * first and then counts what was still queued as skipped, so a reading in between still has
 * some queued. Read on while that number moves, until none is queued.
 */
async function watchToEnd(
  watch: Watch,
  read: (sends: SendReader, id: string) => Promise<CampaignStatus>,
  sends: SendReader,
  issueId: string,
  intervalMs: number,
  onStatus: (s: CampaignStatus) => void,
  onWaiting: () => void,
): Promise<CampaignStatus> {
  let last = await watch(sends, issueId, intervalMs, onStatus, onWaiting);
  while (last.state === 'cancelled' && last.queued > 0) {
    await sleep(intervalMs);
    const next = await read(sends, issueId);
    onStatus(next);
    if (next.queued === last.queued) return next;
    last = next;
  }
  return last;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show how far a send is: state, total, queued, sent, failed, bounced, skipped, unknown, and when a scheduled send starts')
    .argument('<issue-id>', 'issue id (the issue file name without .yaml), or a test send id')
    .option('--watch', 'follow the send until done or cancelled: a progress bar with rate and ETA on a terminal, else one line per change')
    .option('--json', 'print one JSON object (with --watch, one per reading)')
    .action(async (issueId: string, opts: { watch?: boolean; json?: boolean }) => {
      const config = loadConfig(readEnvironment());
      const [{ withCampaignClient }, { getStatus, watchCampaign }, { assertCampaignId }] = await Promise.all([
        import('../../campaign/campaign-client.ts'),
        import('../../campaign/status.ts'),
        import('../../campaign/records/ids.ts'),
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
        const follow = (intervalMs: number, onStatus: (s: CampaignStatus) => void) =>
          watchToEnd(watchCampaign, getStatus, c, issueId, intervalMs, onStatus, waiting);
        if (opts.json) {
          await follow(1000, (s) => process.stdout.write(`${JSON.stringify(s)}\n`));
          return;
        }
        // Not a terminal (a log file, a pipe, CI): one plain line each time something changed.
        if (!process.stdout.isTTY) {
          let previous = '';
          await follow(500, (s) => {
            const line = progressLine(s);
            if (line !== previous) process.stdout.write(`${line}\n`);
            previous = line;
          });
          return;
        }
        const bar = new cliProgress.SingleBar(
          {
            // Own payload names: cli-progress fills {eta}, {value} and {total} itself.
            format: '{bar} {percentage}% | {line}{speed}',
            stream: process.stdout,
            etaBuffer: 50,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        const rate = rateTracker();
        const view = (s: CampaignStatus) => {
          // Messages that went out: a cancel or a burst of skipped ones is no sending rate.
          const perSecond = rate(attempted(s));
          const { value, eta } = watchView(s, perSecond);
          const speed = s.state === 'sending' ? ` | ${perSecond.toFixed(0)}/s | ETA ${eta}` : '';
          return { value, payload: { line: progressLine(s), speed } };
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
          status = await follow(500, (s) => {
            const { value, payload } = view(s);
            if (!started) {
              bar.start(s.total, value, payload);
              started = true;
              return;
            }
            bar.setTotal(s.total);
            bar.update(value, payload);
          });
        } finally {
          bar.stop();
          process.off('SIGINT', stop);
        }
        process.stdout.write(`${formatStatus(status)}\n`);
      });
    });
}
