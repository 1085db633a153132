// The content model: what an editor may write in a newsletter settings file and an issue file.
// Every object is strict (unknown fields are errors, usually typos) and every link is checked
// here, at load time, because Handlebars escapes HTML but not URL schemes.
import { z } from 'zod';
import { LABEL_KEYS, LOCALES } from './locale-list.ts';
import { CLIENT_IDS } from './client-list.ts';

const SAFE_LINK_SCHEMES = ['https:', 'http:', 'mailto:'];

/** An issue, newsletter or list id: lower-case letters, digits and dashes, at most 100 characters (ids become file names, keys and URLs). */
export const CONTENT_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A link a reader may click: http(s) or mailto only (never javascript:, data:, …). */
export const linkUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return SAFE_LINK_SCHEMES.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) or mailto URL');

/**
 * A file under emails/assets, e.g. `pretrain-weekly/064/banner.png`: served by `newsletter serve`
 * at ASSETS_URL (default PUBLIC_URL/assets) and made absolute there when the issue is rendered.
 */
export const ASSET_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}\.(?:png|jpe?g|gif|webp)$/i;

export function isAssetPath(src: string): boolean {
  return ASSET_PATH.test(src);
}

/**
 * An image source: an absolute http(s) URL (your CDN), or a path under emails/assets. Mail
 * clients cannot resolve relative paths, so the renderer makes the latter absolute.
 */
