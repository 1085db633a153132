// The render pipeline as a numbered chain of small pure steps (maizzle-style). Everything slow
// to set up (template compilation, Markdown and text converters) happens once per renderer;
// renderIssue runs once per issue, never per recipient.
import { calendarEvents } from './calendar.ts';
import { accessibilityFindings } from './accessibility-lint.ts';
import { contrastFindings } from './contrast-lint.ts';
import { lintIssue } from './lint-step.ts';
import { newsletterWithAbsoluteImages, withAbsoluteImages } from './asset-urls.ts';
import { defuseIssue, defuseNewsletter } from './content-text.ts';
import { COLOURS, DEFAULT_ASSETS_URL } from './defaults.ts';
import type { Issue, Newsletter } from '../content/schema.ts';
import { UserError } from '../errors.ts';
import { compileTemplates } from './handlebars-step.ts';
import { createInlineMarkdown, createMarkdown } from './markdown.ts';
import { mjmlToHtml } from './mjml-step.ts';
import { hasNamePlaceholder, nameFallback, withName } from './name-placeholder.ts';
import type { Personalised } from './personalise.ts';
import { sizeReport } from './size-report.ts';
import { restoreDefused, toSpliceTemplate, tokensUsed } from './splice.ts';
import { stringsFor } from './strings.ts';
import type { TemplateSet } from './templates.ts';
import { createTextConverter } from './text-step.ts';
import type { EncodedSizes, RenderedIssue } from './types.ts';
import { confirmView, issueView, preferencesLinkView, welcomeView } from './view-model.ts';

export interface ConfirmData {
  newsletter: Newsletter;
  /** The double opt-in link (http or https). */
  confirmUrl: string;
  name?: string;
  /** How long the link lives, to tell the reader; a vaguer sentence when not given. */
  expiresInHours?: number;
}

export interface WelcomeData {
  newsletter: Newsletter;
  name?: string;
  /** The newest issue's web version, when one is out. */
  latestUrl?: string;
  archiveUrl: string;
  unsubscribeUrl: string;
  /** The subscriber's preferences page. */
  preferencesUrl?: string;
}

export interface PreferencesLinkData {
  newsletter: Newsletter;
  /** The preferences page with a token that expires (http or https). */
  preferencesUrl: string;
  name?: string;
  /** How many days the link works. */
  expiresInDays: number;
}

export interface Renderer {
  renderIssue(issue: Issue, newsletter: Newsletter): Promise<RenderedIssue>;
  renderTransactional(name: 'confirm', data: ConfirmData): Promise<Personalised>;
  renderTransactional(name: 'welcome', data: WelcomeData): Promise<Personalised>;
  /** Through the confirmation mail's template (one button, a link that expires), in its own words. */
  renderTransactional(name: 'preferences-link', data: PreferencesLinkData): Promise<Personalised>;
  /** Whether emails/templates has a welcome template. */
  hasWelcome(): boolean;
}

export interface RendererOptions {
  /** Where emails/assets is served (config.assetsUrl); default DEFAULT_ASSETS_URL. */
  assetsUrl?: string;
  /** The HTML part's size on the wire per encoding: src/mail's encodedSizes (render cannot import mail). */
  encodedSizes: (html: string) => EncodedSizes;
}

/** Longest summary kept: a feed reader shows two or three lines. */
const SUMMARY_CHARS = 400;

/** The preheader and the first paragraph of the first text section, as plain text. */
function issueSummary(issue: Issue, preheader: string, markdownToText: (markdown: string) => string): string {
  const lead = issue.sections.find((s): s is Extract<Issue['sections'][number], { kind: 'text' }> => s.kind === 'text');
  const firstParagraph = lead
    ? (
        markdownToText(lead.markdown)
          .split(/\n\s*\n/)
          .find((p) => p.trim()) ?? ''
      )
        .replace(/\s*\[https?:[^\]\s]*\]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
    : '';
  const text = [preheader.trim(), firstParagraph].filter(Boolean).join(' — ');
  return Array.from(text).length > SUMMARY_CHARS
    ? `${Array.from(text)
        .slice(0, SUMMARY_CHARS - 1)
        .join('')
        .trimEnd()}…`
    : text;
}

