// Which of caniemail's CSS entries a declaration, a selector or an at-rule uses (their slugs).
import type { AtRule, Declaration } from './css-tokens.ts';

/** Properties whose caniemail entry is not simply `css-<property>`. */
const PROPERTY_SLUGS: Record<string, string> = {
  left: 'css-left-right-top-bottom',
  right: 'css-left-right-top-bottom',
  top: 'css-left-right-top-bottom',
  bottom: 'css-left-right-top-bottom',
  gap: 'css-gap',
  'column-gap': 'css-gap',
  'row-gap': 'css-gap',
  'block-size': 'css-block-inline-size',
  'column-count': 'css-column-count',
  columns: 'css-column-layout-properties',
  'column-width': 'css-column-layout-properties',
  'column-rule': 'css-column-layout-properties',
  'border-inline': 'css-border-inline-block',
  'border-block': 'css-border-inline-block',
  'margin-inline': 'css-margin-inline-block',
  'margin-block': 'css-margin-inline-block',
  'margin-inline-start': 'css-margin-inline-start-end',
  'margin-inline-end': 'css-margin-inline-start-end',
  'margin-block-start': 'css-margin-block-start-end',
  'margin-block-end': 'css-margin-block-start-end',
  'padding-inline': 'css-padding-inline-block',
  'padding-block': 'css-padding-inline-block',
  'padding-inline-start': 'css-padding-inline-start-end',
  'padding-inline-end': 'css-padding-inline-start-end',
  'padding-block-start': 'css-padding-block-start-end',
  'padding-block-end': 'css-padding-block-start-end',
  'scroll-snap-type': 'css-scroll-snap',
  'scroll-snap-align': 'css-scroll-snap',
};

const FUNCTION_SLUGS: Record<string, string> = {
  rgb: 'css-rgb',
  rgba: 'css-rgba',
  calc: 'css-unit-calc',
  min: 'css-function-min',
  max: 'css-function-max',
  clamp: 'css-function-clamp',
  'light-dark': 'css-function-light-dark',
  'linear-gradient': 'css-linear-gradient',
  'radial-gradient': 'css-radial-gradient',
  'conic-gradient': 'css-conic-gradient',
  lch: 'css-modern-color',
  oklch: 'css-modern-color',
  lab: 'css-modern-color',
  oklab: 'css-modern-color',
  var: 'css-variables',
};

const UNITS = ['px', 'em', 'rem', 'pt', 'vh', 'vw', 'vmin', 'vmax', 'ch', 'ex', 'cm', 'mm', 'in', 'pc'];

