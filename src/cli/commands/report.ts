// `newsletter report <issue>`: how an issue did, as the console's send page shows it
// (src/use-cases/issue-report.ts): delivered, bounced, complaints and unsubscribes from this
// issue, and with tracked links the clicks of people (total and unique) and of machines, per link.
import type { Command } from 'commander';
import { loadConfig, readEnvironment } from '../../config/index.ts';
import type { IssueReport } from '../../use-cases/issue-report.ts';
import { count } from '../plural.ts';

const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);

export function formatReport(r: IssueReport): string {
  const lines = [
    `${r.issueId} (${r.state})`,
    `  sent ${r.sent} · delivered ${r.delivered} · bounced ${r.bounced} at once, ${r.lateBounces} later · failed ${r.failed}`,
    `  complaints ${r.complaints} (${percent(r.rates.complaint)}) · unsubscribed through this issue ${r.unsubscribes} (${percent(r.rates.unsubscribe)}) · bounce rate ${percent(r.rates.bounce)}`,
  ];
  if (r.domains.length) {
    lines.push('  by receiving domain (bounced · deferred · failed):');
    for (const d of r.domains)
      lines.push(`    ${d.domain.padEnd(24)} ${String(d.bounced).padStart(6)} ${String(d.deferred).padStart(6)} ${String(d.failed).padStart(6)}`);
  }
  if (!r.clicks) lines.push('  clicks: not tracked (tracking.clicks is off for this newsletter, or the issue has no links)');
  else {
    lines.push(
      `  clicks by people ${r.clicks.human} (${count(r.clicks.humanUnique, 'reader')} at least once, ${percent(r.rates.click)} of those sent) · by machines ${r.clicks.machine}`,
    );
    for (const l of r.clicks.links)
      lines.push(`    ${String(l.human).padStart(6)} ${String(l.humanUnique).padStart(6)} unique ${String(l.machine).padStart(6)} machine  ${l.url}`);
  }
  if (r.opens)
    lines.push(
      `  opens by people ${r.opens.human} (${count(r.opens.humanUnique, 'reader')} at least once, ${percent(r.sent > 0 ? r.opens.humanUnique / r.sent : null)} of those sent) · by machines ${r.opens.machine} (an estimate)`,
    );
  const minutes = r.timeline.sentPerMinute;
  if (minutes.length)
    lines.push(`  sent over ${count(minutes.length, 'minute')} from ${minutes[0]!.at}, at most ${Math.max(...minutes.map((m) => m.sent))} in one minute`);
  const busiest = r.timeline.clicksPerHour?.reduce((a, h) => (h.human + h.machine > a.human + a.machine ? h : a));
  if (busiest && busiest.human + busiest.machine > 0)
    lines.push(`  busiest hour of the first week: ${busiest.at} (${busiest.human} by people, ${busiest.machine} by machines)`);
  if (r.recent.length > 1) {
    lines.push('  this issue and the ones before it (readers who clicked · unsubscribed · bounced):');
    for (const i of r.recent)
      lines.push(
        `    ${i.issueId.padEnd(28)} ${percent(i.rates.click).padStart(8)} ${percent(i.rates.unsubscribe).padStart(8)} ${percent(i.rates.bounce).padStart(8)}`,
      );
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'show how an issue did: delivered, bounced, complaints, unsubscribes from it, and (when tracked) clicks by people and by machines per link; counted without a record of who',
    )
    .argument('<issue-id>', 'issue id (the issue file name without .yaml)')
    .option('--json', 'print one JSON object')
    .option('--csv', 'print CSV: the totals, then one row per link')
    .action(async (issueId: string, opts: { json?: boolean; csv?: boolean }) => {
      const config = loadConfig(readEnvironment());
      const [{ withCampaignClient }, { assertCampaignId }, { issueReport, reportCsv }, { ClickStore }] = await Promise.all([
        import('../../campaign/campaign-client.ts'),
        import('../../campaign/records/ids.ts'),
        import('../../use-cases/issue-report.ts'),
        import('../../reports/click-store.ts'),
      ]);
      assertCampaignId(issueId);
      await withCampaignClient(config, async (c) => {
        const report = await issueReport({ sends: c, clicks: new ClickStore(c.redis, c.keys) }, issueId);
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : opts.csv ? reportCsv(report) : `${formatReport(report)}\n`);
      });
    });
}
