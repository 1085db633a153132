// The content model: what an editor may write in a newsletter settings file and an issue file.
// Every object is strict (unknown fields are errors, usually typos) and every link is checked
// here, at load time, because Handlebars escapes HTML but not URL schemes.
import { z } from 'zod';
import { LABEL_KEYS, LOCALES } from '../render/locales/locale-list.ts';

const SAFE_LINK_SCHEMES = ['https:', 'http:', 'mailto:'];

/** An issue, newsletter or list id: lower-case letters, digits and dashes, at most 100 characters (ids become file names, keys and URLs). */
export const CONTENT_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A link a reader may click: http(s) or mailto only (never javascript:, data:, …). */
export const linkUrl = z.string().trim().refine((value) => {
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
export const imageUrl = z.string().trim().refine((value) => {
  if (ASSET_PATH.test(value)) return true;
  try {
    return ['https:', 'http:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL, or the path of a .png/.jpeg/.gif/.webp file under emails/assets such as pretrain-weekly/064/banner.png');

const text = z.string().trim().min(1, 'must not be empty');

/** YYYY-MM-DD that exists in the calendar: 2022-02-30 and 2022-13-45 are refused. */
export const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD, e.g. 2022-11-07').refine((value) => {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}, 'is not a date in the calendar (check the month and the day), e.g. 2022-11-07');


export const image = z.strictObject({
  src: imageUrl,
  /** Optional in the schema so that `lint` can report every missing one at once. */
  alt: z.string().optional(),
  width: z.number().int().positive().max(1200),
  height: z.number().int().positive().max(4000),
  href: linkUrl.optional(),
});

export const paper = z.strictObject({
  title: text,
  /** The title in the newsletter's language, shown after the original. */
  translatedTitle: z.string().trim().optional(),
  affiliations: z.array(text).default([]),
  authors: z.array(text).min(1, 'must list at least one author'),
  summary: text,
  /** Download link (PDF or project page). */
  url: linkUrl,
  /** "Details" link (the newsletter's own write-up). */
  detailsUrl: linkUrl.optional(),
});

export const paperGroup = z.strictObject({
  field: text,
  papers: z.array(paper),
});

export const event = z.strictObject({
  title: text,
  speaker: z.string().trim().optional(),
  time: text,
  summary: z.string().trim().optional(),
  url: linkUrl,
});

export const community = z.strictObject({
  title: z.string().trim().optional(),
  text: text,
  bullets: z.array(text).default([]),
  note: z.string().trim().optional(),
  qr: image.optional(),
});

export const issueLink = z.strictObject({ title: text, url: linkUrl });

export const section = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('papers'), title: text, groups: z.array(paperGroup) }),
  z.strictObject({ kind: z.literal('events'), title: text, events: z.array(event) }),
  /** Fields left out are taken from the newsletter's `community` defaults. */
  z.strictObject({ kind: z.literal('community'), title: z.string().trim().optional(), text: z.string().trim().optional(), bullets: z.array(text).optional(), note: z.string().trim().optional(), qr: image.optional() }),
  z.strictObject({ kind: z.literal('image'), image }),
  z.strictObject({ kind: z.literal('text'), title: z.string().trim().optional(), markdown: text }),
  z.strictObject({ kind: z.literal('navigation'), previous: issueLink.optional(), next: issueLink.optional() }),
]);

export const SECTION_KINDS = ['papers', 'events', 'community', 'image', 'text', 'navigation'] as const;

export const issueSchema = z.strictObject({
  newsletter: z.string().regex(CONTENT_ID, 'must be a newsletter id (file name in emails/newsletters without .yaml): lower-case letters, digits and dashes, at most 100'),
  number: z.number().int().positive(),
  date: calendarDate,
  theme: z.string().trim().optional(),
  subject: text.max(200, 'must be at most 200 characters').refine((s) => !/[\r\n]/.test(s), 'must be one line'),
  preheader: text.max(200, 'must be at most 200 characters'),
  /** Optional banner images shown under the masthead. */
  banner: z.array(image).default([]),
  sections: z.array(section).min(1, 'must hold at least one section'),
});

/** One label (a word or two the templates print): one line, no longer than this. */
const LABEL_MAX = 80;
const label = z.string().max(LABEL_MAX, `must be at most ${LABEL_MAX} characters`).refine((s) => !/[\r\n]/.test(s), 'must be one line');

/**
 * The newsletter's own words over its locale's (src/render/locales), e.g. `authors: "By "`.
 * Not trimmed: a label's trailing space separates it from what follows (`Authors: ` + names).
 */
export const labels = z.strictObject(Object.fromEntries(LABEL_KEYS.map((key) => [key, label.optional()])) as Record<(typeof LABEL_KEYS)[number], z.ZodOptional<typeof label>>);

export const newsletterSchema = z.strictObject({
  name: text,
  organisation: text,
  /** Display name and address of the sender; the address may be overridden by MAIL_FROM. */
  sender: z.strictObject({ name: text, address: z.string().email('must be an email address') }),
  locale: z.enum(LOCALES),
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
  /** A welcome mail after the confirmation click (emails/templates/welcome.mjml.hbs); `false` turns it off. */
  welcome: z.boolean().default(true),
});

export type Image = z.infer<typeof image>;
export type Paper = z.infer<typeof paper>;
export type PaperGroup = z.infer<typeof paperGroup>;
export type Event = z.infer<typeof event>;
export type Community = z.infer<typeof community>;
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
