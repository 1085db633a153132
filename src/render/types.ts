// What rendering produces. Built once per issue (MJML compile is tens of ms) and then
// personalised per recipient by splicing token values in (microseconds), never re-rendered.
import type { LintFinding } from '../content/findings.ts';
import type { CalendarEvent } from './calendar.ts';
import type { LabelOverrides, Locale } from '../content/locale-list.ts';

export type { LintFinding } from '../content/findings.ts';

/**
 * Per-recipient values. Tokens appear in the rendered HTML/text as `%%NL_<NAME>%%`. CLICK_TOKEN
 * is never placed by the templates: publishing a list send with click tracking puts it at the
 * end of every tracked link (track-links.ts), and the send fills in the message's click token.
 */
export const TOKEN_NAMES = ['UNSUBSCRIBE_URL', 'VIEW_ONLINE_URL', 'NAME', 'PREFERENCES_URL', 'HEADLINE_NAME', 'CLICK_TOKEN'] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];
export type TokenValues = Record<TokenName, string>;

/**
 * A string pre-split at its tokens: `parts.length === tokens.length + 1` and the personalised
 * string is parts[0] + value(tokens[0]) + parts[1] + … . Plain JSON, so it can be stored in Redis.
 */
export interface SpliceTemplate {
  parts: string[];
  tokens: TokenName[];
}

/**
 * An issue's links made trackable for one list send (track-links.ts): `links[n - 1]` is where
 * `PUBLIC_URL/r/<campaign>/<n>/<click token>` goes, and `splice` are the HTML and text with those
 * links in place of the originals (and the CLICK_TOKEN token in each), split for the send.
 */
export interface TrackedLinks {
  links: string[];
  splice: { html: SpliceTemplate; text: SpliceTemplate };
  /** The HTML carries the open pixel (`PUBLIC_URL/o/<campaign>/<click token>.gif`): every message needs its token. */
  opens?: true;
}

export interface SizeReport {
  /** UTF-8 bytes of the HTML string. */
  htmlBytes: number;
  /** Bytes of the HTML part as it will be encoded on the wire (the smaller of QP and base64). */
  encodedHtmlBytes: number;
  encoding: 'quoted-printable' | 'base64';
  textBytes: number;
  /** Gmail clips past ~102 KB; we fail above this many encoded bytes and warn near it. */
  budgetBytes: number;
  warnBytes: number;
  imageCount: number;
  linkCount: number;
}

export interface RenderedIssue {
  issueId: string;
  newsletterId: string;
  /** The newsletter's locale: personalise picks the default name by it (读者 / reader). Added by render. */
  locale?: Locale;
  /** The newsletter's own labels over the locale's (its `labels:`), when it has any: personalise and the archive copy use them too. Added by render. */
  labels?: LabelOverrides;
  /** The newsletter's name as printed (《预训练周刊》), for the web-archive footer. Added by render. */
  newsletterTitle?: string;
  /** The subject as the archive shows it: a `{{name}}` placeholder filled with the fallback. */
  subject: string;
  /** Present when the subject carries `{{name}}` (name-placeholder.ts): split at HEADLINE_NAME, spliced per recipient. */
  subjectSplice?: SpliceTemplate;
  /**
   * What the issue is about in a few plain sentences, for the feed and link previews: the
   * preheader (its `{{name}}` filled with the fallback) and the issue's lead, the first paragraph
   * of its first text section. Absent when both are empty. Added by render.
   */
  summary?: string;
  /** The fallback the editor gave for `{{name "…"}}` in subject and preheader. Added by render. */
  headlineName?: string;
  /** Full HTML with `%%NL_*%%` tokens still in it. */
  html: string;
  /** Plain-text part with tokens still in it. */
  text: string;
  /** Token names that occur in html or text. */
  tokens: TokenName[];
  /** Pre-split forms of html and text for fast personalisation. */
  splice: { html: SpliceTemplate; text: SpliceTemplate };
  report: SizeReport;
  findings: LintFinding[];
  /** The issue's events that have a start, for the web archive's .ics files (calendar.ts). Added by render; absent when none. */
  events?: CalendarEvent[];
}

/** Bytes of an HTML part on the wire per transfer encoding (measured by src/mail's encodedSizes). */
export interface EncodedSizes {
  quotedPrintable: number;
  base64: number;
}
