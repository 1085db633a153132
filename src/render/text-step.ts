// Step 4: HTML → the plain-text part, by html-to-text. Links read `text [url]` so the tokens in
// hrefs survive for splicing; bare images are left out, linked ones read `alt [url]`; the hidden
// preheader and the logo are skipped. Headings are upper-cased only in locales written in Latin
// letters: upper case means nothing in CJK or Arabic, and an upper-cased English paper title
// inside a Chinese issue is hard to read.
import { compile, type FormatCallback } from 'html-to-text';
import { LOCALES, type Locale } from './strings.ts';

export type TextConverter = (html: string, locale: Locale) => string;

function converter(uppercaseHeadings: boolean): (html: string) => string {
  const heading = (level: number) => ({
    selector: `h${level}`,
    options: { uppercase: uppercaseHeadings && level <= 2, leadingLineBreaks: level <= 2 ? 3 : 2, trailingLineBreaks: level <= 3 ? 2 : 1 },
  });
  return compile({
    wordwrap: false,
    formatters: { imageLink, markdownImage, buttonLink, quoteLine, captionedImage, divider },
    selectors: [
      { selector: 'img', format: 'skip' },
      // Markdown in a text section (markdown.ts): an image reads as its alt text, a table as a
      // table of columns, a code block keeps its lines and spaces.
      { selector: 'img.nl-md-image', format: 'markdownImage' },
      { selector: 'table.nl-md-table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 40 } },
      { selector: 'pre.nl-md-code', format: 'pre', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'a.nl-image-link', format: 'imageLink' },
      // The newer blocks (partials button, quote, image with caption, sponsor, divider).
      { selector: 'td.nl-button', format: 'buttonLink' },
      { selector: 'blockquote.nl-quote', format: 'quoteLine' },
      { selector: 'div.nl-figure', format: 'captionedImage' },
      { selector: 'td.nl-divider', format: 'divider' },
      { selector: 'div.nl-sponsor', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      { selector: 'div.nl-sponsor-label', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      // An event's title is an h3 (after its section's h2) but reads in the text like a paper's h4 title.
      { selector: 'h3.nl-event-title', format: 'heading', options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 1 } },
      { selector: 'h4.nl-sponsor-name', format: 'heading', options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: '.nl-logo', format: 'skip' },
      { selector: 'div.nl-item', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
      { selector: 'div[style*="display:none"]', format: 'skip' },
      { selector: 'a', options: { linkBrackets: ['[', ']'], hideLinkHrefIfSameAsText: true } },
      { selector: 'ul', options: { itemPrefix: ' • ' } },
      heading(1),
      heading(2),
      heading(3),
      heading(4),
    ],
  });
}

/** A linked image reads as `alt [href]`; a bare image adds nothing (see the `img` selector). */
const imageLink: FormatCallback = (elem, _walk, builder) => {
  const img = (elem.children ?? []).find((child) => child.name === 'img');
  const alt = String(img?.attribs?.alt ?? '').trim();
  const href = String(elem.attribs?.href ?? '');
  builder.addInline(alt ? `${alt} [${href}]` : `[${href}]`);
};

/** A Markdown image reads `[alt]`: what a reader without images is told is there. */
const markdownImage: FormatCallback = (elem, _walk, builder) => {
  const alt = String(elem.attribs?.alt ?? '').trim();
  if (alt) builder.addInline(`[${alt}]`);
};

type Node = Parameters<FormatCallback>[0];

/** The text inside a node, entities decoded, no-break spaces as spaces, runs of space as one. */
function textOf(node: Node | undefined): string {
  if (!node) return '';
  const own = node.type === 'text' ? String((node as { data?: unknown }).data ?? '') : (node.children ?? []).map(textOf).join('');
  return own.replace(/[\s\u00a0]+/g, ' ');
}

function find(node: Node | undefined, test: (n: Node) => boolean): Node | undefined {
  for (const child of node?.children ?? []) {
    if (test(child)) return child;
    const inner = find(child, test);
    if (inner) return inner;
  }
  return undefined;
}

const hasClass = (name: string) => (n: Node) =>
  String(n.attribs?.class ?? '')
    .split(/\s+/)
    .includes(name);

function line(builder: Parameters<FormatCallback>[2], text: string): void {
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(text);
  builder.closeBlock({ trailingLineBreaks: 2 });
}

/** A call-to-action button reads `Label: URL`, on a line of its own. */
const buttonLink: FormatCallback = (elem, _walk, builder) => {
  const link = find(elem, (n) => n.name === 'a');
  line(builder, `${textOf(link).trim()}: ${String(link?.attribs?.href ?? '')}`);
};

/** A quote block reads `“words” — source [url]` on one line. */
const quoteLine: FormatCallback = (elem, _walk, builder) => {
  const paragraphs = (elem.children ?? []).filter((c) => c.name === 'p');
  const source = paragraphs.find(hasClass('nl-quote-source'));
  const href = find(source, (n) => n.name === 'a')?.attribs?.href;
  line(builder, [textOf(paragraphs[0]).trim(), textOf(source).trim(), href ? `[${href}]` : ''].filter(Boolean).join(' '));
};

/** An image with a caption reads `[Image: alt] caption` (and the link, when the image is one). */
const captionedImage: FormatCallback = (elem, _walk, builder) => {
  const alt = String(find(elem, (n) => n.name === 'img')?.attribs?.alt ?? '').trim();
  const href = find(elem, hasClass('nl-image-link'))?.attribs?.href;
  const caption = textOf(find(elem, hasClass('nl-caption'))).trim();
  line(builder, [`[${String(elem.attribs?.['data-label'] ?? 'Image')}${alt ? `: ${alt}` : ''}]`, caption, href ? `[${href}]` : ''].filter(Boolean).join(' '));
};

/** The divider block: a line of em dashes. */
const divider: FormatCallback = (_elem, _walk, builder) => {
  line(builder, '—'.repeat(24));
};

const LATIN_SCRIPT: readonly Locale[] = ['en', 'de', 'fr', 'es'];

export function createTextConverter(): TextConverter {
  const latin = converter(true);
  const other = converter(false);
  const byLocale = Object.fromEntries(LOCALES.map((l) => [l, LATIN_SCRIPT.includes(l) ? latin : other])) as Record<Locale, (html: string) => string>;
  // Layout tables and image blocks leave runs of empty lines; two blank lines at most.
  return (html, locale) =>
    `${byLocale[locale](html)
      .replace(/\n{4,}/g, '\n\n\n')
      .trim()}\n`;
}
