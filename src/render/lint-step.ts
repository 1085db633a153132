// Editorial checks that the schema deliberately leaves to lint so that all of them are reported
// at once: alt text and image sizes, plain-http links, empty sections, the subject's width in the
// inbox list, an empty preheader and the Gmail clipping budget.
// Step 7 of the renderer, pure (no fs): it fills RenderedIssue.findings.
import type { LintFinding, SizeReport } from './types.ts';
import { isAssetPath, type Issue, type Newsletter } from '../content/schema.ts';
import { issueImages, issueLinks } from '../content/walk-issue.ts';
import { markdownProblems } from './markdown-lint.ts';
import { stringsFor } from './strings.ts';
import { fallbackConflict, hasNamePlaceholder, nameFallback, unknownPlaceholders, withName } from './name-placeholder.ts';

export function lintIssue(issue: Issue, newsletter: Newsletter, report: SizeReport): LintFinding[] {
  const findings: LintFinding[] = [];
  const error = (path: string | undefined, message: string): void => {
    findings.push({ level: 'error', path, message });
  };
  const warning = (path: string | undefined, message: string): void => {
    findings.push({ level: 'warning', path, message });
  };

  for (const field of ['subject', 'preheader'] as const) {
    for (const problem of unknownPlaceholders(issue[field])) error(field, problem);
  }
  const conflict = fallbackConflict([issue.subject, issue.preheader]);
  if (conflict) error('preheader', conflict);
  // One fallback serves both fields, so {{name}} in either without one anywhere is worth a word.
  const withoutFallback = nameFallback(issue.subject, issue.preheader)
    ? undefined
    : (['subject', 'preheader'] as const).find((field) => hasNamePlaceholder(issue[field]));
  if (withoutFallback) {
    warning(
      withoutFallback,
      `{{name}} without a fallback reads "${stringsFor(newsletter.locale, newsletter.labels).defaultName}" for subscribers without a name: consider {{name "…"}}`,
    );
  }
  const width = subjectWidth(issue.subject);
  if (width > SUBJECT_WIDTH) {
    const counted = hasNamePlaceholder(issue.subject)
      ? `wide characters such as CJK count 2, {{name}} counts ${NAME_WIDTH}`
      : 'wide characters such as CJK count 2';
    warning(
      'subject',
      `subject is ${width} characters wide (${counted}): most inbox lists show about ${SUBJECT_WIDTH} (${SUBJECT_WIDTH / 2} CJK) and clip the rest; shorten it and move the details to the preheader`,
    );
  }
  if (BLANK.test(issue.preheader)) {
    warning(
      'preheader',
      `preheader is empty: the inbox then shows the first body text instead (usually "${stringsFor(newsletter.locale, newsletter.labels).viewOnline}"); write one sentence that sums up the issue`,
    );
  }

  for (const { path, image } of issueImages(issue, newsletter)) {
    if (!image.alt?.trim()) error(`${path}.alt`, 'image has no alt text: describe it for readers who do not load images');
    // The schema lets an image go without a size (the README lists it as a warning); the
    // renderer then fills the column and leaves the height to the mail client.
    const missing = [image.width ? '' : 'width', image.height ? '' : 'height'].filter(Boolean);
    if (missing.length) {
      warning(
        path,
        `image has no ${missing.join(' or ')}: Outlook and Gmail lay the message out before images load, so the layout jumps or the image blows up to its full size; write ${missing.map((f) => `${f}:`).join(' and ')} in pixels`,
      );
    }
  }

  issue.sections.forEach((section, i) => {
    const at = `sections[${i}]`;
    if (section.kind === 'papers') {
      if (section.groups.length === 0) error(`${at}.groups`, 'papers section has no papers: add a group or remove the section');
      section.groups.forEach((group, g) => {
        if (group.papers.length === 0) error(`${at}.groups[${g}].papers`, `group "${group.field}" has no papers: add one or remove the group`);
        group.papers.forEach((paper, p) => {
          if (paper.summaryDraft === 'arxiv-abstract')
            warning(
              `${at}.groups[${g}].papers[${p}].summary`,
              "summary is the arXiv abstract, rewrite it: say in a few sentences, in the newsletter's language, what the paper does and why it matters, then delete summaryDraft",
            );
        });
      });
    }
    if (section.kind === 'events' && section.events.length === 0) {
      error(`${at}.events`, 'events section has no events: add one or remove the section');
    }
    if (section.kind === 'text') {
      for (const p of markdownProblems(section.markdown))
        (p.level === 'error' ? error : warning)(`${at}.markdown`, `line ${p.line} of the Markdown: ${p.message}`);
    }
    // Summaries are one line of Markdown each (emphasis, links, code): the same things go wrong.
    for (const [path, text] of summariesOf(section, at)) {
      for (const p of markdownProblems(text)) (p.level === 'error' ? error : warning)(path, p.message);
    }
    if (section.kind === 'links' && section.items.length === 0) {
      error(`${at}.items`, 'links section has no items: add one or remove the section');
    }
    if (section.kind === 'events') {
      section.events.forEach((event, e) => {
        if (event.start && event.time)
          warning(
            `${at}.events[${e}].time`,
            "time is not shown when start is given (the date and time are written from start, in the reader's language): remove time, or start if the time is only known in words",
          );
      });
    }
    if (section.kind === 'navigation' && !section.previous && !section.next) {
      error(at, 'navigation section has neither previous nor next: add one or remove the section');
    }
  });

  for (const { path, url } of issueLinks(issue, newsletter)) {
    // An image under emails/assets becomes an ASSETS_URL address when rendered.
    if (path.endsWith('.src') && isAssetPath(url)) continue;
    const scheme = schemeOf(url);
    if (scheme === 'http:') warning(path, `uses plain http (${url}): prefer https`);
    else if (scheme !== 'https:' && scheme !== 'mailto:') error(path, `link ${JSON.stringify(url)} must be an absolute http(s) or mailto URL`);
  }

  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const size = `the HTML part is ${kb(report.encodedHtmlBytes)} on the wire (${report.encoding})`;
  const cut = 'cut text: fewer papers, shorter summaries or one section less (images do not count, they load separately)';
  if (report.encodedHtmlBytes >= report.budgetBytes) {
    error(
      undefined,
      `${size}, over the ${kb(report.budgetBytes)} budget: Gmail clips messages past about 102 KB and hides the rest, unsubscribe link included; ${cut}`,
    );
  } else if (report.encodedHtmlBytes >= report.warnBytes) {
    warning(undefined, `${size}, near the ${kb(report.budgetBytes)} budget under Gmail's clip at about 102 KB; to keep room, ${cut}`);
  }
  return findings;
}

