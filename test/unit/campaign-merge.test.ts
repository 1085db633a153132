// mergeCampaigns: a send spread over partitions reads as one (counters summed, the state every
// partition agrees on, else the one that still moves), and one partition reads as itself.
import { describe, expect, it } from 'vitest';
import { mergeCampaigns, parseCampaign } from '../../src/campaign/records/campaign-record.ts';
import type { CampaignRecord } from '../../src/campaign/types.ts';

function shard(fields: Record<string, string>): CampaignRecord {
  return parseCampaign('w-1', { issueId: 'w-1', mode: 'list', listId: 'weekly', contentHash: 'h', run: '1', ...fields })!;
}

describe('mergeCampaigns', () => {
  it('one record, or none, is returned as it is', () => {
    const only = shard({ state: 'sending', total: '4', sent: '1', cursor: '17' });
    expect(mergeCampaigns([only])).toBe(only);
    expect(mergeCampaigns([null, only, null])).toBe(only);
    expect(mergeCampaigns([null, null])).toBeNull();
  });

  it('sums the counters and ends the fan-out only when every shard has', () => {
    const merged = mergeCampaigns([
      shard({
        state: 'done',
        total: '3',
        expected: '7',
        sent: '3',
        fanoutDone: '1',
        fanoutStarted: '1',
        startedAt: '2026-12-01T08:00:02Z',
        finishedAt: '2026-12-01T08:01:00Z',
      }),
      shard({
        state: 'sending',
        total: '4',
        sent: '2',
        skipped: '1',
        possibleDuplicates: '1',
        fanoutDone: '0',
        fanoutStarted: '1',
        startedAt: '2026-12-01T08:00:01Z',
      }),
    ])!;
    expect(merged).toMatchObject({
      state: 'sending',
      total: 7,
      expected: 7,
      sent: 5,
      skipped: 1,
      possibleDuplicates: 1,
      fanoutDone: false,
      fanoutStarted: true,
      startedAt: '2026-12-01T08:00:01Z',
      cursor: '',
    });
    expect(merged.finishedAt).toBeUndefined();
  });

  it('is done when every shard is done, finished when the last one finished', () => {
    const merged = mergeCampaigns([
      shard({ state: 'done', total: '2', sent: '2', fanoutDone: '1', finishedAt: '2026-12-01T08:01:00Z' }),
      shard({ state: 'done', total: '1', sent: '1', fanoutDone: '1', finishedAt: '2026-12-01T08:02:00Z' }),
    ])!;
    expect(merged).toMatchObject({ state: 'done', total: 3, sent: 3, fanoutDone: true, finishedAt: '2026-12-01T08:02:00Z' });
  });

  it('a pause anywhere shows as paused, with its reason; a cancel wins over everything', () => {
    const paused = mergeCampaigns([
      shard({ state: 'done' }),
      shard({ state: 'paused', pausedReason: 'SMTP server unreachable', pausedUntil: 'smtp-reachable' }),
    ])!;
    expect(paused).toMatchObject({ state: 'paused', pausedReason: 'SMTP server unreachable', pausedUntil: 'smtp-reachable' });
    const cancelled = mergeCampaigns([shard({ state: 'paused', pausedReason: 'x' }), shard({ state: 'cancelled', finishedAt: '2026-12-01T09:00:00Z' })])!;
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.pausedReason).toBeUndefined();
    expect(cancelled.finishedAt).toBe('2026-12-01T09:00:00Z');
  });
});
