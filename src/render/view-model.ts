// Step 1: issue + newsletter → the plain object the templates read. Templates compile with
// `strict: true`, so every field they touch is present here (null when absent), words come
// from the strings table, text is joined onto one line and Markdown is already HTML.
import { withNameToken } from './name-placeholder.ts';
import { CJK } from './cjk.ts';
import type { Image, Issue, Newsletter, Section } from '../content/schema.ts';
import { COLOURS, PREVIEW_LENGTH, PREVIEW_PADDING_MIN, WIDTHS } from './defaults.ts';
import type { MarkdownStyle } from './markdown.ts';
import { isRightToLeft, stringsFor, type Strings } from './strings.ts';
import { tokenText } from './splice.ts';

export interface ImageView {
  src: string;
  alt: string;
  /**
   * Display size in px: the file's size scaled down to fit the space it is shown in. An image
   * written without a width fills its space; without both sizes its height is `auto` (lint warns).
   */
  width: number;
  height: number | 'auto';
  href: string | null;
}

/** Markdown to HTML (markdown.ts): `block` for a text section, `inline` for a one-line summary. */
export interface RenderMarkdown {
  block: (source: string, style: MarkdownStyle) => string;
  inline: (source: string, style: MarkdownStyle) => string;
}

/**
 * Joins the lines of a YAML block into one line: a newline becomes nothing between CJK
 * characters and one space elsewhere (HTML shows any newline as a space).
 */
export function oneLine(text: string): string {
  return text
    .trim()
    .replace(/\s*\n\s*/g, (_, offset: number, whole: string) => {
      const before = whole.charAt(offset - 1);
      const after = whole.charAt(offset + _.length);
      return CJK.test(before) || CJK.test(after) ? '' : ' ';
    })
    .replace(/[ \t]{2,}/g, ' ');
}

export function imageView(image: Image, maxWidth: number): ImageView {
  const width = Math.min(image.width ?? maxWidth, maxWidth);
  return {
    src: image.src,
    alt: oneLine(image.alt ?? ''),
    width,
    height: image.width && image.height ? Math.round((image.height * width) / image.width) : 'auto',
    href: image.href ?? null,
  };
}

/** Labels the templates print, resolved for one newsletter. */
function labels(strings: Strings, title: string) {
  return {
    viewOnline: strings.viewOnline,
    greetingPrefix: strings.greetingPrefix,
    greetingSuffix: strings.greetingSuffix,
    affiliations: strings.affiliations,
    authors: strings.authors,
    download: strings.download,
    details: strings.details,
    speaker: strings.speaker,
    time: strings.time,
    place: strings.place,
    online: strings.online,
    register: strings.register,
    addToCalendar: strings.addToCalendar,
    sponsorLabel: strings.sponsorLabel,
    imageLabel: strings.imageLabel,
    previous: strings.previous,
    next: strings.next,
    source: strings.source,
    disclaimer: strings.disclaimer,
    whyReceived: strings.whyReceived(title),
    unsubscribe: strings.unsubscribe,
    managePreferences: strings.managePreferences,
  };
}

function colours(newsletter: Newsletter) {
  // The masthead's date line: white at 90 % over the brand colour, as one solid colour (Outlook
  // for Windows has no opacity, caniemail's css-opacity).
  return { ...COLOURS, brand: newsletter.brandColor, onBrandSoft: onBrandSoft(newsletter.brandColor) };
}

/** The masthead's softer text on the brand colour (issue number and date): white at 90 % over it. */
export function onBrandSoft(brand: string): string {
  return mixColours('#ffffff', brand, 0.9);
}

