// How an issue did: one answer for the console's send page, `newsletter report` and
// GET /api/campaigns/:id/report, so the three agree. From what the send already counts (its
// ledger counters, bounces and complaints reported later, unsubscribes through its links) and
// the click counters (src/reports/click-store.ts: totals and HyperLogLog uniques, never who).
import type { SendReader } from '../campaign/sends.ts';
import { earlierSendsOfList } from '../campaign/records/campaign-record.ts';
import { Ledger } from '../campaign/records/ledger.ts';
import { findStatus, getStatus } from '../campaign/status.ts';
import type { CampaignStatus } from '../campaign/types.ts';
import type { ClickCounts, ClickStore, OpenCounts } from '../reports/click-store.ts';
import { hourRows, minuteRows, type HourRow, type MinuteRow } from '../reports/timeline.ts';

export interface IssueReport {
  issueId: string;
  state: CampaignStatus['state'];
  /** Messages the SMTP server accepted. */
  sent: number;
  /** Refused at once (5xx) or failed for good. */
  bounced: number;
  failed: number;
  /** Bounces and complaints that came back later (DSN, ARF, webhooks), and unsubscribes through this issue's links. */
  lateBounces: number;
  complaints: number;
  unsubscribes: number;
  /** Accepted and not bounced back later. */
  delivered: number;
  /** Bounces (5xx), deferrals (4xx, retried) and failures (retries ran out) by receiving domain, most first (at most DOMAINS_SHOWN). */
  domains: Array<{ domain: string; bounced: number; deferred: number; failed: number }>;
  /** Null when the issue's links were not tracked. */
  clicks: ClickCounts | null;
  /** Opens of the pixel by people and by machines (Apple's privacy proxy, scanners); null when opens were not counted. An estimate: README, "Opens". */
  opens: OpenCounts | null;
  /** Shares of the messages sent (0–1), null when nothing was sent. */
  rates: Rates;
  timeline: {
    /** Messages sent per minute, from the first minute with one to the last (a day at most). */
    sentPerMinute: MinuteRow[];
    /** Clicks per hour for the 7 days from the send's start; null when the links were not tracked. */
    clicksPerHour: HourRow[] | null;
  };
  /** This issue and the list's earlier ones (at most RECENT_SHOWN), oldest first: rates side by side. */
  recent: RecentIssue[];
}

export interface Rates {
  click: number | null;
  unsubscribe: number | null;
  bounce: number | null;
  complaint: number | null;
}

export interface RecentIssue {
  issueId: string;
  startedAt: string | null;
  sent: number;
  rates: Rates;
}

export interface ReportDeps {
  sends: SendReader;
  clicks: ClickStore;
}

const share = (n: number, of: number) => (of > 0 ? n / of : null);
export const DOMAINS_SHOWN = 25;
export const RECENT_SHOWN = 5;

async function domainsOf(sends: SendReader, campaignId: string): Promise<IssueReport['domains']> {
  const merged = new Map<string, { bounced: number; deferred: number; failed: number }>();
  const perShard = await Promise.all(sends.shards.map((shard) => new Ledger(sends.redis, shard.keys).domainCounts(campaignId)));
  for (const counts of perShard)
    for (const [domain, c] of counts) {
      const row = merged.get(domain) ?? { bounced: 0, deferred: 0, failed: 0 };
      merged.set(domain, { bounced: row.bounced + c.bounced, deferred: row.deferred + c.deferred, failed: row.failed + c.failed });
    }
  const total = (r: { bounced: number; deferred: number; failed: number }) => r.bounced + r.deferred + r.failed;
  return [...merged]
    .map(([domain, r]) => ({ domain, ...r }))
    .sort((a, b) => total(b) - total(a) || a.domain.localeCompare(b.domain))
    .slice(0, DOMAINS_SHOWN);
}

async function sentPerMinute(sends: SendReader, campaignId: string): Promise<Map<number, number>> {
  const merged = new Map<number, number>();
  const perShard = await Promise.all(sends.shards.map((shard) => new Ledger(sends.redis, shard.keys).sentPerMinute(campaignId)));
  for (const counts of perShard) for (const [minute, n] of counts) merged.set(minute, (merged.get(minute) ?? 0) + n);
  return merged;
}

