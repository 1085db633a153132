// The newer block kinds in an issue file: each loads when written right, and each mistake is one
// line naming the field (file:line path: what was expected).
import { copyFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError, loadIssueFile } from '../../src/content/index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'content-blocks-'));
  await mkdir(join(dir, 'issues'));
  await mkdir(join(dir, 'newsletters'));
  await copyFile('test/fixtures/content/emails/newsletters/fixture-weekly.yaml', join(dir, 'newsletters', 'fixture-weekly.yaml'));
  await cp('emails/templates', join(dir, 'templates'), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const head = 'newsletter: fixture-weekly\nnumber: 1\ndate: "2024-01-01"\nsubject: S\npreheader: P\nsections:\n';
let count = 0;
async function load(sections: string) {
  const path = join(dir, 'issues', `blocks-${++count}.yaml`);
  await writeFile(path, head + sections);
  return { path, load: () => loadIssueFile(path) };
}
async function message(sections: string): Promise<string> {
  const { path, load: run } = await load(sections);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  return (error as Error).message.replace(path, 'FILE');
}

describe('good blocks load', () => {
  it('button, quote, image with caption, links, event with start, sponsor and divider', async () => {
    const { load: run } = await load(`  - kind: button
    label: Read the report
    url: https://a.example/report
    note: Free, no sign-up.
  - kind: quote
    text: Jitter was the whole fix.
    source: Priya
    url: https://a.example/post
  - kind: image
    image: { src: "https://a.example/x.png", alt: A chart, width: 600, height: 300 }
    caption: Retries per minute.
  - kind: links
    title: Briefs
    items:
      - { title: One, url: "https://a.example/1", summary: Why, source: Blog }
      - { title: Two, url: "https://a.example/2" }
  - kind: events
    title: Events
    events:
      - title: Office hours
        start: 2024-03-28T17:00:00Z
        end: 2024-03-28T18:00:00+00:00
        timeZone: Europe/Berlin
        place: Room 4
        online: https://a.example/live
        registration: https://a.example/register
        url: https://a.example/e
      - { title: Old style, time: "Tuesdays, 16:00 UTC", url: "https://a.example/r" }
  - kind: sponsor
    name: Northwind
    text: Dashboards.
    url: https://n.example/
    image: { src: "https://n.example/b.png", alt: Banner, width: 600, height: 200 }
  - kind: divider
`);
    const { issue } = await run();
    expect(issue.sections.map((s) => s.kind)).toEqual(['button', 'quote', 'image', 'links', 'events', 'sponsor', 'divider']);
    expect(issue.sections[2]).toMatchObject({ caption: 'Retries per minute.' });
    expect(issue.sections[4]).toMatchObject({
      events: [{ start: '2024-03-28T17:00:00Z', timeZone: 'Europe/Berlin', place: 'Room 4' }, { time: 'Tuesdays, 16:00 UTC' }],
    });
  });
});

describe('an image without a size loads (lint warns about it)', () => {
  it('a sponsor image with only a height', async () => {
    const { load: run } = await load(
      '  - kind: sponsor\n    name: N\n    text: Ad\n    url: https://n.example/\n    image: { src: "https://n.example/b.png", alt: B, height: 20 }\n',
    );
    const { issue } = await run();
    expect(issue.sections[0]).toMatchObject({ kind: 'sponsor', image: { src: 'https://n.example/b.png', height: 20 } });
  });
});

describe('bad blocks name their field', () => {
  it.each([
    ['button without url', '  - kind: button\n    label: Go\n', 'FILE:7 sections[0].url: is required (expected text)'],
    [
      'button with a javascript: url',
      '  - kind: button\n    label: Go\n    url: "javascript:alert(1)"\n',
      'FILE:9 sections[0].url: must be an http(s) or mailto URL',
    ],
    [
      'button label too long',
      `  - kind: button\n    label: ${'x'.repeat(61)}\n    url: https://a.example/\n`,
      'FILE:8 sections[0].label: must be at most 60 characters (a button reads at a glance)',
    ],
    ['quote without text', '  - kind: quote\n    source: Someone\n', 'FILE:7 sections[0].text: is required (expected text)'],
    [
      'quote with an unknown field',
      '  - kind: quote\n    text: Hi\n    author: Someone\n',
      'FILE:9 sections[0].author: unknown field "author" (allowed: kind, text, source, url)',
    ],
    [
      'caption that is not text',
      '  - kind: image\n    image: { src: "https://a.example/x.png", alt: A, width: 6, height: 3 }\n    caption: [a, b]\n',
      'FILE:9 sections[0].caption: must be text, got a list',
    ],
    [
      'links item without url',
      '  - kind: links\n    title: Briefs\n    items:\n      - title: One\n',
      'FILE:10 sections[0].items[0].url: is required (expected text)',
    ],
    [
      'links item with authors',
      '  - kind: links\n    title: Briefs\n    items:\n      - { title: One, url: "https://a.example/1", authors: [A] }\n',
      'FILE:10 sections[0].items[0].authors: unknown field "authors" (allowed: title, url, summary, source)',
    ],
    [
      'event with neither time nor start',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].time: is required unless start is given: write when it is, e.g. "Thursday 28 March, 17:00 UTC", or start: 2024-03-28T17:00:00Z',
    ],
    [
      'event start without offset',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, start: "2024-03-28T17:00", url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].start: must be a date and time with its offset, e.g. 2024-03-28T17:00:00Z or 2024-03-28T18:00:00+01:00',
    ],
    [
      'event start not in the calendar',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, start: "2024-02-30T17:00:00Z", url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].start: must be a date and time with its offset, e.g. 2024-03-28T17:00:00Z or 2024-03-28T18:00:00+01:00',
    ],
    [
      'event end before start',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, start: "2024-03-28T17:00:00Z", end: "2024-03-28T16:00:00Z", url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].end: must be after start (2024-03-28T17:00:00Z)',
    ],
    [
      'event with an unknown time zone',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, start: "2024-03-28T17:00:00Z", timeZone: Europe/Atlantis, url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].timeZone: must be an IANA time zone name, e.g. Europe/Berlin, America/New_York or UTC',
    ],
    [
      'event time zone without start',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, time: soon, timeZone: UTC, url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].timeZone: needs start: give start (e.g. 2024-03-28T17:00:00Z) or remove timeZone',
    ],
    [
      'event online link that is not a URL',
      '  - kind: events\n    title: E\n    events:\n      - { title: T, time: soon, online: zoom, url: "https://a.example/" }\n',
      'FILE:10 sections[0].events[0].online: must be an http(s) or mailto URL',
    ],
    ['sponsor without name', '  - kind: sponsor\n    text: Ad\n    url: https://n.example/\n', 'FILE:7 sections[0].name: is required (expected text)'],
    // Without a size it loads (lint warns); a size that is not a number is still the schema's.
    [
      'sponsor image with a width in words',
      '  - kind: sponsor\n    name: N\n    text: Ad\n    url: https://n.example/\n    image: { src: "https://n.example/b.png", alt: B, width: wide, height: 20 }\n',
      'FILE:11 sections[0].image.width: must be a number, got text "wide"',
    ],
    ['divider with a field', '  - kind: divider\n    style: dotted\n', 'FILE:8 sections[0].style: unknown field "style" (allowed: kind)'],
  ])('%s', async (_name, sections, expected) => {
    expect(await message(sections)).toBe(expected);
  });
});
