// Walks rendered email HTML and lists each use of a caniemail feature: elements, attributes,
// inline styles and <style> blocks, with what tells a fallback (an @media rule over inline
// styles, markup Outlook for Windows never sees) and where it sits (for source-of).
import { Parser } from 'htmlparser2';
import { atRuleSlugs, declarationSlugs, mediaAttributeSlugs, selectorSlugs } from './css-features.ts';
import { parseDeclarations, parseStylesheet, type Declaration } from './css-tokens.ts';

export interface Usage {
  slug: string;
  /** `opacity:0.9` for a declaration, the selector for a selector feature, `<tag>` or `attr=` otherwise. */
  what: string;
  origin: 'style-attribute' | 'style-element' | 'html';
  /** Inside an @media rule or a <style media=…>: the inline styles stand without it. */
  inMedia: boolean;
  /** Between `<!--[if !mso]><!-->` and `<!--<![endif]-->`: Outlook for Windows never sees it. */
  hiddenFromOutlook: boolean;
  /** Inside a text section's Markdown (`<div class="nl-md">`). */
  inMarkdown: boolean;
  /** For a declaration: the other properties of its style attribute or rule, and the element's attributes (`attr=`). */
  besides: string[];
}

export interface HtmlScan {
  usages: Usage[];
  /** The HTML carries `<!--[if mso | IE]>` (or `[if mso]`) blocks: MJML's ghost tables for Outlook for Windows. */
  hasOutlookConditionals: boolean;
}

const ELEMENT_SLUGS: Record<string, string> = {
  h1: 'html-h1-h6',
  h2: 'html-h1-h6',
  h3: 'html-h1-h6',
  h4: 'html-h1-h6',
  h5: 'html-h1-h6',
  h6: 'html-h1-h6',
  ul: 'html-lists',
  ol: 'html-lists',
  dl: 'html-lists',
  map: 'html-image-maps',
  article: 'html-semantics',
  aside: 'html-semantics',
  details: 'html-semantics',
  figcaption: 'html-semantics',
  figure: 'html-semantics',
  footer: 'html-semantics',
  header: 'html-semantics',
  main: 'html-semantics',
  mark: 'html-semantics',
  nav: 'html-semantics',
  section: 'html-semantics',
  summary: 'html-semantics',
  time: 'html-semantics',
};
const ATTRIBUTE_SLUGS = new Set([
  'align',
  'background',
  'cellpadding',
  'cellspacing',
  'dir',
  'height',
  'width',
  'hidden',
  'lang',
  'role',
  'target',
  'valign',
  'loading',
  'popover',
  'required',
  'aria-describedby',
  'aria-hidden',
  'aria-label',
  'aria-labelledby',
  'aria-live',
]);
const IMAGE_FORMATS: Record<string, string> = {
  png: 'image-png',
  jpg: 'image-jpg',
  jpeg: 'image-jpg',
  gif: 'image-gif',
  webp: 'image-webp',
  svg: 'image-svg',
  avif: 'image-avif',
  bmp: 'image-bmp',
  tif: 'image-tiff',
  tiff: 'image-tiff',
  ico: 'image-ico',
  heic: 'image-heif',
  heif: 'image-heif',
};

