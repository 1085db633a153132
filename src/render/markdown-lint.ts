// What the free-text block's Markdown cannot take, found with the line it is on: raw HTML
// (markdown.ts keeps it off, so it would be shown as text), footnotes (not part of the
// allow-list, shown literally), images without alt text (nothing to say to readers without
// images) or without a size (mail clients lay out before images load). Each finding says what
// to write instead. Lines count from the first line of the `markdown:` value.
import MarkdownIt from 'markdown-it';
import { MARKDOWN_RULES } from './markdown.ts';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

export interface MarkdownProblem {
  level: 'error' | 'warning';
  line: number;
  message: string;
}

// The same rules as the renderer, with raw HTML recognised so that it can be reported.
const parser = new MarkdownIt('zero', { html: true }).enable([...MARKDOWN_RULES, 'html_block', 'html_inline']);

const FOOTNOTE = /^\s{0,3}\[\^[^\]\s]+\]:|\[\^[^\]\s]+\]/;

function firstTag(html: string): string {
  return (/<\/?[A-Za-z][^>\s]*/.exec(html)?.[0] ?? html.trim().slice(0, 20)) + (html.includes('>') ? '>' : '');
}

export function markdownProblems(source: string): MarkdownProblem[] {
  const problems: MarkdownProblem[] = [];
  const walk = (tokens: Token[], line: number) => {
    for (const token of tokens) {
      const at = token.map ? token.map[0] + 1 : line;
      if (token.type === 'html_block' || token.type === 'html_inline') {
        if (/^\s*<!--/.test(token.content)) {
          problems.push({ level: 'error', line: at, message: 'an HTML comment would be shown as text: delete it (YAML comments, # …, stay out of the issue)' });
        } else {
          problems.push({
            level: 'error',
            line: at,
            message: `raw HTML (${firstTag(token.content)}) is not rendered, it would be shown as text: write Markdown instead (**bold**, *italic*, [text](https://…), a list, a > quote, a table), or use an image or button section`,
          });
        }
      } else if (token.type === 'image') {
        const alt = (token.children ?? [])
          .map((c) => c.content)
          .join('')
          .trim();
        if (!alt) problems.push({ level: 'error', line: at, message: 'image has no alt text: write ![what it shows](https://…)' });
        problems.push({
          level: 'warning',
          line: at,
          message: 'a Markdown image has no width and height, so the layout jumps while it loads: prefer an image section (src, alt, width, height)',
        });
      }
      if (token.children) walk(token.children, at);
    }
  };
  const tokens = parser.parse(source, {});
  walk(tokens, 1);
  // Lines inside code blocks are code: a [^1] there is meant literally.
  const code = new Set<number>();
  for (const t of tokens) if ((t.type === 'fence' || t.type === 'code_block') && t.map) for (let l = t.map[0]; l < t.map[1]; l++) code.add(l);
  source.split('\n').forEach((text, i) => {
    if (!code.has(i) && FOOTNOTE.test(text))
      problems.push({
        level: 'error',
        line: i + 1,
        message: 'footnotes ([^1]) are not supported and would be shown literally: put the note in the sentence or in parentheses',
      });
  });
  return problems.sort((a, b) => a.line - b.line);
}
