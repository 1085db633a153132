// `newsletter report`'s text (formatReport): exact output for a tracked issue with a timeline and earlier issues.
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/cli/commands/report.ts';
import type { IssueReport } from '../../src/use-cases/issue-report.ts';

const rates = { click: 0.25, unsubscribe: 0.01, bounce: 0.02, complaint: 0 };
const report: IssueReport = {
  issueId: 'pretrain-weekly-064',
  state: 'done',
  sent: 100,
  bounced: 2,
  failed: 0,
  lateBounces: 0,
  complaints: 0,
  unsubscribes: 1,
  delivered: 100,
  domains: [{ domain: 'qq.com', bounced: 2, deferred: 1, failed: 0 }],
  clicks: { human: 40, humanUnique: 25, machine: 90, links: [{ link: 1, url: 'https://arxiv.org/abs/2401.00001', human: 40, humanUnique: 25, machine: 90 }] },
  opens: { human: 60, humanUnique: 50, machine: 30 },
  rates,
  timeline: {
    sentPerMinute: [
      { at: '2026-12-07T08:00:00.000Z', sent: 70 },
      { at: '2026-12-07T08:01:00.000Z', sent: 30 },
    ],
    clicksPerHour: [
      { at: '2026-12-07T08:00:00.000Z', human: 10, machine: 90 },
      { at: '2026-12-07T09:00:00.000Z', human: 30, machine: 0 },
    ],
  },
  recent: [
    { issueId: 'pretrain-weekly-063', startedAt: '2026-11-30T08:00:00.000Z', sent: 98, rates: { ...rates, click: 0.2 } },
    { issueId: 'pretrain-weekly-064', startedAt: '2026-12-07T08:00:00.000Z', sent: 100, rates },
  ],
};

describe('formatReport', () => {
  it('prints the totals, domains, links, timeline and the issues before it', () => {
    expect(formatReport(report)).toBe(
      [
        'pretrain-weekly-064 (done)',
        '  sent 100 · delivered 100 · bounced 2 at once, 0 later · failed 0',
        '  complaints 0 (0.0 %) · unsubscribed through this issue 1 (1.0 %) · bounce rate 2.0 %',
        '  by receiving domain (bounced · deferred · failed):',
        '    qq.com                        2      1      0',
        '  clicks by people 40 (25 readers at least once, 25.0 % of those sent) · by machines 90',
        '        40     25 unique     90 machine  https://arxiv.org/abs/2401.00001',
        '  opens by people 60 (50 readers at least once, 50.0 % of those sent) · by machines 30 (an estimate)',
        '  sent over 2 minutes from 2026-12-07T08:00:00.000Z, at most 70 in one minute',
        '  busiest hour of the first week: 2026-12-07T08:00:00.000Z (10 by people, 90 by machines)',
        '  this issue and the ones before it (readers who clicked · unsubscribed · bounced):',
        '    pretrain-weekly-063            20.0 %    1.0 %    2.0 %',
        '    pretrain-weekly-064            25.0 %    1.0 %    2.0 %',
      ].join('\n'),
    );
  });
});
