// Chromium draws Chinese, Japanese and Korean text with whatever font fontconfig offers; with
// none installed every such character is an empty box. Screenshots of a CJK issue say so.
import { execFileSync } from 'node:child_process';

export const CJK_FONT_PACKAGE = 'fonts-noto-cjk';

/** True when fontconfig knows a font for Chinese; null when fontconfig cannot be asked. */
export function hasCjkFont(): boolean | null {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().length > 0;
  } catch {
    return null;
  }
}

/** A warning for a screenshot of an issue in `locale`, or null when nothing is amiss. */
export function cjkFontWarning(locale: string, found: boolean | null = /^(zh|ja|ko)\b/i.test(locale) ? hasCjkFont() : true): string | null {
  if (found !== false) return null;
  return `no CJK font is installed, so the ${locale} text will show as empty boxes; install one (Debian: apt-get install ${CJK_FONT_PACKAGE})`;
}
