import { describe, expect, it } from 'vitest';
import type { CampaignStatus } from '../../src/campaign/types.ts';
import { watchView } from '../../src/cli/status-view.ts';

const base: CampaignStatus = {
  issueId: 'i',
  state: 'sending',
  total: 1000,
  queued: 600,
  sent: 390,
  failed: 5,
  bounced: 3,
  skipped: 2,
  unknown: 0,
  possibleDuplicates: 0,
};

describe('status --watch view', () => {
  it('a sending send: settled messages and the time left at the current rate', () => {
    expect(watchView(base, 20)).toEqual({ value: 400, eta: '30s' });
    expect(watchView(base, 2)).toEqual({ value: 400, eta: '5m 00s' });
    expect(watchView({ ...base, queued: 600_000, total: 1_000_000 }, 100)).toEqual({ value: 400_000, eta: '1h 40m' });
  });

  it('no rate yet, paused or scheduled: no number, never NaN', () => {
    expect(watchView(base, 0)).toEqual({ value: 400, eta: '—' });
    expect(watchView({ ...base, state: 'paused' }, 0).eta).toBe('paused');
    expect(watchView({ ...base, state: 'scheduled', queued: 1000, sent: 0, failed: 0, bounced: 0, skipped: 0 }, 0)).toEqual({ value: 0, eta: 'scheduled' });
    expect(watchView(base, Number.NaN).eta).toBe('—');
  });

  it('a cancelled send: the bar stops where sending stopped, not full', () => {
    expect(watchView({ ...base, state: 'cancelled', queued: 0, skipped: 602 }, 0)).toEqual({ value: 398, eta: '0s' });
  });
});