/** `top` over `bottom` at `alpha`, as #rrggbb: what a browser draws for `top` with that opacity. */
export function mixColours(top: string, bottom: string, alpha: number): string {
  const channel = (hex: string, i: number): number => Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(alpha * channel(top, i) + (1 - alpha) * channel(bottom, i))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * Writing direction as the templates print it. `dir` goes on <mjml> (and so <html>): `rtl`, or
 * `auto` (MJML's own default) for left-to-right locales. `direction` lays out sections and
 * columns; `align.start`/`align.end` are the sides text begins and ends on, for `align`,
 * `border-{{align.start}}` accents and the `mirror` helper's padding. `arrow` points onward
 * (bidi mirrors ‹ › by itself, but not arrows).
 */
export function writingDirection(newsletter: Newsletter) {
  const rtl = isRightToLeft(newsletter.locale);
  return {
    lang: newsletter.locale,
    dir: rtl ? 'rtl' : 'auto',
    direction: rtl ? 'rtl' : 'ltr',
    align: rtl ? { start: 'right', end: 'left' } : { start: 'left', end: 'right' },
    arrow: rtl ? '←' : '→',
  } as const;
}

export function issueView(issue: Issue, newsletter: Newsletter, markdown: RenderMarkdown) {
  const strings = stringsFor(newsletter.locale, newsletter.labels);
  const title = strings.title(newsletter.name);
  // {{name}} in the preheader is the HEADLINE_NAME token (name-placeholder.ts), spliced per recipient.
  const preheader = withNameToken(oneLine(issue.preheader));
  const events = { count: 0 };
  return {
    ...writingDirection(newsletter),
    /** As the templates print it (<title>, aria-label): {{name}} as the HEADLINE_NAME token. */
    subject: withNameToken(oneLine(issue.subject)),
    /** As the editor wrote it, placeholders and all (the renderer builds the Subject header from it). */
    sourceSubject: oneLine(issue.subject),
    preheader,
    previewPadding: Math.max(PREVIEW_PADDING_MIN, PREVIEW_LENGTH - preheader.length),
    colours: colours(newsletter),
    labels: labels(strings, title),
    masthead: {
      title,
      organisation: newsletter.organisation,
      issueNumber: strings.issueNumber(issue.number),
      date: strings.date(issue.date),
      theme: issue.theme ? oneLine(issue.theme) : null,
      logo: newsletter.logo ? imageView(newsletter.logo, WIDTHS.logo) : null,
    },
    banner: issue.banner.map((image) => imageView(image, WIDTHS.body)),
    sections: issue.sections.map((section) => sectionView(section, newsletter, strings, markdown, events)),
    blockStyles: blockStyles(issue),
    footer: {
      source: oneLine(newsletter.footer.source),
      disclaimer: oneLine(newsletter.footer.disclaimer),
      postalAddress: oneLine(newsletter.postalAddress),
    },
  };
}

export type IssueView = ReturnType<typeof issueView>;

/**
 * Dark-mode rules only the newer blocks need (head.mjml.hbs prints them when the issue has such
 * a block, so issues without them keep their exact HTML): the button keeps white on the brand
 * colour, the sponsor's frame and the divider take the dark rule colour.
 */
function blockStyles(issue: Issue) {
  const has = (kind: Section['kind']) => issue.sections.some((s) => s.kind === kind);
  const styles = { button: has('button'), sponsor: has('sponsor'), divider: has('divider') };
  return styles.button || styles.sponsor || styles.divider ? styles : null;
}

/** Where an event's .ics file is served: under the issue's web page, numbered through the issue from 1. */
export function eventCalendarHref(n: number): string {
  return `${tokenText('VIEW_ONLINE_URL')}/events/${n}.ics`;
}

function sectionView(section: Section, newsletter: Newsletter, strings: Strings, markdown: RenderMarkdown, events: { count: number }) {
  const style = { linkColor: newsletter.brandColor, mutedColor: COLOURS.muted, ...(isRightToLeft(newsletter.locale) ? { rtl: true } : {}) };
  // Summaries are Markdown too (emphasis, links, code); project-made HTML, printed unescaped.
  const prose = (text: string) => markdown.inline(oneLine(text), style);
  switch (section.kind) {
    case 'papers':
      return {
        kind: section.kind,
        title: oneLine(section.title),
        groups: section.groups.map((group) => ({
          heading: strings.fieldHeading(oneLine(group.field)),
          papers: group.papers.map((paper) => ({
            title: oneLine(paper.title),
            translatedTitle: paper.translatedTitle ? oneLine(paper.translatedTitle) : null,
            titleUrl: paper.detailsUrl ?? paper.url,
            affiliations: paper.affiliations.length ? strings.joinNames(paper.affiliations.map(oneLine)) : null,
            authors: strings.joinNames(paper.authors.map(oneLine)),
            summary: prose(paper.summary),
            url: paper.url,
            detailsUrl: paper.detailsUrl ?? null,
          })),
        })),
      };
    case 'events':
      return {
        kind: section.kind,
        title: oneLine(section.title),
        events: section.events.map((event) => {
          const n = ++events.count;
          return {
            title: oneLine(event.title),
            speaker: event.speaker ? oneLine(event.speaker) : null,
            // The schema requires one of the two; a start is written for the locale, in its zone.
            time: event.start ? strings.eventTime(event.start, event.end, event.timeZone ?? 'UTC') : oneLine(event.time ?? ''),
            summary: event.summary ? prose(event.summary) : null,
            url: event.url,
            place: event.place ? oneLine(event.place) : null,
            online: event.online ?? null,
            registration: event.registration ?? null,
            calendar: event.start ? eventCalendarHref(n) : null,
          };
        }),
      };
    case 'community': {
      // Fields the issue leaves out come from the newsletter's community defaults.
      const defaults = newsletter.community;
      const text = section.text ?? defaults?.text;
      const qr = section.qr ?? defaults?.qr;
      const note = section.note ?? defaults?.note;
      return {
        kind: section.kind,
        title: oneLine(section.title ?? defaults?.title ?? strings.communityTitle),
        text: text ? oneLine(text) : null,
        bullets: (section.bullets ?? defaults?.bullets ?? []).map(oneLine),
        note: note ? oneLine(note) : null,
        qr: qr ? imageView(qr, WIDTHS.qr) : null,
      };
    }
    case 'image':
      return { kind: section.kind, image: imageView(section.image, WIDTHS.content), caption: section.caption ? oneLine(section.caption) : null };
    case 'text':
      return {
        kind: section.kind,
        title: section.title ? oneLine(section.title) : null,
        // Project-made HTML (markdown-it, raw HTML off): the only value templates print unescaped.
        html: markdown.block(section.markdown, style),
      };
    case 'navigation':
      return {
        kind: section.kind,
        previous: section.previous ? { title: oneLine(section.previous.title), url: section.previous.url } : null,
        next: section.next ? { title: oneLine(section.next.title), url: section.next.url } : null,
      };
    case 'button':
      return { kind: section.kind, label: oneLine(section.label), url: section.url, note: section.note ? oneLine(section.note) : null };
    case 'quote':
      return {
        kind: section.kind,
        text: strings.quoted(oneLine(section.text)),
        source: section.source ? oneLine(section.source) : null,
        url: section.url ?? null,
      };
    case 'links':
      return {
        kind: section.kind,
        title: oneLine(section.title),
        items: section.items.map((item) => ({
          title: oneLine(item.title),
          url: item.url,
          summary: item.summary ? prose(item.summary) : null,
          source: item.source ? oneLine(item.source) : null,
        })),
      };
    case 'sponsor':
      return {
        kind: section.kind,
        name: oneLine(section.name),
        text: oneLine(section.text),
        url: section.url,
        image: section.image ? imageView(section.image, WIDTHS.sponsor) : null,
      };
    case 'divider':
      return { kind: section.kind };
  }
}

/** What every transactional mail (confirm, welcome) shows around its own words. */
function transactionalFrame(newsletter: Newsletter, name: string | undefined, words: (strings: Strings, title: string) => { subject: string; intro: string }) {
  const strings = stringsFor(newsletter.locale, newsletter.labels);
  const title = strings.title(newsletter.name);
  const { subject, intro } = words(strings, title);
  return {
    strings,
    intro,
    frame: {
      ...writingDirection(newsletter),
      subject,
      preheader: intro,
      previewPadding: Math.max(PREVIEW_PADDING_MIN, PREVIEW_LENGTH - intro.length),
      colours: colours(newsletter),
      greeting: `${strings.greetingPrefix}${name ? oneLine(name) : strings.defaultName}${strings.greetingSuffix}`,
      title,
      logo: newsletter.logo ? imageView(newsletter.logo, WIDTHS.logo) : null,
      postalAddress: oneLine(newsletter.postalAddress),
      organisation: newsletter.organisation,
      /** The issue's block rules (blockStyles); none in a transactional mail. */
      blockStyles: null,
    },
  };
}

export function confirmView(data: { newsletter: Newsletter; confirmUrl: string; name?: string; expiresInHours?: number }) {
  const { strings, intro, frame } = transactionalFrame(data.newsletter, data.name, (s, title) => ({
    subject: s.confirm.subject(title),
    intro: s.confirm.intro(title),
  }));
  return {
    ...frame,
    confirmUrl: data.confirmUrl,
    text: {
      heading: strings.confirm.heading,
      intro,
      button: strings.confirm.button,
      expires: strings.confirm.expires(data.expiresInHours),
      ignore: strings.confirm.ignore,
      fallback: strings.confirm.fallback,
    },
  };
}

export type ConfirmView = ReturnType<typeof confirmView>;

/** The preferences-link mail: the confirmation template's shape (a button, a link that expires) in its own words. */
export function preferencesLinkView(data: { newsletter: Newsletter; preferencesUrl: string; name?: string; expiresInDays: number }): ConfirmView {
  const { strings, intro, frame } = transactionalFrame(data.newsletter, data.name, (s, title) => ({
    subject: s.preferencesLink.subject(title),
    intro: s.preferencesLink.intro(title),
  }));
  return {
    ...frame,
    confirmUrl: data.preferencesUrl,
    text: {
      heading: strings.preferencesLink.heading,
      intro,
      button: strings.preferencesLink.button,
      expires: strings.preferencesLink.expires(data.expiresInDays),
      ignore: strings.preferencesLink.ignore,
      fallback: strings.confirm.fallback,
    },
  };
}

export function welcomeView(data: {
  newsletter: Newsletter;
  name?: string;
  latestUrl?: string;
  archiveUrl: string;
  unsubscribeUrl: string;
  preferencesUrl?: string;
}) {
  const { strings, intro, frame } = transactionalFrame(data.newsletter, data.name, (s, title) => ({
    subject: s.welcome.subject(title),
    intro: s.welcome.intro(title),
  }));
  return {
    ...frame,
    latestUrl: data.latestUrl ?? null,
    archiveUrl: data.archiveUrl,
    unsubscribeUrl: data.unsubscribeUrl,
    preferencesUrl: data.preferencesUrl ?? null,
    text: {
      heading: strings.welcome.heading,
      intro,
      latest: strings.welcome.latest,
      archive: strings.welcome.archive,
      leave: strings.welcome.leave,
      unsubscribe: strings.unsubscribe,
      manage: strings.welcome.manage,
    },
  };
}
