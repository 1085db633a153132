// The newer blocks through the real templates and MJML: what each puts in the HTML, the exact
// lines of the plain-text part, right-to-left layout in Arabic and the sponsor label per locale.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile, type LoadedIssue } from '../../src/content/index.ts';
import type { Issue, Newsletter, Section } from '../../src/content/schema.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { createRenderer, type RenderedIssue } from '../../src/render/index.ts';
import { LOCALES, stringsFor } from '../../src/render/strings.ts';

let en: LoadedIssue;
let zh: LoadedIssue;
beforeAll(async () => {
  en = await loadIssueFile('emails/issues/field-notes-012.yaml');
  zh = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
});

const BLOCKS: Section[] = [
  { kind: 'button', label: 'Read the report', url: 'https://a.example/report', note: 'Free, no sign-up.' },
  { kind: 'quote', text: 'Jitter was the whole fix.', source: 'Priya Natarajan', url: 'https://a.example/post' },
  { kind: 'image', image: { src: 'https://a.example/chart.png', alt: 'A falling line', width: 1200, height: 600 }, caption: 'Retries per minute.' },
  {
    kind: 'links',
    title: 'Briefs',
    items: [
      { title: 'Backoff and jitter', url: 'https://a.example/1', summary: 'Why jitter helps.', source: 'AWS' },
      { title: 'Handbook', url: 'https://a.example/2' },
    ],
  },
  {
    kind: 'events',
    title: 'Live',
    events: [
      {
        title: 'Office hours',
        start: '2024-03-28T17:00:00Z',
        end: '2024-03-28T18:00:00Z',
        timeZone: 'Europe/Berlin',
        place: 'Room 4',
        online: 'https://a.example/live',
        registration: 'https://a.example/register',
        url: 'https://a.example/e',
      },
      { title: 'Reading group', time: 'Tuesdays, 16:00 UTC', url: 'https://a.example/r' },
    ],
  },
  {
    kind: 'sponsor',
    name: 'Northwind',
    text: 'Dashboards for queues.',
    url: 'https://n.example/',
    image: { src: 'https://n.example/b.png', alt: 'Banner', width: 600, height: 200 },
  },
  { kind: 'divider' },
];

async function render(loaded: LoadedIssue, sections: Section[], newsletter: Newsletter = loaded.newsletter): Promise<RenderedIssue> {
  const issue: Issue = { ...loaded.issue, sections };
  return createRenderer(loaded.templates, { assetsUrl: 'https://cdn.example.test/a', encodedSizes }).renderIssue(issue, newsletter);
}
/** The text part's lines, its no-break spaces (the templates' &nbsp;) written as spaces. */
const lines = (text: string) => text.replace(/\u00a0/g, ' ').split('\n');
/** The HTML without the whitespace MJML leaves between tags (it also sorts class names). */
const tags = (html: string) => html.replace(/>\s+</g, '><');

