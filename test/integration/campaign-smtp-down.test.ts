// The SMTP server dies mid-send (every connection reset, new ones refused, as after a SIGKILL)
// and comes back later. The send pauses itself with the reason instead of burning each
// message's attempts, resumes by itself once the server answers, and ends with every subscriber
// sent: none lost, and every real duplicate (a message accepted just as the server died) counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 300;

describe('SMTP server down, then back', () => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  beforeAll(async () => {
    h = await startCampaignHarness({ rateLimitPerSecond: 200 });
    subscribers = await h.seed(N);
    await h.startWorker({ smtpRecheckMs: 100 }, 8);
  });
  afterAll(async () => h?.close());

  it('pauses itself while it is unreachable, resumes by itself, loses nothing', async () => {
    const published = await h.publish();
    await h.send(published);
    await h.sink.waitFor(N / 4);
    h.sink.down();

    const paused = await h.waitForState(published.issueId, ['paused']);
    expect(paused.pausedReason).toMatch(/unreachable \(ECONNREFUSED\)/);
    expect(paused.resumesBySelf).toBe(true);
    expect(paused.failed).toBe(0);

    // Still paused while down: the check keeps finding the server gone.
    await h.waitForDeliverQueueAtRest();
    expect((await h.status(published.issueId)).state).toBe('paused');

    await h.sink.up();
    const done = await h.waitForState(published.issueId, ['done']);
    expect(done).toMatchObject({ total: N, sent: N, failed: 0, bounced: 0, skipped: 0, unknown: 0 });
    expect(done.resumesBySelf).toBeUndefined();
    const received = h.receivedPerAddress(published.issueId);
    let duplicates = 0;
    for (const s of subscribers) {
      const copies = received.get(s.email) ?? 0;
      expect(copies, s.email).toBeGreaterThanOrEqual(1);
      duplicates += copies - 1;
    }
    // A message the server took just as it died was re-sent: counted, never silent.
    expect(duplicates).toBeLessThanOrEqual(done.possibleDuplicates);
    await expectLedgerMatches(h, published.issueId);
  });
});
