// Cancelling a send takes its deliver jobs that no worker holds off the queue: before, they
// stayed "waiting" and drained at the rate limit with no mail sent. Another send's jobs stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCampaign } from '../../src/campaign/records/campaign-record.ts';
import { cancelCampaign } from '../../src/campaign/control.ts';
import { deliverJobId } from '../../src/campaign/records/ids.ts';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const N = 120;

describe('cancel removes the waiting jobs', () => {
  let h: CampaignHarness;
  beforeAll(async () => {
    // Two messages a second: the fan-out queues everyone long before they could be sent.
    h = await startCampaignHarness({ rateLimitPerSecond: 2 });
    await h.seed(N);
    await h.startWorker({}, 2);
  });
  afterAll(async () => h?.close());

  it('leaves no job of the cancelled send waiting, and keeps an unrelated job', async () => {
    const published = await h.publish();
    await h.send(published);
    await waitUntil('the fan-out to queue every subscriber', async () => (await readCampaign(h.redis, h.keys, published.issueId))?.total === N);
    const ours = () =>
      h.queues.deliver.getRanges(['wait', 'delayed', 'prioritized'], 0, -1).then((ids) => ids.filter((id) => id.startsWith(`${published.issueId}-`)));
    expect((await ours()).length).toBeGreaterThan(N / 2);
    // Someone else's job in the same queue (another campaign's id), held back by a delay.
    const other = await h.queues.deliver.add('deliver', { campaignId: 'other-issue-001', subscriberId: '1' } as never, {
      jobId: deliverJobId('other-issue-001', '1'),
      delay: 3_600_000,
    });

    const status = await cancelCampaign(h.sends, published.issueId);
    // At most the two the worker holds (concurrency 2, waiting on the rate limit) come back to
    // finish as no-ops; every other job of the send is gone.
    expect((await ours()).length).toBeLessThanOrEqual(2);
    expect(await other.getState()).toBe('delayed');
    expect(status.state).toBe('cancelled');
    await h.waitForDeliverQueueAtRest();
    const final = await h.status(published.issueId);
    expect(final.sent + final.skipped).toBe(N);
    expect(final.queued).toBe(0);
    await expectLedgerMatches(h, published.issueId);
    await other.remove();
  });
});