/** Slugs a declaration uses; `known` tells which `css-<property>` entries exist. */
export function declarationSlugs(d: Declaration, known: (slug: string) => boolean): string[] {
  const slugs = new Set<string>();
  const add = (slug: string): void => {
    if (known(slug)) slugs.add(slug);
  };
  const p = d.property;
  const value = d.value.toLowerCase();
  if (p.startsWith('--')) add('css-variables');
  else if (PROPERTY_SLUGS[p]) add(PROPERTY_SLUGS[p]);
  else if (p.startsWith('grid-template')) add('css-grid-template');
  else if (p !== 'flex-direction' && p !== 'flex-wrap') add(`css-${p}`);
  if (p === 'display' && ['flex', 'grid', 'none'].includes(value)) add(`css-display-${value}`);
  if (p === 'flex-direction' && value.startsWith('column')) add('css-flex-direction');
  if (p === 'flex-wrap' && value === 'wrap') add('css-flex-wrap');
  if (d.important) add('css-important');
  if ((p === 'font-family' || p === 'font') && /(^|[\s,])(system-ui|ui-serif|ui-sans-serif|ui-rounded|ui-monospace)($|[\s,])/.test(value)) add('css-sytem-ui');
  if (/\b(min|max|fit)-content\b/.test(value)) add('css-intrinsic-size');
  if (value === 'initial') add('css-unit-initial');
  const outsideStrings = value.replace(/"[^"]*"|'[^']*'/g, '');
  for (const [, name = ''] of outsideStrings.matchAll(/([a-z-]+)\(/g)) if (FUNCTION_SLUGS[name]) add(FUNCTION_SLUGS[name]);
  if (p !== 'font-family') {
    for (const [, , unit = ''] of outsideStrings.replace(/#[0-9a-f]+/g, '').matchAll(/(^|[\s(,/-])\d*\.?\d+(%|[a-z]+)/g)) {
      if (unit === '%') add('css-unit-percent');
      else if (UNITS.includes(unit)) add(`css-unit-${unit}`);
    }
  }
  return [...slugs];
}

const MEDIA_FEATURES: Array<[RegExp, string]> = [
  [/prefers-color-scheme/, 'css-at-media-prefers-color-scheme'],
  [/prefers-reduced-motion/, 'css-at-media-prefers-reduced-motion'],
  [/orientation/, 'css-at-media-orientation'],
  [/\bhover\b|any-hover/, 'css-at-media-hover'],
  [/device-pixel-ratio/, 'css-at-media-device-pixel-ratio'],
];

export function atRuleSlugs(rule: AtRule): string[] {
  const slugs = [`css-at-${rule.name}`];
  if (rule.name === 'media') for (const [re, slug] of MEDIA_FEATURES) if (re.test(rule.prelude)) slugs.push(slug);
  return slugs;
}

/** A media attribute on <style> (MJML writes `media="screen and (min-width:480px)"`) is an @media. */
export function mediaAttributeSlugs(media: string): string[] {
  return atRuleSlugs({ name: 'media', prelude: media });
}

const PSEUDO_ELEMENTS = new Set(['after', 'before', 'first-letter', 'first-line', 'marker', 'placeholder']);

/** Slugs one selector of a rule uses (combinators, simple selectors, pseudo-classes). */
export function selectorSlugs(selector: string): string[] {
  const slugs = new Set<string>();
  const s = selector.replace(/"[^"]*"|'[^']*'/g, '""').replace(/\([^)]*\)/g, '()');
  if (/\s*>\s*/.test(s)) slugs.add('css-selector-child');
  if (/\s*\+\s*/.test(s)) slugs.add('css-selector-adjacent-sibling');
  if (/\s*~\s*/.test(s)) slugs.add('css-selector-general-sibling');
  const compounds = s.split(/\s*[>+~]\s*|\s+/).filter(Boolean);
  if (
    s
      .trim()
      .split(/\s*[>+~]\s*/)
      .some((part) => /\s/.test(part.trim()))
  )
    slugs.add('css-selector-descendant');
  for (const compound of compounds) {
    const simple = compound.match(/::?[-\w]+(\(\))?|\.[-\w]+|#[-\w]+|\[[^\]]*\]|\*|^[a-z][-\w]*/gi) ?? [];
    if (simple.length > 1) slugs.add('css-selector-chaining');
    for (const part of simple) {
      if (part.startsWith('::')) {
        if (PSEUDO_ELEMENTS.has(part.slice(2))) slugs.add(`css-pseudo-element-${part.slice(2)}`);
      } else if (part.startsWith(':')) {
        const name = part.slice(1).replace('()', '');
        slugs.add(PSEUDO_ELEMENTS.has(name) ? `css-pseudo-element-${name}` : name === 'lang' ? 'css-pseudo-class-lang' : `css-pseudo-class-${name}`);
      } else if (part.startsWith('.')) slugs.add('css-selector-class');
      else if (part.startsWith('#')) slugs.add('css-selector-id');
      else if (part.startsWith('[')) slugs.add('css-selector-attribute');
      else if (part === '*') slugs.add('css-selector-universal');
      else slugs.add('css-selector-type');
    }
  }
  return [...slugs];
}
