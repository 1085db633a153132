// The client-support report as a plain-text table, one row per feature that some target lacks
// or supports partly: feature, clients lacking, clients partial, fallback, source.
import { clientLabel, type ClientSupportReport } from './support-report.ts';

export const TABLE_HEADINGS = ['feature', 'lacking', 'partial', 'fallback', 'source'] as const;

export function clientSupportRows(report: ClientSupportReport): string[][] {
  return report.features.map((f) => [
    f.title,
    f.lacking.map(clientLabel).join(', ') || '-',
    f.partial.map(clientLabel).join(', ') || '-',
    f.lacking.length === 0
      ? '-'
      : [
          ...f.fallbacks.map((fb) => `${clientLabel(fb.client)}: ${fb.how}`),
          ...(f.uncovered.length ? [`NONE for ${f.uncovered.map(clientLabel).join(', ')}`] : []),
        ].join('; '),
    f.sources.join(', '),
  ]);
}

/** Columns padded to their widest cell, two spaces apart; a `-` where there is nothing. */
export function clientSupportTable(report: ClientSupportReport): string[] {
  const rows = [[...TABLE_HEADINGS], ...clientSupportRows(report)];
  const widths = TABLE_HEADINGS.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
}
