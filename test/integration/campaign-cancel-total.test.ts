// Cancel before the fan-out has reached everyone: `total` stays the number of subscribers the
// send was for, and those never reached are counted skipped, so every subscriber is in exactly
// one of sent, failed, bounced, skipped, unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelCampaign } from '../../src/campaign/control.ts';
import { readCampaign } from '../../src/campaign/records/campaign-record.ts';
import { waitUntil } from '../helpers/wait.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const N = 400;

describe('cancel part-way through the fan-out', () => {
  let h: CampaignHarness;
  beforeAll(async () => {
    h = await startCampaignHarness();
    await h.seed(N);
    // A small window: the fan-out registers a few dozen at a time.
    await h.startWorker({ fanout: { chunkSize: 20, window: 30, pollMs: 20 } }, 4);
  });
  afterAll(async () => h?.close());

  it('keeps total at the list size and counts the unreached as skipped', async () => {
    const held = h.sink.hold(() => true);
    const published = await h.publish();
    await h.send(published);
    await held.waitForHeld(4);
    await waitUntil('the first chunks to be registered', async () => ((await readCampaign(h.redis, h.keys, published.issueId))?.total ?? 0) > 0);
    const control = h.sends;
    const cancelling = cancelCampaign(control, published.issueId);
    await waitUntil('the send to be cancelled', async () => (await h.status(published.issueId)).state === 'cancelled');
    held.release();
    const status = await cancelling;
    await h.waitForDeliverQueueAtRest();
    const record = (await readCampaign(h.redis, h.keys, published.issueId))!;
    expect(record.total).toBeLessThan(N); // the fan-out had not reached everyone…
    const final = await h.status(published.issueId);
    expect(final).toEqual(status);
    // …yet the send counts all of them, each exactly once.
    // (The four held when it was cancelled were withdrawn before their final dot.)
    expect(final).toMatchObject({ state: 'cancelled', total: N, sent: 0, skipped: N, queued: 0, failed: 0, unknown: 0 });
    expect(h.receivedPerAddress(published.issueId).size).toBe(0);
    await expectLedgerMatches(h, published.issueId);
  });
});
