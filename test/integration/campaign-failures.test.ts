// Issue 4 acceptance (c): the sink answers 451 to a third of messages at random → all are
// delivered, none twice; it answers 550 for some addresses → those are bounced and suppressed,
// never retried (the sink saw each once), and the next issue's send skips them. The send's report
// counts the bounces and deferrals by receiving domain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.ts';
import { deliverJobId } from '../../src/campaign/records/ids.ts';
import { ClickStore } from '../../src/reports/click-store.ts';
import { issueReport } from '../../src/use-cases/issue-report.ts';
import { expectLedgerMatches, startCampaignHarness, type CampaignHarness, type Seeded } from './campaign-harness.ts';

const N = 600;

describe('SMTP failures during a send', () => {
  let h: CampaignHarness;
  let subscribers: Seeded[];
  const attempts = new Map<string, number>();
  let tempFailures = 0;
  let stubbornAccepts = false;
  // reader-0, reader-50, reader-100, …: every 50th address does not exist.
  const rejected = (email: string) => Number(/^reader-(\d+)@/.exec(email)?.[1] ?? 1) % 50 === 0;

  beforeAll(async () => {
    h = await startCampaignHarness({
      reply(to) {
        attempts.set(to, (attempts.get(to) ?? 0) + 1);
        if (rejected(to)) return { code: 550, message: `5.1.1 <${to}>: no such user` };
        if (to.startsWith('stubborn') && !stubbornAccepts) return { code: 451, message: '4.7.1 greylisted, forever' };
        if (Math.random() < 1 / 3) {
          tempFailures++;
          return { code: 451, message: '4.3.0 try again later' };
        }
        return null;
      },
    });
    subscribers = await h.seed(N);
    await h.startWorker({}, 16);
  });

  afterAll(async () => h?.close());

  it('retries 451s until delivered, bounces 550s once, and suppresses them', async () => {
    const bounced = subscribers.filter((s) => rejected(s.email));
    expect(bounced.length).toBe(12);
    const published = await h.publish();
    await h.send(published);
    const status = await h.waitForState(published.issueId, ['done'], 60_000);

    expect(tempFailures).toBeGreaterThan(N / 5); // the retries were really exercised
    const received = h.receivedPerAddress();
    for (const s of subscribers) {
      if (rejected(s.email)) {
        expect(received.get(s.email) ?? 0).toBe(0);
        expect(attempts.get(s.email), `${s.email} was retried after a 550`).toBe(1);
      } else {
        expect(received.get(s.email) ?? 0, s.email).toBe(1);
      }
    }
    expect(status).toMatchObject({ state: 'done', total: N, sent: N - bounced.length, bounced: bounced.length, failed: 0, unknown: 0, skipped: 0, queued: 0 });
    await expectLedgerMatches(h, published.issueId);
    // The report counts what did not go well by receiving domain (issue 29): every 550 once, every 451 once.
    const report = await issueReport({ sends: h.sends, clicks: new ClickStore(h.redis, h.keys) }, published.issueId);
    expect(report.domains).toEqual([{ domain: 'example.test', bounced: bounced.length, deferred: tempFailures, failed: 0 }]);
    for (const s of bounced) {
      expect((await h.store.get(s.id))?.status).toBe('bounced');
      expect(await h.ledger.state(published.issueId, s.id)).toBe('bounced');
    }
    // Nothing left in the failed set either: a bounce is a final outcome, not a job error.
    expect(await h.queues.deliver.getJobCounts('failed', 'waiting', 'delayed')).toMatchObject({ failed: 0, waiting: 0, delayed: 0 });
  });

  it('the next issue skips the bounced addresses', async () => {
    const before = new Map(attempts);
    const sinkBefore = h.sink.messages.length;
    const next = await h.publish('pretrain-weekly-065');
    await h.send(next);
    const status = await h.waitForState(next.issueId, ['done'], 60_000);
    const bounced = subscribers.filter((s) => rejected(s.email));
    expect(status, JSON.stringify(status)).toMatchObject({ total: N - bounced.length, sent: N - bounced.length, bounced: 0 });
    for (const s of bounced) expect(attempts.get(s.email)).toBe(before.get(s.email));
    expect(h.sink.messages.length - sinkBefore).toBe(N - bounced.length);
  });

  it('transient errors until the attempts run out end as failed; bad jobs fail alone, the worker goes on', async () => {
    const { subscriber: stubborn } = await h.store.create({ email: 'stubborn@example.test', lists: [h.listId], status: 'active' });
    // Garbage, and a job for a send that does not exist: each fails by itself with a log line.
    await h.queues.deliver.add('deliver', { nonsense: true } as never, { jobId: 'garbage-1', attempts: 1 });
    await h.queues.deliver.add('deliver', { campaignId: 'never-published', subscriberId: '1' }, { jobId: 'never-published-1', attempts: 1 });
    const published = await h.publish('pretrain-weekly-066');
    await h.send(published);
    const status = await h.waitForState(published.issueId, ['done'], 60_000);
    expect(status.failed).toBe(1);
    expect(await h.ledger.state(published.issueId, stubborn.id)).toBe('failed');
    expect(attempts.get('stubborn@example.test')).toBe(12); // DELIVER_ATTEMPTS
    await expectLedgerMatches(h, published.issueId);
    const failed = await h.queues.deliver.getFailed();
    expect(failed.map((j) => j.id).sort()).toEqual(['garbage-1', 'never-published-1']);
    expect(failed.find((j) => j.id === 'garbage-1')?.failedReason).toMatch(/bad data/);
    expect(failed.find((j) => j.id === 'never-published-1')?.failedReason).toMatch(/never-published does not exist/);
  });

  it('a second send retries the failed address, even when BullMQ still holds a failed job with its id', async () => {
    const issueId = 'pretrain-weekly-066';
    const stubborn = (await h.store.findByEmail('stubborn@example.test'))!;
    expect(await h.ledger.state(issueId, stubborn.id)).toBe('failed');
    // A job of the first send that failed for good and was kept (as older options did): the
    // re-send must not be silently ignored by BullMQ because of its id.
    const jobId = deliverJobId(issueId, stubborn.id);
    await h.queues.deliver.add('deliver', { nonsense: true } as never, { jobId, attempts: 1 });
    await waitUntil('the planted job to fail', async () => Boolean(await (await h.queues.deliver.getJob(jobId))?.isFailed()));
    stubbornAccepts = true;
    const { startListSend } = await import('../../src/campaign/start-send.ts');
    await startListSend({ ...h.sends, store: h.store }, await h.publish(issueId), { retryFailed: true });
    const status = await h.waitForState(issueId, ['done'], 30_000);
    expect(status).toMatchObject({ failed: 0, queued: 0 });
    expect(await h.ledger.state(issueId, stubborn.id)).toBe('sent');
    expect(h.receivedPerAddress(issueId).get('stubborn@example.test')).toBe(1);
    await expectLedgerMatches(h, issueId);
  });
});
