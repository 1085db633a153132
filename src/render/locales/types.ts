// The shape of one locale's messages for the emails and the web archive: every word the
// templates print that does not come from the issue file. Each locale's file in this folder is
// one object of this type; this file imports none of them.
import type { LabelKey } from '../../content/locale-list.ts';

export type { LabelKey, LabelOverrides, Locale } from '../../content/locale-list.ts';

export interface Strings {
  /** The newsletter's name as a title: 《预训练周刊》 or Pretrain Weekly. */
  title: (name: string) => string;
  issueNumber: (n: number) => string;
  date: (isoDate: string) => string;
  viewOnline: string;
  /** The greeting is prefix + name token + suffix, so the name can be spliced per recipient. */
  greetingPrefix: string;
  greetingSuffix: string;
  /** Used when a recipient has no name, and on the web archive. */
  defaultName: string;
  fieldHeading: (field: string) => string;
  affiliations: string;
  authors: string;
  /** Joins author names; CJK names read better with 、 than with a comma. */
  joinNames: (names: string[]) => string;
  download: string;
  details: string;
  speaker: string;
  time: string;
  /** Before an event's place (`Where: `). */
  place: string;
  /** Links under an event: where to join online, where to register, its .ics file. */
  online: string;
  register: string;
  addToCalendar: string;
  /** An event's `start`/`end` in its time zone, with the zone's name. */
  eventTime: (start: string, end: string | undefined, timeZone: string) => string;
  /** Marks a sponsor block as paid placement (China's rules for commercial mail ask for 广告). */
  sponsorLabel: string;
  /** The plain-text part's word for a captioned image: `[Image: alt] caption`. */
  imageLabel: string;
  /** A quotation in the locale's quotation marks. */
  quoted: (text: string) => string;
  communityTitle: string;
  previous: string;
  next: string;
  source: string;
  disclaimer: string;
  whyReceived: (title: string) => string;
  unsubscribe: string;
  /** The footer's link to the subscriber's preferences page. */
  managePreferences: string;
  /** Replace whyReceived and unsubscribe on the web archive, where no subscriber is known. */
  archiveInvite: (title: string) => string;
  subscribe: string;
  confirm: {
    subject: (title: string) => string;
    heading: string;
    intro: (title: string) => string;
    button: string;
    expires: (hours: number | undefined) => string;
    ignore: string;
    fallback: string;
  };
  welcome: {
    subject: (title: string) => string;
    heading: string;
    intro: (title: string) => string;
    latest: string;
    archive: string;
    leave: string;
    manage: string;
  };
  /** The mail with a link to the preferences page that works for a few days (asked for on that page). */
  preferencesLink: {
    subject: (title: string) => string;
    heading: string;
    intro: (title: string) => string;
    button: string;
    expires: (days: number) => string;
    ignore: string;
  };
}

/** The keys of Strings whose value is a plain string: exactly what a newsletter's `labels:` may override. */
type PlainLabelKey = { [K in keyof Strings]: Strings[K] extends string ? K : never }[keyof Strings];
// Compile-time check that LABEL_KEYS (locale-list.ts, read by the content schema) and Strings agree both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type LabelKeysMatchStrings = Assert<Same<PlainLabelKey, LabelKey>>;
