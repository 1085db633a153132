// A connection lost after the message data, before the server's reply: the sender cannot know
// whether the server took the message (RFC 5321 leaves it to the sender until it sees a 250).
// The sink here keeps such messages and drops the connection without answering, the worst case.
// Every one is sent again (nothing is lost, none ends `unknown`) and counted as a possible
// duplicate, and only those: the ledger's "data sent" mark tells them from the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 300;

describe('replies lost after the message data', () => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  const lost = new Set<string>();
  const seen = new Map<string, number>();

  beforeAll(async () => {
    h = await startCampaignHarness({
      // Every 10th reader's first transaction: kept by the server, the reply lost.
      reply: (to) => {
        const n = (seen.get(to) ?? 0) + 1;
        seen.set(to, n);
        const index = Number(/^reader-(\d+)@/.exec(to)?.[1] ?? -1);
        if (n === 1 && index % 10 === 0) {
          lost.add(to);
          return 'lose-reply';
        }
        return null;
      },
    });
    subscribers = await h.seed(N);
    await h.startWorker({}, 16);
  });
  afterAll(async () => h?.close());

  it('sends them again, ends with nothing unknown, and counts exactly those as possible duplicates', async () => {
    const published = await h.publish();
    await h.send(published);
    const status = await h.waitForState(published.issueId, ['done']);
    expect(lost.size).toBe(N / 10);
    expect(status).toMatchObject({ total: N, sent: N, unknown: 0, failed: 0, queued: 0, possibleDuplicates: N / 10 });
    const received = h.receivedPerAddress(published.issueId);
    for (const s of subscribers) expect(received.get(s.email), s.email).toBe(lost.has(s.email) ? 2 : 1);
    const inDoubt = new Set(await h.ledger.inDoubt(published.issueId));
    expect(new Set(subscribers.filter((s) => inDoubt.has(s.id)).map((s) => s.email))).toEqual(lost);
    await expectLedgerMatches(h, published.issueId);
  });
});
