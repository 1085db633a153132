// A failure every message would meet (here: the SMTP server refuses our login) pauses the send
// with the reason in its status, instead of burning each message's attempts; once it is fixed,
// resume delivers every message exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeCampaign } from '../../src/campaign/control.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 60;

describe('SMTP authentication refused', () => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  let passwordFixed = false;
  beforeAll(async () => {
    h = await startCampaignHarness({ login: { user: 'newsletter', pass: 'secret-pass', accept: () => passwordFixed } });
    subscribers = await h.seed(N);
    await h.startWorker({}, 8);
  });
  afterAll(async () => h?.close());

  it('pauses the send with the reason; resume after the fix delivers everything once', async () => {
    const published = await h.publish();
    await h.send(published);
    const paused = await h.waitForState(published.issueId, ['paused']);
    expect(paused.pausedReason).toMatch(/535/);
    expect(paused.pausedReason).toMatch(/EAUTH|Authentication/);
    // Nobody failed or bounced for it: they are all still queued, nothing was sent.
    expect(paused).toMatchObject({ sent: 0, failed: 0, bounced: 0, queued: N });
    await h.waitForDeliverQueueAtRest();
    expect(h.sink.messages).toHaveLength(0);
    // No subscriber was suppressed because of our own login problem.
    for (const s of subscribers.slice(0, 5)) expect((await h.store.get(s.id))?.status).toBe('active');

    passwordFixed = true;
    const resumed = await resumeCampaign(h.sends, published.issueId);
    expect(resumed.pausedReason).toBeUndefined();
    const done = await h.waitForState(published.issueId, ['done']);
    expect(done).toMatchObject({ total: N, sent: N, failed: 0, possibleDuplicates: 0 });
    const received = h.receivedPerAddress(published.issueId);
    for (const s of subscribers) expect(received.get(s.email), s.email).toBe(1);
    await expectLedgerMatches(h, published.issueId);
  });
});