export function scanHtml(html: string, known: (slug: string) => boolean): HtmlScan {
  const usages: Usage[] = [];
  let hiddenDepth = 0;
  let hasOutlookConditionals = false;
  const open: Array<{ tag: string; markdown: boolean; media?: string }> = [];
  let styleText = '';
  const inMarkdown = (): boolean => open.some((e) => e.markdown);
  const add = (slug: string, what: string, origin: Usage['origin'], inMedia = false, besides: string[] = []): void => {
    if (known(slug)) usages.push({ slug, what, origin, inMedia, hiddenFromOutlook: hiddenDepth > 0, inMarkdown: inMarkdown(), besides });
  };
  const declarations = (list: Declaration[], origin: Usage['origin'], inMedia: boolean, attributes: string[] = []): void => {
    for (const d of list) {
      const besides = [...list.filter((o) => o !== d).map((o) => o.property), ...attributes];
      for (const slug of declarationSlugs(d, known)) add(slug, `${d.property}:${d.value}${d.important ? ' !important' : ''}`, origin, inMedia, besides);
    }
  };

  const parser = new Parser(
    {
      onprocessinginstruction(name) {
        if (name.toLowerCase() === '!doctype') add('html-doctype', '<!doctype>', 'html');
      },
      oncomment(text) {
        add('html-comments', '<!-- -->', 'html');
        if (/^\[if\s+!mso\]><!$/i.test(text.trim())) hiddenDepth++;
        else if (/^<!\[endif\]$/i.test(text.trim()) && hiddenDepth > 0) hiddenDepth--;
        else if (/^\[if\s+[^\]]*\bmso\b/i.test(text.trim()) && !/^\[if\s+!mso/i.test(text.trim())) hasOutlookConditionals = true;
      },
      onopentag(tag, attrs) {
        const classes = (attrs.class ?? '').split(/\s+/);
        open.push({ tag, markdown: classes.includes('nl-md'), ...(tag === 'style' && attrs.media ? { media: attrs.media } : {}) });
        add(ELEMENT_SLUGS[tag] ?? `html-${tag}`, `<${tag}>`, 'html');
        if (tag === 'meta' && attrs.name === 'color-scheme') add('html-meta-color-scheme', '<meta name="color-scheme">', 'html');
        if (tag === 'style' && attrs.media) for (const slug of mediaAttributeSlugs(attrs.media)) add(slug, `<style media="${attrs.media}">`, 'style-element');
        for (const [name, value] of Object.entries(attrs)) {
          if (ATTRIBUTE_SLUGS.has(name)) add(`html-${name}`, `${name}=`, 'html');
          if (name === 'srcset' || name === 'sizes') add('html-srcset', `${name}=`, 'html');
          if (name === 'style')
            declarations(
              parseDeclarations(value),
              'style-attribute',
              false,
              Object.keys(attrs).map((a) => `${a}=`),
            );
        }
        if (tag === 'a' && attrs.href?.toLowerCase().startsWith('mailto:')) add('html-mailto-links', 'href="mailto:…"', 'html');
        if (tag === 'a' && attrs.href?.startsWith('#')) add('html-anchor-links', 'href="#…"', 'html');
        if (tag === 'img' && attrs.src) {
          if (/^data:image\/[^;]+;base64,/i.test(attrs.src)) add('image-base64', 'src="data:…"', 'html');
          const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(attrs.src)?.[1]?.toLowerCase();
          if (ext && IMAGE_FORMATS[ext]) add(IMAGE_FORMATS[ext], `.${ext} image`, 'html');
        }
        if (tag === 'button' || tag === 'input')
          add(`html-${tag}-${(attrs.type ?? (tag === 'input' ? 'text' : 'submit')).toLowerCase()}`, `<${tag} type>`, 'html');
      },
      ontext(text) {
        if (open.at(-1)?.tag === 'style') styleText += text;
      },
      onclosetag(tag) {
        const element = open.pop();
        if (tag !== 'style') return;
        const sheet = parseStylesheet(styleText);
        styleText = '';
        const mediaAttribute = Boolean(element?.media);
        if (sheet.hasComments) add('css-comments', '/* */', 'style-element', mediaAttribute);
        for (const rule of sheet.atRules)
          for (const slug of atRuleSlugs(rule)) add(slug, `@${rule.name} ${rule.prelude}`.trim(), 'style-element', mediaAttribute || rule.name === 'media');
        for (const rule of sheet.rules) {
          const inMedia = mediaAttribute || rule.conditions.some((c) => c.startsWith('media'));
          if (rule.selectors.length > 1) add('css-selector-grouping', rule.selectors.join(', '), 'style-element', inMedia);
          for (const selector of rule.selectors) for (const slug of selectorSlugs(selector)) add(slug, selector, 'style-element', inMedia);
          declarations(rule.declarations, 'style-element', inMedia);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return { usages, hasOutlookConditionals };
}