describe('new blocks in English', () => {
  let out: RenderedIssue;
  let html: string;
  beforeAll(async () => {
    out = await render(en, BLOCKS);
    html = tags(out.html);
  });

  it('button: a bulletproof mj-button in the brand colour, label and link, the note under it', () => {
    expect(html).toMatch(/<td align="center" bgcolor="#0f766e"[^>]*><a href="https:\/\/a\.example\/report"[^>]*>\s*Read the report\s*<\/a>/);
    expect(html).toContain('class="nl-button-note nl-muted"');
    expect(lines(out.text)).toContain('Read the report: https://a.example/report');
    expect(lines(out.text)).toContain('Free, no sign-up.');
    // Dark mode keeps the label white on the brand colour.
    expect(html).toContain('.nl-card .nl-button a { color: #ffffff !important; }');
  });

  it('quote: a blockquote with the accent rule, in curly quotes, and one text line', () => {
    expect(html).toContain('<blockquote class="nl-quote" style="margin:0;padding:2px 0 2px 16px;border-left:4px solid #0f766e;">');
    expect(html).toContain('“Jitter was the whole fix.”');
    expect(lines(out.text)).toContain('“Jitter was the whole fix.” — Priya Natarajan [https://a.example/post]');
  });

  it('image with caption: the caption under the image; text `[Image: alt] caption`', () => {
    expect(html).toMatch(
      /<img src="https:\/\/a\.example\/chart\.png" alt="A falling line" width="552" style="display:block;width:100%;max-width:552px;[^>]*><p class="nl-caption nl-muted"[^>]*>Retries per minute\.<\/p>/,
    );
    expect(lines(out.text)).toContain('[Image: A falling line] Retries per minute.');
  });

  it('links: a numbered list of links with source and summary', () => {
    expect(html).toContain('<ol class="nl-links"');
    expect(html).toContain('>Backoff and jitter</a><span class="nl-link-source nl-muted"');
    expect(lines(out.text)).toEqual(
      expect.arrayContaining([' 1. Backoff and jitter [https://a.example/1] · AWS', '    Why jitter helps.', ' 2. Handbook [https://a.example/2]']),
    );
  });

  it('event with start: date and time in its zone with the zone name, place, links, the .ics link', () => {
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }).formatRange(
      new Date('2024-03-28T17:00:00Z'),
      new Date('2024-03-28T18:00:00Z'),
    );
    expect(lines(out.text)).toEqual(
      expect.arrayContaining([
        `When: ${when} (Europe/Berlin)`,
        'Where: Room 4',
        'Details → [https://a.example/e]   Join online → [https://a.example/live]   Register → [https://a.example/register]   Add to calendar → [%%NL_VIEW_ONLINE_URL%%/events/1.ics]',
        'When: Tuesdays, 16:00 UTC',
        'Details → [https://a.example/r]',
      ]),
    );
    expect(when).toContain('6:00'); // 17:00 UTC is 18:00 in Berlin in March (before summer time)
    expect(html).toContain('href="%%NL_VIEW_ONLINE_URL%%/events/1.ics"');
    expect(out.events).toEqual([
      {
        n: 1,
        title: 'Office hours',
        start: '2024-03-28T17:00:00Z',
        end: '2024-03-28T18:00:00Z',
        place: 'Room 4',
        online: 'https://a.example/live',
        registration: 'https://a.example/register',
        url: 'https://a.example/e',
      },
    ]);
  });

  it('sponsor: framed, labelled Advertisement, in HTML and text', () => {
    expect(html).toMatch(/<div class="nl-sponsor"[^>]*><div class="nl-muted nl-sponsor-label"[^>]*>Advertisement<\/div>/);
    expect(html).toContain('width="518"');
    const text = lines(out.text);
    expect(text[text.indexOf('Advertisement') + 2]).toBe('Northwind [https://n.example/]');
    expect(text).toContain('Dashboards for queues.');
  });

  it('divider: an mj-divider rule; text a line of em dashes', () => {
    expect(html).toMatch(/<td align="center" class="nl-divider"[^>]*><p style="border-top:solid 1px #e5e7eb;/);
    expect(lines(out.text)).toContain('—'.repeat(24));
  });

  it("no block asks for more than a phone's 375 px", () => {
    const widths = [...html.matchAll(/(?<![-\w])width:(\d+)px/g)].map((m) => Number(m[1]));
    // Outlook-only conditional tables carry 600/552; everything else is fluid.
    const visible = html.replace(/<!--\[if mso \| IE\]>.*?<!\[endif\]-->/gs, '');
    expect([...visible.matchAll(/(?<![-\w])width:(\d+)px/g)].map((m) => Number(m[1])).filter((w) => w > 375)).toEqual([]);
    expect(widths.length).toBeGreaterThan(0);
  });
});