export const imageUrl = z
  .string()
  .trim()
  .refine((value) => {
    if (ASSET_PATH.test(value)) return true;
    try {
      return ['https:', 'http:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL, or the path of a .png/.jpeg/.gif/.webp file under emails/assets such as pretrain-weekly/064/banner.png');

const text = z.string().trim().min(1, 'must not be empty');

/** YYYY-MM-DD that exists in the calendar: 2022-02-30 and 2022-13-45 are refused. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD, e.g. 2022-11-07')
  .refine((value) => {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'is not a date in the calendar (check the month and the day), e.g. 2022-11-07');

export const image = z.strictObject({
  src: imageUrl,
  /** Optional in the schema so that `lint` can report every missing one at once (an error there). */
  alt: z.string().optional(),
  /** The file's size in px. Optional here, a lint warning when missing (the layout jumps while it loads). */
  width: z.number().int().positive().max(1200).optional(),
  height: z.number().int().positive().max(4000).optional(),
  href: linkUrl.optional(),
});

export const paper = z.strictObject({
  title: text,
  /** The title in the newsletter's language, shown after the original. */
  translatedTitle: z.string().trim().optional(),
  affiliations: z.array(text).default([]),
  authors: z.array(text).min(1, 'must list at least one author'),
  summary: text,
  /**
   * `arxiv-abstract`: the summary is still the paper's abstract as `newsletter papers add` put it
   * there; lint warns until the editor rewrites it and deletes this line.
   */
  summaryDraft: z.literal('arxiv-abstract', { error: 'must be arxiv-abstract (delete the line once the summary is rewritten)' }).optional(),
  /** Download link (PDF or project page). */
  url: linkUrl,
  /** "Details" link (the newsletter's own write-up). */
  detailsUrl: linkUrl.optional(),
});

export const paperGroup = z.strictObject({
  field: text,
  papers: z.array(paper),
});

/** A date and time with its offset (2024-03-28T17:00:00Z, 2024-03-28T18:00+01:00): one instant, wherever the reader is. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const dateTime = z
  .string()
  .trim()
  .refine((value) => {
    const m = ISO_DATE_TIME.exec(value);
    if (!m) return false;
    const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
    const day = new Date(Date.UTC(y, mo - 1, d));
    return (
      day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && sec < 60 && !Number.isNaN(Date.parse(value))
    );
  }, 'must be a date and time with its offset, e.g. 2024-03-28T17:00:00Z or 2024-03-28T18:00:00+01:00');

/** An IANA time zone name that this Node's Intl knows (Europe/Berlin, America/New_York, UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.string().trim().refine(isTimeZone, 'must be an IANA time zone name, e.g. Europe/Berlin, America/New_York or UTC');

export const event = z
  .strictObject({
    title: text,
    speaker: z.string().trim().optional(),
    /** When, in words (`Every second Tuesday, 16:00 UTC`); or give `start` and the date is written for the reader's locale. */
    time: text.optional(),
    start: dateTime.optional(),
    end: dateTime.optional(),
    /** Where the time is shown (and named), default UTC; the .ics file carries UTC times either way. */
    timeZone: timeZone.optional(),
    /** Where it takes place (an address, a room). */
    place: text.optional(),
    /** Where to join online. */
    online: linkUrl.optional(),
    registration: linkUrl.optional(),
    summary: z.string().trim().optional(),
    url: linkUrl,
  })
  .superRefine(
    (value, ctx) => {
      if (value.time === undefined && value.start === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['time'],
          message: 'is required unless start is given: write when it is, e.g. "Thursday 28 March, 17:00 UTC", or start: 2024-03-28T17:00:00Z',
        });
      }
      if (value.start === undefined) {
        for (const field of ['end', 'timeZone'] as const) {
          if (value[field] !== undefined)
            ctx.addIssue({ code: 'custom', path: [field], message: `needs start: give start (e.g. 2024-03-28T17:00:00Z) or remove ${field}` });
        }
      } else if (value.end !== undefined && Date.parse(value.end) <= Date.parse(value.start)) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${value.start})` });
      }
    },
    {
      // Also when another field of the event is wrong (a missing url), so every mistake shows at once;
      // each check reads only its own fields and skips values of the wrong type.
      when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
    },
  );

export const community = z.strictObject({
  title: z.string().trim().optional(),
  text: text,
  bullets: z.array(text).default([]),
  note: z.string().trim().optional(),
  qr: image.optional(),
});

export const issueLink = z.strictObject({ title: text, url: linkUrl });

export const linkItem = z.strictObject({
  title: text,
  url: linkUrl,
  summary: z.string().trim().optional(),
  /** Who published it (a site, a paper's venue). */
  source: z.string().trim().optional(),
});

export const section = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('papers'), title: text, groups: z.array(paperGroup) }),
  z.strictObject({ kind: z.literal('events'), title: text, events: z.array(event) }),
  /** Fields left out are taken from the newsletter's `community` defaults. */
  z.strictObject({
    kind: z.literal('community'),
    title: z.string().trim().optional(),
    text: z.string().trim().optional(),
    bullets: z.array(text).optional(),
    note: z.string().trim().optional(),
    qr: image.optional(),
  }),
  /** `caption` is shown under the image (and in the plain-text part). */
  z.strictObject({ kind: z.literal('image'), image, caption: z.string().trim().optional() }),
  z.strictObject({ kind: z.literal('text'), title: z.string().trim().optional(), markdown: text }),
  z.strictObject({ kind: z.literal('navigation'), previous: issueLink.optional(), next: issueLink.optional() }),
  /** A call to action: one button in the newsletter's brand colour, an optional line under it. */
  z.strictObject({
    kind: z.literal('button'),
    label: text.max(60, 'must be at most 60 characters (a button reads at a glance)'),
    url: linkUrl,
    note: z.string().trim().optional(),
  }),
  z.strictObject({ kind: z.literal('quote'), text, source: z.string().trim().optional(), url: linkUrl.optional() }),
  /** News briefs: links with a line each, no authors. */
  z.strictObject({ kind: z.literal('links'), title: text, items: z.array(linkItem) }),
  /** Paid placement: always shown under the locale's "Advertisement" label. */
  z.strictObject({ kind: z.literal('sponsor'), name: text, text, url: linkUrl, image: image.optional() }),
  z.strictObject({ kind: z.literal('divider') }),
]);

export const SECTION_KINDS = ['papers', 'events', 'community', 'image', 'text', 'navigation', 'button', 'quote', 'links', 'sponsor', 'divider'] as const;

export const issueSchema = z.strictObject({
  newsletter: z
    .string()
    .regex(CONTENT_ID, 'must be a newsletter id (file name in emails/newsletters without .yaml): lower-case letters, digits and dashes, at most 100'),
  number: z.number().int().positive(),
  date: calendarDate,
  theme: z.string().trim().optional(),
  subject: text.max(200, 'must be at most 200 characters').refine((s) => !/[\r\n]/.test(s), 'must be one line'),
  /** Empty (or left out) is allowed here and a lint warning: the inbox then shows the first body text. */
  preheader: z
    .string()
    .trim()
    .max(200, 'must be at most 200 characters')
    .nullish()
    .transform((value) => value ?? ''),
  /** Optional banner images shown under the masthead. */
  banner: z.array(image).default([]),
  sections: z.array(section).min(1, 'must hold at least one section'),
});

/** An arXiv category (cs.CV, hep-th, math.AG, q-bio.NC) or every category of an archive (q-bio.*). */
export const ARXIV_CATEGORY_KEY = /^[a-z]+(?:-[a-z]+)?(?:\.(?:[A-Za-z]+(?:-[a-z]+)*|\*))?$/;

/** One label (a word or two the templates print): one line, no longer than this. */
const LABEL_MAX = 80;
const label = z
  .string()
  .max(LABEL_MAX, `must be at most ${LABEL_MAX} characters`)
  .refine((s) => !/[\r\n]/.test(s), 'must be one line');

/**
 * The newsletter's own words over its locale's (src/render/locales), e.g. `authors: "By "`.
 * Not trimmed: a label's trailing space separates it from what follows (`Authors: ` + names).
 */
export const labels = z.strictObject(
  Object.fromEntries(LABEL_KEYS.map((key) => [key, label.optional()])) as Record<(typeof LABEL_KEYS)[number], z.ZodOptional<typeof label>>,
);

export const newsletterSchema = z.strictObject({
  name: text,
  organisation: text,
  /** Display name and address of the sender; the address may be overridden by MAIL_FROM. */
  sender: z.strictObject({ name: text, address: z.string().email('must be an email address') }),
  locale: z.enum(LOCALES),
  /** Where the editors work: scheduled sends are shown, and a start time without an offset read, in this zone (default UTC). */
  timeZone: timeZone.default('UTC'),
  /** Labels that replace the locale's (see `labels` above). */
  labels: labels.optional(),
  brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb'),
  logo: image.optional(),
  postalAddress: text,
  footer: z.strictObject({ source: text, disclaimer: text }),
  community: community.optional(),
  /** Base URL of the web archive, e.g. https://news.example.com/issues */
  archiveUrl: linkUrl,
  /** Id of the subscriber list this newsletter sends to (defaults to the newsletter id). */
  list: z.string().regex(CONTENT_ID, 'must be a list id: lower-case letters, digits and dashes, at most 100').optional(),
  /**
   * Where `newsletter papers add` puts a paper: its arXiv primary category → the papers group
   * (`field`), e.g. `cs.CV: 【CV研究】`; `q-bio.*` covers every category of an archive. Exact wins.
   */
  arxivGroups: z
    .record(z.string(), text)
    .superRefine((groups, ctx) => {
      for (const key of Object.keys(groups)) {
        if (!ARXIV_CATEGORY_KEY.test(key))
          ctx.addIssue({ code: 'custom', path: [key], message: 'must be an arXiv category such as cs.CV, or an archive with .* such as q-bio.*' });
      }
    })
    .optional(),
  /**
   * What a list send counts (issue 29), both off unless turned on. `clicks`: the issue's links go
   * through PUBLIC_URL/r/… and clicks are counted per issue and link, without a record of who
   * (README, "Click tracking"). `opens`: each message carries a 1×1 image PUBLIC_URL/o/…, counted
   * the same way (README, "Opens"). The web archive, the feed and test sends are never tracked.
   */
  tracking: z.strictObject({ clicks: z.boolean().default(false), opens: z.boolean().default(false) }).default({ clicks: false, opens: false }),
  /** A welcome mail after the confirmation click (emails/templates/welcome.mjml.hbs); `false` turns it off. */
  welcome: z.boolean().default(true),
  /**
   * The mail clients lint checks the HTML against (caniemail's data), e.g. `[gmail-web, outlook-windows]`;
   * default: DEFAULT_CLIENTS in src/content/client-list.ts.
   */
  clients: z
    .array(z.enum(CLIENT_IDS, { error: () => `must be one of ${CLIENT_IDS.join(', ')}` }))
    .min(1, 'must name at least one client, or be left out for the default set')
    // A client named twice is checked once (the table listed it twice).
    .transform((clients) => [...new Set(clients)])
    .optional(),
});

export type Image = z.infer<typeof image>;
export type Paper = z.infer<typeof paper>;
export type PaperGroup = z.infer<typeof paperGroup>;
export type Event = z.infer<typeof event>;
export type Community = z.infer<typeof community>;
export type LinkItem = z.infer<typeof linkItem>;
export type Section = z.infer<typeof section>;
export type IssueContent = z.infer<typeof issueSchema>;
export type NewsletterContent = z.infer<typeof newsletterSchema>;

/** An issue as the rest of the program sees it: content plus the identity taken from its file. */
export interface Issue extends IssueContent {
  /** The issue file's base name, e.g. `pretrain-weekly-064`. */
  id: string;
}

export interface Newsletter extends NewsletterContent {
  /** The settings file's base name, e.g. `pretrain-weekly`. */
  id: string;
  /** Subscriber list id (`list` or the newsletter id). */
  listId: string;
}
