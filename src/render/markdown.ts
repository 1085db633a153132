// The free-text block: a small Markdown subset rendered by markdown-it with raw HTML off. Links
// are checked here (the schema cannot see inside Markdown): only http(s) and mailto become
// links, anything else stays visible as plain text. Styles are inlined on the tags because
// many mail clients drop <style> blocks.
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

export function createMarkdown(): (source: string, style: MarkdownStyle) => string {
  const md = new MarkdownIt('zero', { html: false, linkify: false, typographer: false, breaks: false });
  // The subset an editor needs for a paragraph or two of prose; images are left out because
  // mail needs width, height and alt on every image (use an image block instead).
  md.enable(['paragraph', 'heading', 'list', 'blockquote', 'hr', 'emphasis', 'strikethrough', 'link', 'autolink', 'backticks', 'escape', 'entity', 'newline']);
  md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

  // A line break inside a paragraph becomes a space in HTML, which shows between CJK characters.
  md.renderer.rules.softbreak = (tokens, idx) => {
    const before = tokens[idx - 1]?.content.slice(-1) ?? '';
    const after = tokens[idx + 1]?.content.charAt(0) ?? '';
    return CJK.test(before) || CJK.test(after) ? '' : ' ';
  };

  return (source, style) => {
    const tokens = md.parse(source, {});
    addStyles(tokens, style);
    return md.renderer.render(tokens, md.options, {});
  };
}

const BLOCK_STYLES: Record<string, string> = {
  paragraph_open: 'margin:0 0 12px;',
  heading_open: 'margin:16px 0 8px;font-size:16px;line-height:1.5;font-weight:600;',
  bullet_list_open: 'margin:0 0 12px;padding-left:20px;',
  ordered_list_open: 'margin:0 0 12px;padding-left:20px;',
  list_item_open: 'margin:0 0 4px;',
  hr: 'border:0;border-top:1px solid #e5e7eb;margin:16px 0;',
  code_inline: 'font-family:SFMono-Regular,Menlo,Consolas,monospace;font-size:90%;background-color:#f3f4f6;padding:1px 4px;border-radius:3px;',
};

function addStyles(tokens: Token[], style: MarkdownStyle): void {
  for (const token of tokens) {
    if (token.children) addStyles(token.children, style);
    const css = token.type === 'link_open' ? `color:${style.linkColor};text-decoration:underline;word-break:break-word;`
      : token.type === 'blockquote_open' ? `margin:0 0 12px;padding:0 0 0 12px;border-left:3px solid #d0d7de;color:${style.mutedColor};`
        : BLOCK_STYLES[token.type];
    if (css) token.attrSet('style', style.rtl ? mirrorStyle(css) : css);
  }
}