export function createRenderer(templates: TemplateSet, options: RendererOptions): Renderer {
  const assetsUrl = options.assetsUrl ?? DEFAULT_ASSETS_URL;
  const compiled = compileTemplates(templates);
  const markdown = { block: createMarkdown(), inline: createInlineMarkdown() };
  const toText = createTextConverter();

  return {
    async renderIssue(source, sourceNewsletter) {
      const issue = defuseIssue(withAbsoluteImages(source, assetsUrl)); // 0. asset paths → URLs; content's own %%NL_ defused
      const newsletter = defuseNewsletter(newsletterWithAbsoluteImages(sourceNewsletter, assetsUrl));
      const view = issueView(issue, newsletter, markdown); // 1. data → view
      const mjml = compiled.layout(view); // 2. Handlebars → MJML
      const html = await mjmlToHtml(mjml); // 3. MJML → HTML
      const text = toText(html, newsletter.locale); // 4. HTML → text
      const splice = { html: toSpliceTemplate(html), text: toSpliceTemplate(text) }; // 5. split at tokens
      const report = sizeReport(html, text, options.encodedSizes(html)); // 6. size on the wire
      const findings = [
        ...lintIssue(source, sourceNewsletter, report), // 7. editorial checks (on the file as written)
        ...accessibilityFindings(html, source, sourceNewsletter), //    what a screen reader meets
        ...contrastFindings(html, sourceNewsletter), //    colour contrast, light and dark
      ];
      const headlineName = nameFallback(view.sourceSubject, issue.preheader);
      const subjectSplice = hasNamePlaceholder(view.sourceSubject) ? toSpliceTemplate(view.subject) : undefined;
      const events = calendarEvents(source); // 8. events for the archive's .ics files (as written)
      const summary = issueSummary(issue, withName(issue.preheader ?? '', headlineName ?? stringsFor(newsletter.locale, newsletter.labels).defaultName), (md) =>
        toText(markdown.block(md, { linkColor: newsletter.brandColor, mutedColor: COLOURS.muted }), newsletter.locale),
      );
      return {
        issueId: issue.id,
        newsletterId: newsletter.id,
        locale: newsletter.locale,
        ...(sourceNewsletter.labels ? { labels: sourceNewsletter.labels } : {}),
        newsletterTitle: stringsFor(newsletter.locale).title(sourceNewsletter.name),
        subject: restoreDefused(withName(view.sourceSubject, headlineName ?? stringsFor(newsletter.locale, newsletter.labels).defaultName)),
        ...(subjectSplice ? { subjectSplice } : {}),
        ...(headlineName ? { headlineName } : {}),
        html,
        text,
        tokens: tokensUsed(splice.html, splice.text),
        splice,
        report,
        findings,
        ...(events.length ? { events } : {}),
        ...(summary ? { summary: restoreDefused(summary) } : {}),
      };
    },

    hasWelcome: () => compiled.welcome !== null,

    async renderTransactional(name: 'confirm' | 'welcome' | 'preferences-link', data: ConfirmData | WelcomeData | PreferencesLinkData) {
      if (name === 'preferences-link') {
        const d = data as PreferencesLinkData;
        if (!/^https?:\/\//i.test(d.preferencesUrl)) throw new UserError(`preferences link must be an http(s) URL, got ${JSON.stringify(d.preferencesUrl)}`);
        const view = preferencesLinkView({ ...d, newsletter: defuseNewsletter(newsletterWithAbsoluteImages(d.newsletter, assetsUrl)) });
        const html = await mjmlToHtml(compiled.confirm(view));
        return { subject: restoreDefused(view.subject), html: restoreDefused(html), text: restoreDefused(toText(html, d.newsletter.locale)) };
      }
      if (name === 'welcome') {
        const w = data as WelcomeData;
        if (!compiled.welcome) throw new UserError('emails/templates: no welcome.mjml.hbs, so no welcome mail can be sent');
        for (const url of [w.archiveUrl, w.unsubscribeUrl, ...(w.latestUrl ? [w.latestUrl] : []), ...(w.preferencesUrl ? [w.preferencesUrl] : [])]) {
          if (!/^https?:\/\//i.test(url)) throw new UserError(`welcome mail links must be http(s) URLs, got ${JSON.stringify(url)}`);
        }
        const view = welcomeView({ ...w, newsletter: defuseNewsletter(newsletterWithAbsoluteImages(w.newsletter, assetsUrl)) });
        const html = await mjmlToHtml(compiled.welcome(view));
        return { subject: restoreDefused(view.subject), html: restoreDefused(html), text: restoreDefused(toText(html, w.newsletter.locale)) };
      }
      if (name !== 'confirm') throw new Error(`unknown transactional email "${String(name)}"`);
      data = data as ConfirmData;
      if (!/^https?:\/\//i.test(data.confirmUrl)) {
        throw new UserError(`confirmation link must be an http(s) URL, got ${JSON.stringify(data.confirmUrl)}`);
      }
      const view = confirmView({ ...data, newsletter: defuseNewsletter(newsletterWithAbsoluteImages(data.newsletter, assetsUrl)) });
      const html = await mjmlToHtml(compiled.confirm(view));
      return { subject: restoreDefused(view.subject), html: restoreDefused(html), text: restoreDefused(toText(html, data.newsletter.locale)) };
    },
  };
}
