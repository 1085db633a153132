// The console's start time: ISO with an offset, or a wall-clock time read in the newsletter's
// zone (daylight saving included); bad or past input gets the editor's wording.
import { describe, expect, it } from 'vitest';
import { parseStartTime, StartTimeError } from '../../src/campaign/start-time.ts';

const NOW = Date.parse('2026-12-07T00:00:00Z');

describe('parseStartTime', () => {
  it('reads a time without an offset in the newsletter’s zone', () => {
    expect(parseStartTime('2026-12-08T08:00', 'Asia/Shanghai', NOW)?.toISOString()).toBe('2026-12-08T00:00:00.000Z');
    expect(parseStartTime('2026-12-08 08:00:30', 'UTC', NOW)?.toISOString()).toBe('2026-12-08T08:00:30.000Z');
    // London is on summer time in July (UTC+1), on GMT in December.
    expect(parseStartTime('2027-07-01T09:00', 'Europe/London', NOW)?.toISOString()).toBe('2027-07-01T08:00:00.000Z');
    expect(parseStartTime('2026-12-09T09:00', 'Europe/London', NOW)?.toISOString()).toBe('2026-12-09T09:00:00.000Z');
    expect(parseStartTime('2027-03-28T03:30', 'America/New_York', NOW)?.toISOString()).toBe('2027-03-28T07:30:00.000Z');
  });

  it('takes an offset as written, and an empty field as "now"', () => {
    expect(parseStartTime('2026-12-08T08:00:00+08:00', 'Europe/London', NOW)?.toISOString()).toBe('2026-12-08T00:00:00.000Z');
    expect(parseStartTime('2026-12-08T08:00Z', 'Asia/Shanghai', NOW)?.toISOString()).toBe('2026-12-08T08:00:00.000Z');
    expect(parseStartTime('   ', 'UTC', NOW)).toBeUndefined();
  });

  it('answers text that is not a time, an impossible one or a past one in the editor’s words', () => {
    for (const bad of ['next tuesday', '2026-13-01T08:00', '2026-12-08', '08:00', '2026-12-08T25:00']) {
      expect(() => parseStartTime(bad, 'UTC', NOW), bad).toThrow(StartTimeError);
      expect(() => parseStartTime(bad, 'UTC', NOW), bad).toThrow(/^Start time: .* is not a date and time\. Write it as 2026-12-08T08:00 \(read in UTC\)/);
    }
    expect(() => parseStartTime('2026-12-01T08:00', 'UTC', NOW)).toThrow(/is in the past/);
    expect(() => parseStartTime('next tuesday', 'UTC', NOW)).not.toThrow(/--at/);
  });
});
