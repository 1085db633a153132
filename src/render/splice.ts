// Per-recipient values live in the rendered issue as `%%NL_<NAME>%%` tokens. The HTML and text
// are split at them once per issue, so personalising one message is a join of a few strings.
import { TOKEN_NAMES, type SpliceTemplate, type TokenName, type TokenValues } from './types.ts';

/** Matches every token the renderer knows; group 1 is its name. */
export const TOKEN_PATTERN = /%%NL_(UNSUBSCRIBE_URL|VIEW_ONLINE_URL|NAME|PREFERENCES_URL|HEADLINE_NAME|CLICK_TOKEN)%%/g;

export function tokenText(name: TokenName): `%%NL_${TokenName}%%` {
  return `%%NL_${name}%%`;
}

/**
 * Content may contain the token syntax (an editor quoting it, or a link built to harvest it):
 * before rendering, every `%%NL_` in content becomes `%%NL<U+E000>_`, which no token pattern
 * matches, and the split below turns it back into `%%NL_` inside the static parts. So only
 * tokens the templates placed are spliced; whatever an editor wrote is sent literally.
 */
const DEFUSED = '%%NL\uE000_';

export function defuseTokenSyntax(text: string): string {
  return text.includes('%%NL_') ? text.replaceAll('%%NL_', DEFUSED) : text;
}

/** Content's defused token syntax back as written (for text that is never split: subject, confirmation mail). */
export function restoreDefused(part: string): string {
  return part.includes(DEFUSED) ? part.replaceAll(DEFUSED, '%%NL_') : part;
}

/** Splits a string at its tokens. The parts never contain a token (content's own text comes back literally). */
export function toSpliceTemplate(source: string): SpliceTemplate {
  const parts: string[] = [];
  const tokens: TokenName[] = [];
  let last = 0;
  for (const match of source.matchAll(TOKEN_PATTERN)) {
    parts.push(restoreDefused(source.slice(last, match.index)));
    tokens.push(match[1] as TokenName);
    last = match.index + match[0].length;
  }
  parts.push(restoreDefused(source.slice(last)));
  return { parts, tokens };
}

/** Token names in the order of first appearance across the given templates. */
export function tokensUsed(...templates: SpliceTemplate[]): TokenName[] {
  const seen = new Set<TokenName>();
  for (const template of templates) for (const token of template.tokens) seen.add(token);
  return TOKEN_NAMES.filter((name) => seen.has(name));
}

/**
 * Joins the parts with the recipient's values. Values are escaped once per call (not per
 * occurrence) when the target is HTML; this is the per-message hot path, so no regex here.
 */
export function splice(template: SpliceTemplate, values: TokenValues, asHtml: boolean): string {
  const { parts, tokens } = template;
  const unsubscribe = asHtml ? escapeHtml(values.UNSUBSCRIBE_URL) : values.UNSUBSCRIBE_URL;
  const viewOnline = asHtml ? escapeHtml(values.VIEW_ONLINE_URL) : values.VIEW_ONLINE_URL;
  const name = asHtml ? escapeHtml(values.NAME) : values.NAME;
  const preferences = asHtml ? escapeHtml(values.PREFERENCES_URL) : values.PREFERENCES_URL;
  const headline = asHtml ? escapeHtml(values.HEADLINE_NAME) : values.HEADLINE_NAME;
  // Escaped once here however many tracked links it stands in (~30 in the model issue).
  const click = asHtml ? escapeHtml(values.CLICK_TOKEN) : values.CLICK_TOKEN;
  let out = parts[0] ?? '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    out +=
      (token === 'UNSUBSCRIBE_URL'
        ? unsubscribe
        : token === 'VIEW_ONLINE_URL'
          ? viewOnline
          : token === 'NAME'
            ? name
            : token === 'HEADLINE_NAME'
              ? headline
              : token === 'CLICK_TOKEN'
                ? click
                : preferences) + parts[i + 1];
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : value;
}
