// The report's timeline rows (src/reports/timeline.ts) and its SVG charts (src/console/report-charts.ts): exact output.
import { describe, expect, it } from 'vitest';
import { barChart, chartTime } from '../../src/console/report-charts.ts';
import { CLICK_HOURS, hourRows, MAX_MINUTES, minuteRows } from '../../src/reports/timeline.ts';

const minute = (iso: string) => Date.parse(iso) / 60_000;
const hour = (iso: string) => Date.parse(iso) / 3_600_000;

describe('minuteRows', () => {
  it('fills the minutes between the first and the last send with zeros', () => {
    const rows = minuteRows(
      new Map([
        [minute('2026-12-07T08:03:00Z'), 40],
        [minute('2026-12-07T08:00:00Z'), 120],
      ]),
    );
    expect(rows).toEqual([
      { at: '2026-12-07T08:00:00.000Z', sent: 120 },
      { at: '2026-12-07T08:01:00.000Z', sent: 0 },
      { at: '2026-12-07T08:02:00.000Z', sent: 0 },
      { at: '2026-12-07T08:03:00.000Z', sent: 40 },
    ]);
  });

  it('is empty before anything was sent, and stops after a day', () => {
    expect(minuteRows(new Map())).toEqual([]);
    const start = minute('2026-12-07T00:00:00Z');
    expect(
      minuteRows(
        new Map([
          [start, 1],
          [start + 3 * MAX_MINUTES, 1],
        ]),
      ),
    ).toHaveLength(MAX_MINUTES);
  });
});

describe('hourRows', () => {
  it('gives the week from the hour the send started, clicks outside it left out', () => {
    const start = Date.parse('2026-12-07T08:30:00Z');
    const rows = hourRows(
      [
        { hour: hour('2026-12-07T07:00:00Z'), human: 5, machine: 0 },
        { hour: hour('2026-12-07T08:00:00Z'), human: 2, machine: 30 },
        { hour: hour('2026-12-07T10:00:00Z'), human: 7, machine: 1 },
        { hour: hour('2026-12-20T10:00:00Z'), human: 9, machine: 0 },
      ],
      start,
    );
    expect(rows).toHaveLength(CLICK_HOURS);
    expect(rows.slice(0, 3)).toEqual([
      { at: '2026-12-07T08:00:00.000Z', human: 2, machine: 30 },
      { at: '2026-12-07T09:00:00.000Z', human: 0, machine: 0 },
      { at: '2026-12-07T10:00:00.000Z', human: 7, machine: 1 },
    ]);
    expect(rows.at(-1)!.at).toBe('2026-12-14T07:00:00.000Z');
    expect(rows.reduce((a, r) => a + r.human, 0)).toBe(9);
  });
});

describe('barChart', () => {
  it('stacks each row’s series in one bar scaled to the tallest, with the numbers as a table', () => {
    const out = String(
      barChart({
        id: 'c',
        title: 'Clicks',
        description: 'Two hours.',
        series: [
          { name: 'People', className: 'chart-human' },
          { name: 'Machines', className: 'chart-machine' },
        ],
        rows: [
          { label: '08:00', values: [3, 1] },
          { label: '09:00', values: [0, 0] },
          { label: '10:00', values: [2, 0] },
        ],
        labelHeading: 'Hour',
        numbersLabel: 'The numbers',
      }),
    );
    expect(out).toBe(`<figure class="chart" data-chart="c">
<svg viewBox="0 0 12 100" preserveAspectRatio="none" role="img" aria-labelledby="c-title c-desc" focusable="false"><title id="c-title">Clicks</title><desc id="c-desc">Two hours.</desc><line x1="0" y1="100" x2="12" y2="100" class="chart-axis"/><rect x="0" y="25.00" width="3" height="75.00" class="chart-human"/><rect x="0" y="0.00" width="3" height="25.00" class="chart-machine"/><rect x="8" y="50.00" width="3" height="50.00" class="chart-human"/></svg>
<figcaption><strong>Clicks</strong> Two hours. <span class="legend"><span class="swatch chart-human" aria-hidden="true"></span>People</span><span class="legend"><span class="swatch chart-machine" aria-hidden="true"></span>Machines</span></figcaption>
<details><summary>The numbers</summary><div class="table-wrap" tabindex="0" role="region" aria-label="Clicks"><table><thead><tr><th scope="col">Hour</th><th scope="col" class="n">People</th><th scope="col" class="n">Machines</th></tr></thead>
<tbody><tr><th scope="row">08:00</th><td class="n">3</td><td class="n">1</td></tr><tr><th scope="row">10:00</th><td class="n">2</td><td class="n">0</td></tr></tbody></table></div></details>
</figure>`);
  });

  it('escapes its text and draws nothing without rows', () => {
    const chart = { id: 'x', description: '<b>', series: [{ name: 'S', className: 'chart-sent' }], labelHeading: 'M', numbersLabel: 'N' };
    expect(String(barChart({ ...chart, title: 'T', rows: [] }))).toBe('');
    const out = String(barChart({ ...chart, title: '<script>', rows: [{ label: '<i>', values: [1] }] }));
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('<th scope="row">&lt;i&gt;</th>');
  });

  it('writes times in the newsletter’s zone', () => {
    expect(chartTime('2026-12-07T08:00:00Z', 'Asia/Shanghai', 'en')).toBe('Dec 7, 16:00');
  });
});
