// The free-text block: Markdown rendered by markdown-it with raw HTML off. The allow-list below
// is what renders faithfully in HTML and in the text part (code blocks, tables, quotes, images
// with alt text, lists, emphasis, links); what is not on it (raw HTML, footnotes) lint names
// with its line (markdown-lint.ts). Links are checked here (the schema cannot see inside
// Markdown): only http(s) and mailto become links, anything else stays visible as plain text.
// Styles are inlined on the tags because many mail clients drop <style> blocks.
import { CJK } from './cjk.ts';
import MarkdownIt from 'markdown-it';
import { mirrorStyle } from './mirror.ts';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

export interface MarkdownStyle {
  linkColor: string;
  mutedColor: string;
  /** Right-to-left text: list indents and the quote's rule move to the right. */
  rtl?: boolean;
}

function configuredMarkdownIt(): InstanceType<typeof MarkdownIt> {
  const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false, breaks: false });
  md.enable(MARKDOWN_RULES);
  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
  // Code scrolls sideways in its own box rather than widening the message on a phone; the
  // wrapper carries the scrolling because some clients ignore overflow on <pre>. The box takes
  // the keyboard's focus (tabindex 0), or a reader without a mouse could not scroll it (axe:
  // scrollable-region-focusable); a client that strips tabindex loses nothing else.
  md.renderer.rules.fence = (tokens, idx) => codeBlock(tokens[idx]!.content);
  md.renderer.rules.code_block = (tokens, idx) => codeBlock(tokens[idx]!.content);
  md.renderer.rules.table_open = () => `<div class="nl-md-scroll" tabindex="0" style="${SCROLL_STYLE}"><table class="nl-md-table" style="${TABLE_STYLE}">`;
  md.renderer.rules.table_close = () => '</table></div>';
  // An image: as wide as the column at most, its alt text for readers without images.
  md.renderer.rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const alt = md.utils.escapeHtml(token.children ? token.children.map((c) => c.content).join('') : token.content);
    const src = md.utils.escapeHtml(String(token.attrGet('src') ?? ''));
    return `<img class="nl-md-image" src="${src}" alt="${alt}" style="display:block;max-width:100%;height:auto;border:0;margin:0 0 12px;">`;
  };

  // A line break inside a paragraph becomes a space in HTML, which shows between CJK characters.
  md.renderer.rules.softbreak = (tokens, idx) => {
    const before = tokens[idx - 1]?.content.slice(-1) ?? '';
    const after = tokens[idx + 1]?.content.charAt(0) ?? '';
    return CJK.test(before) || CJK.test(after) ? '' : ' ';
  };

  return md;
}

function markdownRenderer(mode: 'parse' | 'parseInline'): (source: string, style: MarkdownStyle) => string {
  const md = configuredMarkdownIt();
  return (source, style) => {
    const tokens = md[mode](source, {});
    addStyles(tokens, style);
    return md.renderer.render(tokens, md.options, {});
  };
}

/** A text section's Markdown: blocks (paragraphs, lists, code, tables, quotes, images). */
export function createMarkdown(): (source: string, style: MarkdownStyle) => string {
  return markdownRenderer('parse');
}

/**
 * The same allow-list for one line of prose (a paper's, an event's or a link's summary):
 * emphasis, links and code inline; no paragraph around it.
 */
export function createInlineMarkdown(): (source: string, style: MarkdownStyle) => string {
  return markdownRenderer('parseInline');
}

/** The markdown-it rules the free-text block allows (markdown-lint.ts reports the rest). */
export const MARKDOWN_RULES = [
  'paragraph',
  'heading',
  'lheading',
  'list',
  'blockquote',
  'hr',
  'fence',
  'code',
  'table',
  'emphasis',
  'strikethrough',
  'link',
  'image',
  'autolink',
  'backticks',
  'escape',
  'entity',
  'newline',
];

const MONO = "SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";
// width:0 with min-width:100%: the box fills the column but adds nothing to the width the
// layout table asks for, so a long line scrolls inside it instead of widening the message.
/** The light backgrounds of inline code, and of code blocks and table headers (the contrast lint reads them). */
export const INLINE_CODE_BACKGROUND = '#f3f4f6';
export const BLOCK_BACKGROUND = '#f6f8fa';
const SCROLL_STYLE = 'overflow-x:auto;width:0;min-width:100%;margin:0 0 12px;';
const TABLE_STYLE = 'border-collapse:collapse;font-size:14px;line-height:1.5;';
const CELL_STYLE = 'border:1px solid #d0d7de;padding:6px 10px;vertical-align:top;';

function escapeCode(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function codeBlock(content: string): string {
  const code = escapeCode(content.replace(/\n$/, ''));
  return `<div class="nl-md-scroll" tabindex="0" style="${SCROLL_STYLE}"><pre class="nl-md-code" style="margin:0;padding:12px;background-color:${BLOCK_BACKGROUND};border-radius:4px;font-family:${MONO};font-size:13px;line-height:1.5;white-space:pre;text-align:left;direction:ltr;"><code>${code}</code></pre></div>`;
}

const BLOCK_STYLES: Record<string, string> = {
  paragraph_open: 'margin:0 0 12px;',
  heading_open: 'margin:16px 0 8px;font-size:16px;line-height:1.5;font-weight:600;',
  bullet_list_open: 'margin:0 0 12px;padding-left:20px;',
  ordered_list_open: 'margin:0 0 12px;padding-left:20px;',
  list_item_open: 'margin:0 0 4px;',
  hr: 'border:0;border-top:1px solid #e5e7eb;margin:16px 0;',
  code_inline: `font-family:SFMono-Regular,Menlo,Consolas,monospace;font-size:90%;background-color:${INLINE_CODE_BACKGROUND};padding:1px 4px;border-radius:3px;`,
  th_open: `${CELL_STYLE}font-weight:600;background-color:${BLOCK_BACKGROUND};`,
  td_open: CELL_STYLE,
};

function addStyles(tokens: Token[], style: MarkdownStyle): void {
  for (const token of tokens) {
    if (token.children) addStyles(token.children, style);
    const css =
      token.type === 'link_open'
        ? `color:${style.linkColor};text-decoration:underline;word-break:break-word;word-wrap:break-word;`
        : token.type === 'blockquote_open'
          ? `margin:0 0 12px;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:${style.mutedColor};`
          : BLOCK_STYLES[token.type];
    // A table column's alignment (`| ---: |`) arrives as a style of its own: keep it after ours.
    const own = token.attrGet('style');
    if (css) token.attrSet('style', (style.rtl ? mirrorStyle(css) : css) + (own ? `${own};` : ''));
  }
}
