// `newsletter pause|resume|cancel <issue-id>`: steer a running send. Pause takes effect before
// the next message (no new message leaves once it returns); resume continues where it stopped,
// with no duplicates; cancel ends the send, whatever was still queued counts as skipped.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import { recordCliAudit } from '../cli-audit.ts';
import { byCount, count } from '../plural.ts';
import { formatStatus } from './status.ts';

type Action = 'pause' | 'resume' | 'cancel';

const DESCRIPTIONS: Record<Action, string> = {
  pause: 'pause a send: no new message leaves once this returns',
  resume: 'resume a paused send where it stopped',
  cancel: 'cancel a send: nothing more is sent, whatever is still queued counts as skipped',
};

export function register(program: Command): void {
  for (const action of Object.keys(DESCRIPTIONS) as Action[]) {
    program
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument('<issue-id>', 'issue id (the issue file name without .yaml), or a test send id')
      .action(async (issueId: string) => {
        const config = loadConfig(readEnvironment());
        const [{ withCampaignClient }, control, { assertCampaignId }] = await Promise.all([
          import('../../campaign/campaign-client.ts'),
          import('../../campaign/control.ts'),
          import('../../campaign/records/ids.ts'),
        ]);
        assertCampaignId(issueId);
        const run = { pause: control.pauseCampaign, resume: control.resumeCampaign, cancel: control.cancelCampaign }[action];
        const status = await withCampaignClient(config, async (c) => {
          const done = await run(c, issueId);
          await recordCliAudit(c.redis, c.partitions.base, config, action, issueId);
          return done;
        });
        process.stdout.write(`${formatStatus(status)}\n`);
        const still = (status as { stillInFlight?: number }).stillInFlight;
        if (still)
          process.stderr.write(
            `newsletter ${action}: ${count(still, 'message')} ${byCount(still, 'was', 'were')} still in flight when the wait ran out (a worker that stopped answering?); ${byCount(still, 'it', 'none of them')} can be delivered now (each is checked before its final dot)\n`,
          );
      });
  }
}
