// The report's charts, drawn as SVG on the server: no chart library, no script, nothing the
// console's CSP would refuse (colours come from classes in the console's stylesheet, so dark
// mode recolours them). A chart is a picture for those who see it; the same numbers follow it
// as a table in a <details>, and its description says what it shows in one sentence, so a
// screen reader hears the report too.
import { html, type SafeHtml } from '../http/views/html.ts';

export interface Series {
  /** The legend's and the table's name for it. */
  name: string;
  /** CSS class of its bars (`chart-sent`, `chart-human`, `chart-machine`). */
  className: string;
}

export interface BarChart {
  /** Unique on the page: ties the <svg> to its title and description. */
  id: string;
  title: string;
  /** One sentence: the span, the total and the peak. */
  description: string;
  series: readonly Series[];
  /** One bar per row, its series stacked in order; label: the row's time as the table shows it. */
  rows: ReadonlyArray<{ label: string; values: readonly number[] }>;
  /** The table's first column heading. */
  labelHeading: string;
  numbersLabel: string;
}

const HEIGHT = 100;
const BAR = 4;
const GAP = 1;

/** A stacked bar chart and its numbers; an empty chart (no rows) is left out. */
export function barChart(c: BarChart): SafeHtml {
  if (!c.rows.length) return html``;
  const top = Math.max(1, ...c.rows.map((r) => r.values.reduce((a, b) => a + b, 0)));
  const width = c.rows.length * BAR;
  const bars = c.rows.flatMap((row, i) => {
    let base = HEIGHT;
    return row.values.flatMap((value, s) => {
      if (value <= 0) return [];
      const h = Math.max(0.5, (value / top) * HEIGHT);
      base -= h;
      return [html`<rect x="${i * BAR}" y="${base.toFixed(2)}" width="${BAR - GAP}" height="${h.toFixed(2)}" class="${c.series[s]?.className ?? ''}"/>`];
    });
  });
  // Only the rows with something in them: a week of hours is 168 rows, most of them zero.
  const counted = c.rows.filter((r) => r.values.some((v) => v > 0));
  return html`<figure class="chart" data-chart="${c.id}">
<svg viewBox="0 0 ${width} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" focusable="false"><title id="${c.id}-title">${c.title}</title><desc id="${c.id}-desc">${c.description}</desc><line x1="0" y1="${HEIGHT}" x2="${width}" y2="${HEIGHT}" class="chart-axis"/>${bars}</svg>
<figcaption><strong>${c.title}</strong> ${c.description}${c.series.length > 1 ? html` ${c.series.map((s) => html`<span class="legend"><span class="swatch ${s.className}" aria-hidden="true"></span>${s.name}</span>`)}` : ''}</figcaption>
<details><summary>${c.numbersLabel}</summary><div class="table-wrap" tabindex="0" role="region" aria-label="${c.title}"><table><thead><tr><th scope="col">${c.labelHeading}</th>${c.series.map((s) => html`<th scope="col" class="n">${s.name}</th>`)}</tr></thead>
<tbody>${counted.map((r) => html`<tr><th scope="row">${r.label}</th>${r.values.map((v) => html`<td class="n">${v}</td>`)}</tr>`)}</tbody></table></div></details>
</figure>`;
}

/** A time on a chart's table: day and time in the newsletter's zone, 24-hour. */
export function chartTime(iso: string, timeZone: string, lang: string): string {
  return new Date(iso).toLocaleString(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
}
