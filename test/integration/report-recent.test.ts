// The report's "this issue and the ones before it" (issue 29): the list's sends up to the one
// reported, newest five, oldest first, each with its own rates; and the sends per minute of the
// timeline add up to the messages sent. Real sends through the worker into the SMTP sink.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickStore } from '../../src/reports/click-store.ts';
import { issueReport, RECENT_SHOWN } from '../../src/use-cases/issue-report.ts';
import { startCampaignHarness, type CampaignHarness } from './campaign-harness.ts';

const IDS = ['weekly-a', 'weekly-b', 'weekly-c', 'weekly-d', 'weekly-e', 'weekly-f'];
let h: CampaignHarness;
let clicks: ClickStore;

beforeAll(async () => {
  h = await startCampaignHarness();
  clicks = new ClickStore(h.redis, h.keys);
  await h.seed(2);
  await h.startWorker({}, 4);
  // One after the other: each is published (and so placed in the archive) after the one before.
  for (const id of IDS) {
    await h.send(await h.publish(id));
    await h.waitForState(id, ['done']);
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('the last issues side by side', () => {
  it('shows the reported issue and the four before it, oldest first', async () => {
    const report = await issueReport({ sends: h.sends, clicks }, 'weekly-f');
    expect(RECENT_SHOWN).toBe(5);
    expect(report.recent.map((r) => r.issueId)).toEqual(IDS.slice(1));
    for (const row of report.recent) {
      expect(row.sent).toBe(2);
      expect(row.rates).toEqual({ click: null, unsubscribe: 0, bounce: 0, complaint: 0 });
      expect(Date.parse(row.startedAt!)).toBeGreaterThan(0);
    }
  });

  it('leaves out the issues published after the one reported', async () => {
    const report = await issueReport({ sends: h.sends, clicks }, 'weekly-c');
    expect(report.recent.map((r) => r.issueId)).toEqual(['weekly-a', 'weekly-b', 'weekly-c']);
  });

  it('counts every message sent in its minute', async () => {
    const report = await issueReport({ sends: h.sends, clicks }, 'weekly-a');
    expect(report.timeline.sentPerMinute.reduce((a, row) => a + row.sent, 0)).toBe(2);
    expect(report.timeline.clicksPerHour).toBeNull();
  });
});
