// Jobs queued by a version before the job data's campaign id was named `campaignId` (it was
// `issueId`, holding the same campaign id) still run after an upgrade: a fan-out job and a
// deliver job found in the queues with `issueId` send the issue, once to each subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCampaign } from '../../src/campaign/records/campaign-record.ts';
import { deliverJobId, fanoutJobId } from '../../src/campaign/records/ids.ts';
import { DELIVER_JOB_NAME, DELIVER_JOB_OPTIONS, FANOUT_JOB_OPTIONS } from '../../src/campaign/queue/queues.ts';
import type { DeliverJobData, FanoutJobData, PublishedIssue } from '../../src/campaign/types.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

describe('jobs queued with the old field name (issueId)', () => {
  let h: CampaignHarness;

  beforeAll(async () => {
    h = await startCampaignHarness();
    await h.startWorker();
  });
  afterAll(async () => h?.close());

  const start = (published: PublishedIssue, expected: number) =>
    startCampaign(h.redis, h.keys, {
      campaignId: published.issueId,
      issueId: published.issueId,
      mode: 'list',
      listId: h.listId,
      contentHash: published.contentHash,
      state: 'sending',
      expected,
    });

  it('a fan-out job { issueId, run } adds the deliver jobs, and every subscriber gets one copy', async () => {
    const readers = await h.seed(5, 'old-fanout');
    const published = await h.publish('old-fanout-issue');
    const run = await start(published, readers.length);
    const old = { issueId: published.issueId, run } as unknown as FanoutJobData;
    await h.queues.fanout.add('fanout', old, { ...FANOUT_JOB_OPTIONS, jobId: fanoutJobId(published.issueId, run) });
    expect(await h.waitForState(published.issueId, ['done'])).toMatchObject({ sent: 5, total: 5 });
    const received = h.receivedPerAddress(published.issueId);
    for (const r of readers) expect(received.get(r.email)).toBe(1);
    await expectLedgerMatches(h, published.issueId);
  });

  it('a deliver job { issueId, subscriberId } is sent and settled in the ledger', async () => {
    const [reader] = await h.seed(1, 'old-deliver');
    const published = await h.publish('old-deliver-issue');
    await start(published, 1);
    await h.ledger.register(published.issueId, [reader!.id], '');
    await h.ledger.fanoutDone(published.issueId);
    const old = { issueId: published.issueId, subscriberId: reader!.id } as unknown as DeliverJobData;
    await h.queues.deliver.add(DELIVER_JOB_NAME, old, { ...DELIVER_JOB_OPTIONS, jobId: deliverJobId(published.issueId, reader!.id) });
    expect(await h.waitForState(published.issueId, ['done'])).toMatchObject({ sent: 1, total: 1 });
    expect(h.receivedPerAddress(published.issueId).get(reader!.email)).toBe(1);
  });
});
