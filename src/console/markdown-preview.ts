// A Markdown field's preview in the studio, beside the field: the email's allow-list
// (MARKDOWN_RULES, raw HTML off, only http(s) and mailto links) rendered without the email's
// inline styles, which the console's CSP does not allow; the console's stylesheet dresses it.
import MarkdownIt from 'markdown-it';
import { MARKDOWN_RULES } from '../render/markdown.ts';
import { trusted, type SafeHtml } from '../http/views/html.ts';

const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false, breaks: false });
md.enable(MARKDOWN_RULES);
md.validateLink = (url: string) => /^(https?:\/\/|mailto:)/i.test(url.trim());

/** The source as HTML: markdown-it escapes all text and drops raw HTML, so the result is safe to place. */
export function markdownPreview(source: string): SafeHtml {
  return trusted(md.render(source));
}