function schemeOf(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

/** Inbox lists show about this many narrow characters of a subject (half as many CJK). */
const SUBJECT_WIDTH = 70;
/** What a subscriber's name stands for in the subject's width. */
const NAME_WIDTH = 10;
/** Nothing visible: whitespace, zero-width characters and the combining grapheme joiner. */
// biome-ignore lint/suspicious/noMisleadingCharacterClass: U+034F (the combining grapheme joiner) is matched on its own on purpose; with /u the class matches code points, and a joiner alone is blank.
const BLANK = /^[\s\u034f\u200b-\u200d\u2060\ufeff]*$/u;

/**
 * East Asian Wide and Fullwidth (Unicode UAX #11) blocks, which inbox lists draw two columns
 * wide: Hangul Jamo, CJK punctuation to Yi, Hangul syllables, compatibility ideographs,
 * vertical and small forms, fullwidth forms, kana supplements, the supplementary ideograph planes;
 * and emoji drawn as pictures.
 */
const WIDE =
  /^[\u{1100}-\u{115f}\u{2e80}-\u{303e}\u{3041}-\u{33ff}\u{3400}-\u{4dbf}\u{4e00}-\u{9fff}\u{a000}-\u{a4cf}\u{a960}-\u{a97f}\u{ac00}-\u{d7a3}\u{f900}-\u{faff}\u{fe10}-\u{fe19}\u{fe30}-\u{fe6f}\u{ff00}-\u{ff60}\u{ffe0}-\u{ffe6}\u{1b000}-\u{1b2ff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]|\p{Emoji_Presentation}|\u{fe0f}/u;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** The subject's width as an inbox list sees it: per grapheme, 2 for wide ones, {{name}} as NAME_WIDTH. */
function subjectWidth(subject: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(withName(subject, 'x'.repeat(NAME_WIDTH)))) width += WIDE.test(segment) ? 2 : 1;
  return width;
}

function summariesOf(section: Issue['sections'][number], at: string): Array<[string, string]> {
  switch (section.kind) {
    case 'papers':
      return section.groups.flatMap((g, gi) => g.papers.map((p, pi): [string, string] => [`${at}.groups[${gi}].papers[${pi}].summary`, p.summary]));
    case 'events':
      return section.events.flatMap((e, ei): Array<[string, string]> => (e.summary ? [[`${at}.events[${ei}].summary`, e.summary]] : []));
    case 'links':
      return section.items.flatMap((item, ii): Array<[string, string]> => (item.summary ? [[`${at}.items[${ii}].summary`, item.summary]] : []));
    default:
      return [];
  }
}
