// What a reader with a screen reader meets in the email (issue 30), as lint findings on the
// rendered HTML and the issue as written: the language and direction on <html>, layout tables
// marked as such, headings that do not skip a level, link text that says where it goes, and alt
// text that describes rather than names a file. Pure; contrast is contrast-lint.ts's.
import type { Issue, Newsletter } from '../content/schema.ts';
import { issueImages } from '../content/walk-issue.ts';
import type { LintFinding } from './types.ts';

// Link text that says nothing of where it goes, in the languages the samples use.
const VAGUE_LINK = /^(click here|here|this|link|this link|read more|more|点击这里|点这里|点此|这里|此处|链接|更多)$/i;
const FILE_NAME = /^[\w.-]+\.(png|jpe?g|gif|webp|svg|bmp|tiff?)$|^(img|image|dsc|screenshot|photo)[-_ ]?\d+$/i;
const URL_TEXT = /^(https?:\/\/|www\.)\S+$/i;

const textOf = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

export function accessibilityFindings(html: string, issue: Issue, newsletter: Newsletter): LintFinding[] {
  const findings: LintFinding[] = [];
  const warning = (path: string | undefined, message: string) => findings.push({ level: 'warning', path, message });

  const root = /<html\b[^>]*>/i.exec(html)?.[0] ?? '';
  for (const attr of ['lang', 'dir'] as const)
    if (!new RegExp(`\\s${attr}="[^"]+"`, 'i').test(root))
      findings.push({
        level: 'error',
        path: undefined,
        message: `<html> has no ${attr}: screen readers ${attr === 'lang' ? 'pick the voice' : 'read the order'} from it; the layout template must put ${attr}="…" on <mjml> (emails/templates/layout.mjml.hbs)`,
      });

  // Layout tables read as data tables ("table with 3 rows") unless marked; Markdown's own tables are data.
  const unmarked = [...html.matchAll(/<table\b[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => !/\srole="(presentation|none)"/i.test(tag) && !/nl-md-table/.test(tag));
  if (unmarked.length)
    warning(
      undefined,
      `${unmarked.length} layout table${unmarked.length === 1 ? '' : 's'} without role="presentation" (first: ${unmarked[0]!.slice(0, 80)}): screen readers announce rows and columns; add the role in the template`,
    );

  let previous = 0;
  for (const m of html.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi)) {
    const level = Number(m[1]);
    if (previous && level > previous + 1)
      warning(
        undefined,
        `heading "${textOf(m[2]!).slice(0, 60)}" is h${level} after an h${previous}: screen reader users jump by heading level and miss a level skipped; use h${previous + 1}`,
      );
    previous = level;
  }

  for (const m of html.matchAll(/<a\b[^>]*>([\s\S]*?)<\/a>/gi)) {
    const text = textOf(m[1]!);
    if (VAGUE_LINK.test(text))
      warning(undefined, `link text "${text}" does not say where it goes (screen readers list links by their text): write what the reader gets there`);
    else if (URL_TEXT.test(text) && text.length > 30)
      warning(undefined, `link text is the address itself (${text.slice(0, 60)}…): a screen reader spells it out; write the page's title as the link text`);
  }

  const named = new Set<string>();
  for (const { path, image } of issueImages(issue, newsletter)) {
    const alt = image.alt?.trim() ?? '';
    if (alt && FILE_NAME.test(alt)) {
      named.add(alt);
      warning(`${path}.alt`, `alt text "${alt}" is a file name: describe what the image shows`);
    }
  }
  // Images written in Markdown (![IMG_1234.jpg](…) in a summary or note) are only in the HTML.
  for (const m of html.matchAll(/<img\b[^>]*\salt="([^"]*)"/gi)) {
    const alt = textOf(m[1]!);
    if (alt && FILE_NAME.test(alt) && !named.has(alt)) {
      named.add(alt);
      warning(undefined, `alt text "${alt}" is a file name: describe what the image shows (in the Markdown, between the brackets of ![…](…))`);
    }
  }
  return findings;
}
