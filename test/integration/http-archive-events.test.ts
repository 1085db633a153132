// GET /issues/:id/events/:n.ics: an issue's event as an iCalendar file (RFC 5545), from the real
// publish step, and the "Add to calendar" link on the issue's web page that points at it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { foldLine, icsText } from '../../src/render/calendar.ts';
import { publishWithSendUnderWay } from '../helpers/sample-issues.ts';
import { createRenderer } from '../../src/render/index.ts';
import { startHttpHarness, type HttpHarness } from './http-harness.ts';

let h: HttpHarness;
let publishedAt: string;

beforeAll(async () => {
  h = await startHttpHarness();
  const { issue, newsletter, templates } = await loadIssueFile('emails/issues/shipping-log-031.yaml');
  const rendered = await createRenderer(templates, { assetsUrl: h.config.assetsUrl, encodedSizes }).renderIssue(issue, newsletter);
  publishedAt = (await publishWithSendUnderWay(h, rendered, issue, newsletter)).publishedAt;
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Unfolds (RFC 5545 §3.1) and splits into [name, value] pairs. */
function parse(body: string): Array<[string, string]> {
  return body
    .replace(/\r\n /g, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

describe('GET /issues/:id/events/:n.ics', () => {
  it('serves the first event as text/calendar with CRLF lines, UTC times, a UID on the PUBLIC_URL host', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/issues/shipping-log-031/events/1.ics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.body.endsWith('\r\n')).toBe(true);
    expect(res.body.replace(/\r\n/g, '')).not.toContain('\n');
    for (const line of res.body.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const fields = parse(res.body);
    const stamp = publishedAt.replace(/\.\d{3}/, '').replace(/[-:]/g, '');
    expect(fields).toEqual([
      ['BEGIN', 'VCALENDAR'],
      ['VERSION', '2.0'],
      ['PRODID', '-//newsletter//issue events//EN'],
      ['CALSCALE', 'GREGORIAN'],
      ['METHOD', 'PUBLISH'],
      ['BEGIN', 'VEVENT'],
      ['UID', 'shipping-log-031-1@news.example.test'],
      ['DTSTAMP', stamp],
      ['DTSTART', '20240328T170000Z'],
      ['DTEND', '20240328T180000Z'],
      ['SUMMARY', 'Queue design office hours'],
      ['LOCATION', 'https://relay-labs.example/live/queue-office-hours'],
      ['URL', 'https://relay-labs.example/live/queue-office-hours'],
      [
        'DESCRIPTION',
        'Bring your retry policy and your worst incident graph\\; we will go through as many as we can in an hour.\\nRegister: https://relay-labs.example/live/queue-office-hours/register\\nhttps://relay-labs.example/events/queue-office-hours',
      ],
      ['END', 'VEVENT'],
      ['END', 'VCALENDAR'],
    ]);
  });

  it('the second event: its offset turned into UTC, its place as LOCATION (commas escaped)', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/issues/shipping-log-031/events/2.ics' });
    expect(res.statusCode).toBe(200);
    const fields = Object.fromEntries(parse(res.body));
    expect(fields).toMatchObject({
      UID: 'shipping-log-031-2@news.example.test',
      DTSTART: '20240411T173000Z',
      DTEND: '20240411T200000Z',
      SUMMARY: 'Relay meetup\\, Bristol',
      LOCATION: 'The Engine Shed\\, Station Approach\\, Bristol BS1 6QH',
      URL: 'https://relay-labs.example/events/bristol-april',
    });
  });

  it('404 for an event without a start, an n past the end, a bad n and an unknown issue', async () => {
    for (const url of [
      '/issues/shipping-log-031/events/3.ics',
      '/issues/shipping-log-031/events/4.ics',
      '/issues/shipping-log-031/events/0.ics',
      '/issues/shipping-log-031/events/x.ics',
      '/issues/shipping-log-031/events/01.ics',
      '/issues/nope-001/events/1.ics',
    ]) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    // Branded with the newsletter the URL names (Shipping Log), not the default (《预训练周刊》) nor the browser's language's.
    const missing = await h.app.inject({ method: 'GET', url: '/issues/shipping-log-031/events/4.ics', headers: { 'accept-language': 'zh-CN' } });
    expect(missing.body).toContain('Shipping Log');
    expect(missing.body).not.toContain('预训练周刊');
  });

  it('the issue page links each event with a start to its .ics file', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/issues/shipping-log-031' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="${h.config.publicUrl}/issues/shipping-log-031/events/1.ics"`);
    expect(res.body).toContain(`href="${h.config.publicUrl}/issues/shipping-log-031/events/2.ics"`);
    expect(res.body).not.toContain('/events/3.ics');
  });
});

describe('iCalendar text', () => {
  it('escapes backslash, semicolon, comma and newline; folds at 75 octets without splitting a character', () => {
    expect(icsText('a\\b; c, d\ne')).toBe('a\\\\b\\; c\\, d\\ne');
    const folded = foldLine(`SUMMARY:${'预训练'.repeat(20)}`);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'预训练'.repeat(20)}`);
  });
});
