// The size report and findings summary that build and lint print.
import type { SizeReport } from '../render/types.ts';
import { formatFinding, type LocatedFinding } from '../content/index.ts';
import { count } from './plural.ts';

/** Gmail clips an HTML part past about 102 KB (102 × 1024 bytes as encoded). */
const GMAIL_CLIP_BYTES = 102 * 1024;

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function formatSizeReport(report: SizeReport): string[] {
  const share = Math.round((report.encodedHtmlBytes / GMAIL_CLIP_BYTES) * 100);
  return [
    `  html    ${kb(report.encodedHtmlBytes)} on the wire (${report.encoding}), ${share}% of Gmail's ~102 KB clip; budget ${kb(report.budgetBytes)}, raw ${kb(report.htmlBytes)}`,
    `  text    ${kb(report.textBytes)}`,
    `  images  ${report.imageCount}`,
    `  links   ${report.linkCount}`,
  ];
}

export function formatFindings(findings: readonly LocatedFinding[]): string[] {
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.length - errors;
  if (findings.length === 0) return ['  lint    no findings'];
  return [`  lint    ${count(errors, 'error')}, ${count(warnings, 'warning')}`, ...findings.map((f) => `    ${formatFinding(f)}`)];
}
