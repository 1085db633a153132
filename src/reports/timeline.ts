// The report's timeline from the counts kept per minute (messages sent) and per hour (clicks):
// sparse counters become a row per minute or hour, zeros included, so a chart has no gaps. Pure.
import type { HourCount } from './click-store.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Minutes shown at most: a day. A longer send shows its first day (its rate is clear by then). */
export const MAX_MINUTES = 24 * 60;
/** Clicks are shown for the week after the send started. */
export const CLICK_HOURS = 7 * 24;

export interface MinuteRow {
  /** The minute's start, ISO 8601 UTC. */
  at: string;
  sent: number;
}

export interface HourRow {
  /** The hour's start, ISO 8601 UTC. */
  at: string;
  human: number;
  machine: number;
}

/** Every minute from the first with a message sent to the last (at most MAX_MINUTES), zeros filled. */
export function minuteRows(perMinute: ReadonlyMap<number, number>): MinuteRow[] {
  const minutes = [...perMinute.keys()];
  if (!minutes.length) return [];
  const first = Math.min(...minutes);
  const last = Math.min(Math.max(...minutes), first + MAX_MINUTES - 1);
  const rows: MinuteRow[] = [];
  for (let m = first; m <= last; m++) rows.push({ at: new Date(m * MINUTE_MS).toISOString(), sent: perMinute.get(m) ?? 0 });
  return rows;
}

/**
 * The CLICK_HOURS hours from the one `startMs` falls in, zeros filled; clicks outside them (a
 * reader who comes back a month later) are left out of the chart, not of the totals.
 */
export function hourRows(hours: readonly HourCount[], startMs: number): HourRow[] {
  const first = Math.floor(startMs / HOUR_MS);
  const byHour = new Map(hours.map((h) => [h.hour, h]));
  const rows: HourRow[] = [];
  for (let h = first; h < first + CLICK_HOURS; h++) {
    const row = byHour.get(h);
    rows.push({ at: new Date(h * HOUR_MS).toISOString(), human: row?.human ?? 0, machine: row?.machine ?? 0 });
  }
  return rows;
}
