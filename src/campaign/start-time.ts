// The start time of a scheduled send as an editor types it in the console: an ISO date and time
// with an offset (2026-12-08T08:00:00+08:00), or without one (2026-12-08T08:00, what a
// datetime-local field sends), which is read in the newsletter's time zone. Bad input gets a
// sentence that names the field and shows what to write, in the editor's words, not the CLI's.
import { UserError } from '../errors.ts';

export class StartTimeError extends UserError {
  override name = 'StartTimeError';
  /** Why: text that is no date and time, or a time already past. */
  constructor(
    message: string,
    readonly reason: 'invalid' | 'past' = 'invalid',
  ) {
    super(message);
  }
}

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Minutes `timeZone` is ahead of UTC at the instant `utcMs`. */
function offsetMinutes(utcMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** The instant the wall-clock time (y-m-d h:m:s) shows in `timeZone`. */
export function wallClockToDate(y: number, m: number, d: number, h: number, min: number, s: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, h, min, s);
  // Twice: the first offset may be the one on the other side of a daylight-saving change.
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess - offsetMinutes(first, timeZone) * 60_000);
}

/**
 * The start time, or undefined for an empty field (start now). Throws StartTimeError for text
 * that is not a date and time, or one more than a minute in the past.
 */
export function parseStartTime(raw: string, timeZone: string, now = Date.now()): Date | undefined {
  const text = raw.trim();
  if (!text) return undefined;
  let when: Date;
  const wall = WALL_CLOCK.exec(text);
  if (wall) {
    const [y, m, d, h, min, s] = wall.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    when = wallClockToDate(y, m, d, h, min, s, timeZone);
    if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23 || min > 59 || s > 59) when = new Date(Number.NaN);
  } else {
    when = WITH_OFFSET.test(text) ? new Date(text) : new Date(Number.NaN);
  }
  if (Number.isNaN(when.getTime())) {
    throw new StartTimeError(
      `Start time: “${text.slice(0, 40)}” is not a date and time. Write it as 2026-12-08T08:00 (read in ${timeZone}) or with an offset, 2026-12-08T08:00+08:00; leave it empty to send now.`,
    );
  }
  if (when.getTime() < now - 60_000) throw new StartTimeError(`Start time: ${text} is in the past. Give a later time, or leave it empty to send now.`, 'past');
  return when;
}
