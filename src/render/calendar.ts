// An issue's events with a `start`, as the web archive serves them: one iCalendar file (RFC 5545)
// per event at /issues/<id>/events/<n>.ics, n counting every event of the issue from 1 in file
// order (view-model.ts prints the same n in the "Add to calendar" link). Pure: no fs, no clock.
import type { Issue } from '../content/schema.ts';

export interface CalendarEvent {
  /** The event's number in the issue (1-based, over every events section). */
  n: number;
  title: string;
  /** ISO date-times with offset, as written. */
  start: string;
  end?: string;
  place?: string;
  online?: string;
  registration?: string;
  summary?: string;
  /** The event's page. */
  url: string;
}

/** Every event of the issue that has a start, numbered as the templates number them. */
export function calendarEvents(issue: Issue): CalendarEvent[] {
  const found: CalendarEvent[] = [];
  let n = 0;
  for (const section of issue.sections) {
    if (section.kind !== 'events') continue;
    for (const e of section.events) {
      n += 1;
      if (!e.start) continue;
      found.push({
        n,
        title: e.title,
        start: e.start,
        url: e.url,
        ...(e.end ? { end: e.end } : {}),
        ...(e.place ? { place: e.place } : {}),
        ...(e.online ? { online: e.online } : {}),
        ...(e.registration ? { registration: e.registration } : {}),
        ...(e.summary ? { summary: e.summary } : {}),
      });
    }
  }
  return found;
}

/** 2024-03-28T18:00:00+01:00 → 20240328T170000Z (UTC form, so no VTIMEZONE is needed). */
export function icsDateTime(iso: string | Date): string {
  return new Date(iso)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
}

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline. */
export function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

const encoder = new TextEncoder();

/** Folds a content line at 75 octets (§3.1): continuation lines start with one space; never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    const limit = out.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

export interface IcsOptions {
  /** Globally unique: `<issue>-<n>@<PUBLIC_URL host>`. */
  uid: string;
  /** When the file's content was made: the issue's publication time. */
  stamp: string | Date;
  /** The locale's word before the registration link in the description (`Register`). */
  registerLabel: string;
}

/** One VEVENT in a VCALENDAR, CRLF line ends, folded, times in UTC. */
export function eventIcs(event: CalendarEvent, options: IcsOptions): string {
  const description = [event.summary, event.registration ? `${options.registerLabel}: ${event.registration}` : undefined, event.url].filter(Boolean).join('\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//newsletter//issue events//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    `DTSTAMP:${icsDateTime(options.stamp)}`,
    `DTSTART:${icsDateTime(event.start)}`,
    ...(event.end ? [`DTEND:${icsDateTime(event.end)}`] : []),
    `SUMMARY:${icsText(event.title)}`,
    ...(event.place ? [`LOCATION:${icsText(event.place)}`] : event.online ? [`LOCATION:${icsText(event.online)}`] : []),
    `URL:${event.online ?? event.url}`,
    `DESCRIPTION:${icsText(description)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