function ratesOf(status: CampaignStatus, clicks: ClickCounts): Rates {
  const tracked = clicks.links.length > 0;
  const attempted = status.sent + status.bounced;
  return {
    click: tracked ? share(clicks.humanUnique, status.sent) : null,
    unsubscribe: share(status.unsubscribes ?? 0, status.sent),
    bounce: share(status.bounced + (status.lateBounces ?? 0), attempted),
    complaint: share(status.complaints ?? 0, status.sent),
  };
}

async function recentIssues(deps: ReportDeps, campaignId: string, own: RecentIssue, now: number): Promise<RecentIssue[]> {
  const keys = deps.sends.shards[0]!.keys;
  const ids = await earlierSendsOfList(deps.sends.redis, keys, campaignId, RECENT_SHOWN);
  const rows = await Promise.all(
    ids.map(async (id): Promise<RecentIssue | null> => {
      if (id === campaignId) return own;
      const status = await findStatus(deps.sends, id);
      if (!status) return null;
      return { issueId: id, startedAt: status.startedAt ?? null, sent: status.sent, rates: ratesOf(status, await deps.clicks.counts(id, now)) };
    }),
  );
  return rows.filter((r): r is RecentIssue => r !== null).reverse();
}

export async function issueReport(deps: ReportDeps, campaignId: string, now = Date.now()): Promise<IssueReport> {
  const status = await getStatus(deps.sends, campaignId);
  const [clicks, opens, domains, perMinute] = await Promise.all([
    deps.clicks.counts(campaignId, now),
    deps.clicks.opens(campaignId),
    domainsOf(deps.sends, campaignId),
    sentPerMinute(deps.sends, campaignId),
  ]);
  const tracked = clicks.links.length > 0;
  const lateBounces = status.lateBounces ?? 0;
  const rates = ratesOf(status, clicks);
  const sentRows = minuteRows(perMinute);
  const start = Date.parse(status.startedAt ?? sentRows[0]?.at ?? '') || now;
  const own: RecentIssue = { issueId: status.issueId, startedAt: status.startedAt ?? null, sent: status.sent, rates };
  return {
    issueId: status.issueId,
    state: status.state,
    sent: status.sent,
    bounced: status.bounced,
    failed: status.failed,
    lateBounces,
    complaints: status.complaints ?? 0,
    unsubscribes: status.unsubscribes ?? 0,
    delivered: Math.max(0, status.sent - lateBounces),
    domains,
    clicks: tracked ? clicks : null,
    opens,
    rates,
    timeline: { sentPerMinute: sentRows, clicksPerHour: tracked ? hourRows(await deps.clicks.hourly(campaignId), start) : null },
    recent: await recentIssues(deps, campaignId, own, now),
  };
}

/** The report as CSV: one row per tracked link (the issue's totals first), for a spreadsheet. */
export function reportCsv(r: IssueReport): string {
  const quote = (v: string | number) => (typeof v === 'number' ? String(v) : `"${v.replaceAll('"', '""')}"`);
  const rows: (string | number)[][] = [
    ['issue', 'link', 'url', 'human_clicks', 'human_unique', 'machine_clicks', 'sent', 'delivered', 'bounced', 'late_bounces', 'complaints', 'unsubscribes'],
    [
      r.issueId,
      '',
      '',
      r.clicks?.human ?? 0,
      r.clicks?.humanUnique ?? 0,
      r.clicks?.machine ?? 0,
      r.sent,
      r.delivered,
      r.bounced,
      r.lateBounces,
      r.complaints,
      r.unsubscribes,
    ],
    ...(r.clicks?.links ?? []).map((l) => [r.issueId, l.link, l.url, l.human, l.humanUnique, l.machine, '', '', '', '', '', '']),
  ];
  return `${rows.map((row) => row.map((v) => (v === '' ? '' : quote(v))).join(',')).join('\n')}\n`;
}
