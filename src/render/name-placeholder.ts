// The subscriber's name in an issue's subject and preheader, as editors write it:
//   subject: "{{name}}, this week in pre-training"          → "Ada, this week…" / "reader, this week…"
//   subject: '{{name "friend"}}, this week in pre-training' → "Ada, …" / "friend, …"
// Without a fallback the locale's default name (reader / 读者) stands in. One fallback serves
// the subject and the preheader. Each placeholder becomes the HEADLINE_NAME token, filled per
// recipient like every other token; nothing else in `{{ }}` is allowed there (lint says so).
import { tokenText } from './splice.ts';

const PLACEHOLDER = /\{\{\s*name(?:\s+"([^"{}\r\n]{0,60})")?\s*\}\}/g;
const ANY_BRACES = /\{\{[^}]*\}\}/g;

/** PLACEHOLDER without the g flag, whose lastIndex would make test() stateful. */
const ANY_PLACEHOLDER = new RegExp(PLACEHOLDER.source);

export function hasNamePlaceholder(text: string): boolean {
  return ANY_PLACEHOLDER.test(text);
}

/** The fallback the editor gave (the first one in subject, then preheader), if any. */
export function nameFallback(...texts: string[]): string | undefined {
  for (const text of texts) for (const match of text.matchAll(PLACEHOLDER)) if (match[1]?.trim()) return match[1].trim();
  return undefined;
}

/** Every placeholder as the HEADLINE_NAME token (the renderer's per-recipient form). */
export function withNameToken(text: string): string {
  return text.replace(PLACEHOLDER, tokenText('HEADLINE_NAME'));
}

/** Every placeholder filled with one value (the web archive's and the feed's subject). */
export function withName(text: string, name: string): string {
  return text.replace(PLACEHOLDER, () => name);
}

const ONE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`);

/** Lint: each `{{…}}` in one field that is not a name placeholder, with what to write. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(ANY_BRACES)]
    .filter((match) => !ONE_PLACEHOLDER.test(match[0]))
    .map(
      (match) => `${match[0]} is not a placeholder this field knows; write {{name}} or {{name "fallback"}} (fallback in double quotes, at most 60 characters)`,
    );
}

/** Lint: the one problem of subject and preheader together, more than one fallback; null when fine. */
export function fallbackConflict(texts: string[]): string | null {
  const fallbacks = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(PLACEHOLDER)) if (match[1]?.trim()) fallbacks.add(match[1].trim());
  return fallbacks.size > 1
    ? `the subject and preheader give different fallbacks (${[...fallbacks].map((f) => JSON.stringify(f)).join(', ')}); give one, the same everywhere`
    : null;
}
