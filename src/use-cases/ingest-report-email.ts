// `newsletter bounces ingest FILE…`: a bounce (DSN, RFC 3464) or a feedback-loop complaint
// (ARF, RFC 5965) saved as .eml is mapped back to the subscriber and the issue, then handled as
// every delivery report is (delivery-report.ts). The mapping, most exact first: our VERP return
// path (signed, names subscriber and issue), then the recipient address the report names, then
// the subscriber id inside our Message-ID quoted from the original.
import { readReportEmail, type EmailReport } from '../delivery-reports/report-email.ts';
import { readVerpAddress } from '../mail/verp.ts';
import { partsOfMessageId, reportDelivery, type DeliveryReport, type ReportOutcome } from './delivery-report.ts';
import type { LeaveDeps } from './leave-list.ts';

export interface IngestDeps extends LeaveDeps {
  secrets: ReadonlyArray<{ version: number; key: string }>;
  bounceAddress?: string;
}

export interface IngestedReport {
  report: EmailReport;
  /** How the subscriber was found: verp, address, message-id; none when nothing matched. */
  matchedBy: 'verp' | 'address' | 'message-id' | 'none';
  issueId?: string;
  outcome: ReportOutcome;
}

export type IngestResult = { kind: 'ignored'; reason: string } | { kind: 'reports'; reports: IngestedReport[] };

function target(deps: IngestDeps, report: EmailReport): { by: IngestedReport['matchedBy']; subscriberId?: string; email?: string; issueId?: string } {
  const quoted = partsOfMessageId(report.messageId);
  const quotedIssue = quoted?.issueId;
  if (deps.bounceAddress) {
    for (const address of report.returnPaths) {
      const verp = readVerpAddress(deps.bounceAddress, deps.secrets, address);
      if (verp) return { by: 'verp', subscriberId: verp.subscriberId, ...(verp.issueId ?? quotedIssue ? { issueId: verp.issueId ?? quotedIssue } : {}) };
    }
  }
  if (report.email) return { by: 'address', email: report.email, ...(quotedIssue ? { issueId: quotedIssue } : {}) };
  if (quoted?.subscriberId) return { by: 'message-id', subscriberId: quoted.subscriberId, issueId: quoted.issueId };
  return { by: 'none' };
}

export async function ingestReportEmail(deps: IngestDeps, raw: Buffer): Promise<IngestResult> {
  const read = await readReportEmail(raw);
  if (read.kind === 'ignored') return read;
  const reports: IngestedReport[] = [];
  for (const report of read.reports) {
    const found = target(deps, report);
    if (found.by === 'none') {
      reports.push({ report, matchedBy: 'none', outcome: { kind: 'unknown-address' } });
      continue;
    }
    const delivery: DeliveryReport = {
      type: report.type,
      permanent: report.permanent,
      ...(found.subscriberId ? { subscriberId: found.subscriberId } : {}),
      ...(found.email ? { email: found.email } : {}),
      ...(found.issueId ? { issueId: found.issueId } : {}),
    };
    reports.push({ report, matchedBy: found.by, ...(found.issueId ? { issueId: found.issueId } : {}), outcome: await reportDelivery(deps, delivery) });
  }
  return { kind: 'reports', reports };
}
