// The shape of one locale's web-page sentences. Each locale's file in this folder is one object
// of this type; this file imports none of them.

export type PageLocale = 'en' | 'zh-CN' | 'zh-TW' | 'ja' | 'ko' | 'de' | 'fr' | 'es' | 'ar';

export interface Messages {
  lang: PageLocale;
  /** Set for right-to-left languages; the layout puts it on `<html>`. */
  dir?: 'rtl';
  subscribeTitle(name: string): string;
  subscribeIntro(organisation: string): string;
  emailLabel: string;
  nameLabel: string;
  optional: string;
  otherNewsletters: string;
  consent(name: string): string;
  subscribeButton: string;
  confirmNote(hours: number): string;
  honeypotLabel: string;
  checkInboxTitle: string;
  checkInboxBody(hours: number): string;
  checkInboxHint: string;
  confirmAskTitle(name: string): string;
  confirmAskBody(name: string): string;
  confirmAskButton: string;
  confirmedTitle: string;
  confirmedBody(name: string): string;
  readArchive: string;
  confirmInvalidTitle: string;
  confirmInvalidBody(hours: number): string;
  subscribeAgain: string;
  unsubscribeTitle(name: string): string;
  unsubscribeBody(masked: string, name: string): string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedBody(masked: string | null, name: string): string;
  resubscribeOffer: string;
  unsubscribeInvalidTitle: string;
  preferencesInvalidTitle: string;
  unsubscribeInvalidBody: string;
  preferences: {
    title: string;
    intro(masked: string): string;
    lists: string;
    language: string;
    languages: Record<'zh-CN' | 'en', string>;
    save: string;
    leaveAll: string;
    saved: string;
    leftAll: string;
    manage: string;
    /** Next to a newsletter asked for and not confirmed yet. */
    awaiting: string;
    /** After a save that asked to join: a confirmation mail went out for these newsletters. */
    asked(names: string): string;
    /** The page a footer's link (or an expired one) opens: nothing personal, an offer to mail a fresh link. */
    linkIntro(days: number): string;
    linkExpired: string;
    linkButton: string;
    /** The same answer whatever happened (sent, throttled, nobody there). */
    linkSent(days: number): string;
    unsubscribeOnly(name: string): string;
  };
  archiveTitle(name: string): string;
  /** The archive of every newsletter at once (no `?newsletter=`). */
  allArchivesTitle: string;
  landingTitle: string;
  landingIntro: string;
  latestIssues: string;
  archiveEmpty: string;
  issueNumber(n: number): string;
  previousIssue: string;
  nextIssue: string;
  allIssues: string;
  subscribeLink: string;
  invalidEmail: string;
  errors: Record<'400' | '404' | '413' | '415' | '429' | '500', { title: string; body: string }>;
  backHome: string;
}
