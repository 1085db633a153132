// Colour contrast of what the templates draw, in light and in dark mode (issue 30), as lint
// findings: the newsletter's brand colour wherever it is text or behind text, and each text
// colour of the dark-mode rules against the background those rules give it. Light-mode colours
// are the palette's (defaults.ts) and the brand colour; dark-mode ones are read from the
// rendered HTML's `@media (prefers-color-scheme: dark)` rules, and where a rule gives no colour
// the light one stands, as it does in a mail client: light code boxes under light dark-mode text
// are caught that way. Pure: no browser (test/browser/text-contrast.test.ts checks the pixels).
import type { Newsletter } from '../content/schema.ts';
import { contrastRatio, darkenUntil, TEXT_RATIO } from './contrast.ts';
import { COLOURS } from './defaults.ts';
import { BLOCK_BACKGROUND, INLINE_CODE_BACKGROUND } from './markdown.ts';
import type { LintFinding } from './types.ts';
import { onBrandSoft } from './view-model.ts';

interface Pair {
  what: string;
  fg: string;
  bg: string;
}

/** Each rule of the dark-mode block: selector → its color and background-color (without !important). */
export function darkModeRules(html: string): Map<string, { color?: string; background?: string }> {
  const rules = new Map<string, { color?: string; background?: string }>();
  const start = html.search(/@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)\s*\{/);
  if (start === -1) return rules;
  // The block runs to the brace that closes the @media rule.
  let depth = 0;
  let end = html.indexOf('{', start);
  const open = end;
  for (; end < html.length; end++) {
    if (html[end] === '{') depth++;
    else if (html[end] === '}' && --depth === 0) break;
  }
  for (const m of html.slice(open + 1, end).matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const color = /(?:^|;)\s*color\s*:\s*(#[0-9a-f]{6})/i.exec(m[2]!)?.[1];
    const background = /background(?:-color)?\s*:\s*(#[0-9a-f]{6})/i.exec(m[2]!)?.[1];
    for (const selector of m[1]!.split(',')) {
      const key = selector.trim().replace(/\s+/g, ' ');
      const row = rules.get(key) ?? {};
      if (color) row.color = color.toLowerCase();
      if (background) row.background = background.toLowerCase();
      rules.set(key, row);
    }
  }
  return rules;
}

/** The palette's own texts in light mode (the brand colour's are brandPairs'). */
function lightPairs(): Pair[] {
  return [
    { what: 'text on the card', fg: COLOURS.text, bg: COLOURS.card },
    { what: 'muted text on the card', fg: COLOURS.muted, bg: COLOURS.card },
    { what: 'footer text on the page', fg: COLOURS.muted, bg: COLOURS.page },
    { what: 'inline code', fg: COLOURS.text, bg: INLINE_CODE_BACKGROUND },
    { what: 'code blocks and table headers', fg: COLOURS.text, bg: BLOCK_BACKGROUND },
  ];
}

/** Where the brand colour meets text: links and paper titles on the card, the button's and the masthead's text on it. */
function brandPairs(brand: string): Pair[] {
  return [
    { what: 'links and titles in the brand colour on the card', fg: brand, bg: COLOURS.card },
    { what: "the button's and the masthead's white text on the brand colour", fg: '#ffffff', bg: brand },
    { what: "the masthead's issue number and date on the brand colour", fg: onBrandSoft(brand), bg: brand },
  ];
}

function darkPairs(html: string): Pair[] {
  const rules = darkModeRules(html);
  if (!rules.size) return [];
  const color = (selector: string, light: string) => rules.get(selector)?.color ?? light;
  const background = (selector: string, light: string) => rules.get(selector)?.background ?? light;
  const card = background('.nl-card', COLOURS.card);
  const page = background('.nl-strip', COLOURS.page);
  const text = color('.nl-card p', COLOURS.text);
  return [
    { what: 'text on the card', fg: text, bg: card },
    { what: 'muted text on the card', fg: color('.nl-card .nl-muted', COLOURS.muted), bg: card },
    { what: 'links on the card', fg: color('.nl-card a', COLOURS.text), bg: card },
    { what: 'paper titles', fg: color('.nl-card h3', COLOURS.text), bg: card },
    { what: 'footer text on the page', fg: color('.nl-strip p', COLOURS.muted), bg: page },
    { what: 'footer links on the page', fg: color('.nl-strip a', COLOURS.muted), bg: page },
    { what: 'inline code', fg: text, bg: background('.nl-card code', INLINE_CODE_BACKGROUND) },
    { what: 'code blocks', fg: text, bg: background('.nl-card .nl-md-code', BLOCK_BACKGROUND) },
    { what: 'table headers', fg: text, bg: background('.nl-card .nl-md-table th', BLOCK_BACKGROUND) },
  ];
}

const ratio = (p: Pair) => contrastRatio(p.fg, p.bg);
const shown = (n: number) => `${(Math.floor(n * 100) / 100).toFixed(2)}:1`;

export function contrastFindings(html: string, newsletter: Newsletter): LintFinding[] {
  const findings: LintFinding[] = [];
  const brand = newsletter.brandColor.toLowerCase();
  const failingBrand = brandPairs(brand).filter((p) => ratio(p) < TEXT_RATIO);
  if (failingBrand.length) {
    const better = darkenUntil(brand, (c) => brandPairs(c).every((p) => ratio(p) >= TEXT_RATIO));
    findings.push({
      level: 'error',
      path: undefined,
      message: `brand colour ${brand} (emails/newsletters/${newsletter.id}.yaml, brandColor) is too light for text: ${failingBrand.map((p) => `${p.what} ${shown(ratio(p))}`).join('; ')}, under the ${TEXT_RATIO}:1 readers need${better ? `; ${better} is the same hue, dark enough` : ''}`,
    });
  }
  for (const [mode, pairs] of [
    ['light', lightPairs()],
    ['dark', darkPairs(html)],
  ] as const) {
    for (const p of pairs) {
      if (ratio(p) >= TEXT_RATIO) continue;
      findings.push({
        level: 'error',
        path: undefined,
        message: `in ${mode} mode, ${p.what} (${p.fg} on ${p.bg}) has a contrast of ${shown(ratio(p))}, under ${TEXT_RATIO}:1: change the colours in emails/templates/partials/head.mjml.hbs (dark mode) or src/render/defaults.ts`,
      });
    }
  }
  return findings;
}
