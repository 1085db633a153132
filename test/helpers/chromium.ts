// Browser tests need Debian's Chromium; where it is missing they are skipped with this reason
// (and `.ci/run`, which installs it as root, fails on any skip it was not told about).
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../../src/preview/screenshot.ts';

export const CHROMIUM_MISSING: string | null = existsSync(CHROMIUM_PATH)
  ? null
  : `Chromium is not installed at ${CHROMIUM_PATH} (Debian: apt-get install chromium)`;

/** The describe title, with the reason it is skipped when it is. */
export function browserSuite(title: string): string {
  return CHROMIUM_MISSING ? `${title} [skipped: ${CHROMIUM_MISSING}]` : title;
}
