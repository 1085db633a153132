// Editorial checks that the schema deliberately leaves to lint so that all of them are reported
// at once: alt text, plain-http links, empty sections and the Gmail clipping budget.
// Step 7 of the renderer, pure (no fs): it fills RenderedIssue.findings.
import type { LintFinding, SizeReport } from './types.ts';
import { isAssetPath, type Issue, type Newsletter } from '../content/schema.ts';
import { issueImages, issueLinks } from '../content/walk-issue.ts';
import { stringsFor } from './strings.ts';
import { hasNamePlaceholder, nameFallback, placeholderProblems } from './name-placeholder.ts';

export function lintIssue(issue: Issue, newsletter: Newsletter, report: SizeReport): LintFinding[] {
  const findings: LintFinding[] = [];
  const error = (path: string | undefined, message: string): void => { findings.push({ level: 'error', path, message }); };
  const warning = (path: string | undefined, message: string): void => { findings.push({ level: 'warning', path, message }); };

  for (const field of ['subject', 'preheader'] as const) {
    for (const problem of placeholderProblems([issue[field]])) error(field, problem);
  }
  const fallbacks = placeholderProblems([issue.subject, issue.preheader]).filter((p) => p.startsWith('the subject and preheader'));
  for (const problem of fallbacks) error('preheader', problem);
  if (hasNamePlaceholder(issue.subject) && !nameFallback(issue.subject, issue.preheader)) {
    warning('subject', `{{name}} without a fallback reads "${stringsFor(newsletter.locale).defaultName}" for subscribers without a name: consider {{name "…"}}`);
  }

  for (const { path, image } of issueImages(issue, newsletter)) {
    if (!image.alt?.trim()) error(`${path}.alt`, 'image has no alt text: describe it for readers who do not load images');
  }

  issue.sections.forEach((section, i) => {
    const at = `sections[${i}]`;
    if (section.kind === 'papers') {
      if (section.groups.length === 0) error(`${at}.groups`, 'papers section has no papers: add a group or remove the section');
      section.groups.forEach((group, g) => {
        if (group.papers.length === 0) error(`${at}.groups[${g}].papers`, `group "${group.field}" has no papers: add one or remove the group`);
      });
    }
    if (section.kind === 'events' && section.events.length === 0) {
      error(`${at}.events`, 'events section has no events: add one or remove the section');
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
  if (report.encodedHtmlBytes > report.budgetBytes) {
    error(undefined, `HTML is ${kb(report.encodedHtmlBytes)} encoded (${report.encoding}), over the ${kb(report.budgetBytes)} budget: Gmail clips it; shorten the issue`);
  } else if (report.encodedHtmlBytes > report.warnBytes) {
    warning(undefined, `HTML is ${kb(report.encodedHtmlBytes)} encoded (${report.encoding}), near Gmail's clipping limit (${kb(report.budgetBytes)} budget)`);
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
