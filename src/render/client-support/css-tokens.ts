// A small CSS tokenizer for what an email carries: the declarations of a style attribute and the
// rules of a <style> block (selectors, declarations, the @media or @supports around them, and
// other at-rules). Enough to name the features used; not a validating parser.

export interface Declaration {
  property: string;
  value: string;
  important: boolean;
}

export interface StyleRule {
  selectors: string[];
  declarations: Declaration[];
  /** Preludes of the conditional at-rules around the rule, outermost first, e.g. `media (prefers-color-scheme: dark)`. */
  conditions: string[];
}

export interface AtRule {
  name: string;
  prelude: string;
}

export interface Stylesheet {
  rules: StyleRule[];
  atRules: AtRule[];
  hasComments: boolean;
}

/** Splits at `sep` outside quotes, parentheses and brackets. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function parseDeclarations(text: string): Declaration[] {
  const out: Declaration[] = [];
  for (const part of splitTop(text, ';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const property = part.slice(0, colon).trim().toLowerCase();
    let value = part.slice(colon + 1).trim();
    if (!property || !value) continue;
    const important = /!\s*important\s*$/i.test(value);
    if (important) value = value.replace(/\s*!\s*important\s*$/i, '');
    out.push({ property, value, important });
  }
  return out;
}

/** Index just past the block that opens at `open` (a `{`), or the end of the text. */
function blockEnd(text: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return text.length;
}

const CONDITIONAL = new Set(['media', 'supports', 'document', 'container', 'layer']);

export function parseStylesheet(css: string): Stylesheet {
  const hasComments = /\/\*[\s\S]*?\*\//.test(css);
  const sheet: Stylesheet = { rules: [], atRules: [], hasComments };
  walk(css.replace(/\/\*[\s\S]*?\*\//g, ' '), [], sheet);
  return sheet;
}

function walk(css: string, conditions: string[], sheet: Stylesheet): void {
  let i = 0;
  while (i < css.length) {
    while (i < css.length && /[\s;}]/.test(css[i] ?? '')) i++;
    if (i >= css.length) break;
    const open = css.indexOf('{', i);
    const semi = css.indexOf(';', i);
    if (css[i] === '@') {
      const head = css.slice(i + 1, open < 0 || (semi >= 0 && semi < open) ? (semi < 0 ? css.length : semi) : open).trim();
      const name = (/^[-\w]+/.exec(head)?.[0] ?? '').toLowerCase();
      const prelude = head.slice(name.length).trim();
      sheet.atRules.push({ name, prelude });
      if (open < 0 || (semi >= 0 && semi < open)) {
        // @import …;
        i = semi < 0 ? css.length : semi + 1;
        continue;
      }
      const end = blockEnd(css, open);
      if (CONDITIONAL.has(name)) walk(css.slice(open + 1, end - 1), [...conditions, `${name} ${prelude}`.trim()], sheet);
      i = end;
      continue;
    }
    if (open < 0) break;
    const end = blockEnd(css, open);
    const selectors = splitTop(css.slice(i, open), ',')
      .map((s) => s.trim())
      .filter(Boolean);
    sheet.rules.push({ selectors, declarations: parseDeclarations(css.slice(open + 1, end - 1)), conditions });
    i = end;
  }
}
