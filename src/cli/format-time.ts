// A time as an editor reads it in CLI output: in a time zone (the newsletter's, else this
// machine's), with that zone's offset and name, and in UTC, e.g.
// "2025-06-02 08:00 +08:00 Asia/Shanghai (2025-06-02 00:00 UTC)". Stored and JSON times stay ISO.

/** This machine's time zone (TZ, else /etc/localtime), e.g. Europe/Berlin; UTC when unknown. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** "2025-06-02 08:00" (":ss" only when the seconds are not 0) and "+08:00" in `timeZone`. */
function wallClock(date: Date, timeZone: string): { text: string; offset: string } {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  const seconds = p.second && p.second !== '00' ? `:${p.second}` : '';
  // "GMT+05:30", "GMT-03:00", or "GMT" for a zero offset.
  const offset = (p.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return { text: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${seconds}`, offset };
}

/**
 * `when` in `timeZone` (default: this machine's) with its offset and name, then in UTC; only
 * once when the zone is UTC. An unparseable time is returned as it is.
 */
export function formatTime(when: string | Date, timeZone = localTimeZone()): string {
  const date = typeof when === 'string' ? new Date(when) : when;
  if (Number.isNaN(date.getTime())) return String(when);
  const utc = `${wallClock(date, 'UTC').text} UTC`;
  const local = wallClock(date, timeZone);
  if (local.offset === '+00:00' && /^(Etc\/)?(UTC|GMT|UCT|Zulu|Universal)$/i.test(timeZone)) return utc;
  return `${local.text} ${local.offset} ${timeZone} (${utc})`;
}