describe('right to left', () => {
  it('in ar the quote rule and padding sit on the right, the list indent too, and the sponsor is إعلان', async () => {
    const out = await render(en, BLOCKS, { ...en.newsletter, locale: 'ar' });
    expect(out.html).toMatch(/^<!doctype html><html lang="ar" dir="rtl"/);
    expect(out.html).toContain('<blockquote class="nl-quote" style="margin:0;padding:2px 16px 2px 0;border-right:4px solid #0f766e;">');
    expect(out.html).toContain('«Jitter was the whole fix.»');
    expect(out.html).toContain('<ol class="nl-links" style="margin:12px 0 0;padding:0 24px 0 0;">');
    expect(out.html).toContain('>إعلان</div>');
    expect(lines(out.text)).toContain('[صورة: A falling line] Retries per minute.');
  });
});

describe('labels per locale', () => {
  it('the sponsor label is 广告 in zh-CN, in the HTML and the text part', async () => {
    expect(stringsFor('zh-CN').sponsorLabel).toBe('广告');
    const out = await render(zh, [BLOCKS[5]!]);
    expect(out.html).toContain('>广告</div>');
    expect(lines(out.text)).toContain('广告');
  });

  it('every locale has the new labels', () => {
    const expected = {
      en: 'Advertisement',
      'zh-CN': '广告',
      'zh-TW': '廣告',
      ja: '広告',
      ko: '광고',
      de: 'Anzeige',
      fr: 'Publicité',
      es: 'Publicidad',
      ar: 'إعلان',
    };
    for (const locale of LOCALES) {
      const s = stringsFor(locale);
      expect(s.sponsorLabel, locale).toBe(expected[locale]);
      for (const key of ['place', 'online', 'register', 'addToCalendar', 'imageLabel'] as const) expect(s[key], `${locale} ${key}`).toMatch(/\S/);
      expect(s.eventTime('2024-03-28T17:00:00Z', undefined, 'UTC'), locale).toMatch(/\(UTC\)$/);
    }
    expect(stringsFor('de').quoted('Ja')).toBe('„Ja“');
    expect(stringsFor('ja').quoted('はい')).toBe('「はい」');
  });
});

describe('existing kinds without the new fields', () => {
  it('an image without a caption and an event without start render as before (no caption, no calendar link)', async () => {
    const out = await render(en, [
      BLOCKS[2]!.kind === 'image' ? { kind: 'image', image: (BLOCKS[2] as Extract<Section, { kind: 'image' }>).image } : BLOCKS[2]!,
      { kind: 'events', title: 'E', events: [{ title: 'T', time: 'soon', url: 'https://a.example/' }] },
    ]);
    expect(out.html).not.toContain('nl-caption');
    expect(out.html).not.toContain('.ics');
    expect(out.html).not.toContain('nl-button a {');
    expect(out.events).toBeUndefined();
  });
});

describe('an image written without a size (lint warns; it still renders)', () => {
  it('fills its column, with the height left to the mail client', async () => {
    const out = await render(en, [
      { kind: 'image', image: { src: 'https://a.example/none.png', alt: 'No size' } },
      { kind: 'image', image: { src: 'https://a.example/width.png', alt: 'Width only', width: 300 } },
      { kind: 'image', image: { src: 'https://a.example/height.png', alt: 'Height only', height: 300 } },
    ]);
    const img = (name: string) => new RegExp(`<img src="https://a\\.example/${name}\\.png"[^>]*>`).exec(out.html)?.[0] ?? '';
    // No height attribute on any image: the client keeps the proportions (Yahoo would pin a given height).
    expect(img('none')).toContain('width="552" style=');
    expect(img('width')).toContain('width="300" style=');
    expect(img('height')).toContain('width="552" style=');
    for (const name of ['none', 'width', 'height']) expect(img(name)).not.toContain('height=');
    expect(out.findings.filter((f) => f.level === 'warning' && /^image has no /.test(f.message)).map((f) => f.path)).toEqual([
      'sections[0].image',
      'sections[1].image',
      'sections[2].image',
    ]);
  });
});
