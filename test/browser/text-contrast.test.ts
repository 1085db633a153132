// Every text of every sample issue stays readable (issue #26 item 2): in the email as rendered
// and on its web archive page, in light and in dark mode, on a 375 px phone and at 600 px, each
// visible text node has a WCAG 2 contrast ratio of at least 4.5:1 against the background it is
// painted on (3:1 for large text: 24 px, or 18.66 px bold). Colours are the ones Chromium
// computes; the background is the nearest ancestor's background colour, with translucent
// layers composited over what is beneath (a background image is noted and the colour beneath used).
import { reachOnlyApp } from '../helpers/app-only.ts';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { launchBrowser, openEmail } from '../../src/preview/screenshot.ts';
import { publishWithSendUnderWay, SAMPLE_IDS, subscriberEmail } from '../helpers/sample-issues.ts';
import { createRenderer } from '../../src/render/index.ts';
import { browserSuite, CHROMIUM_MISSING } from '../helpers/chromium.ts';
import { startListeningHarness, type HttpHarness } from '../integration/http-harness.ts';

const ASSETS = { url: 'https://news.example.test/assets', dir: 'emails/assets' };
const SCHEMES = ['light', 'dark'] as const;
const WIDTHS = [375, 600] as const;

interface Sample {
  id: string;
  html: string;
}

/** What the page reports for one text node that falls short. */
interface Shortfall {
  text: string;
  element: string;
  color: string;
  background: string;
  ratio: number;
  needed: number;
  fontSize: number;
  fontWeight: number;
  note?: string;
}

interface Measured {
  dark: boolean;
  checked: number;
  failing: Shortfall[];
}

let browser: Browser;
let h: HttpHarness;
let base: string;
const samples: Sample[] = [];

beforeAll(async () => {
  if (CHROMIUM_MISSING) return;
  ({ h, base } = await startListeningHarness());
  for (const id of SAMPLE_IDS) {
    const { issue, newsletter, templates } = await loadIssueFile(`emails/issues/${id}.yaml`);
    // The email as a subscriber gets it (openEmail answers images under ASSETS from their files)…
    const rendered = await createRenderer(templates, { assetsUrl: ASSETS.url, encodedSizes }).renderIssue(issue, newsletter);
    samples.push({ id: issue.id, html: subscriberEmail(rendered, issue.id) });
    // …and published, with a send under way, so that the archive serves its web version.
    const forArchive = await createRenderer(templates, { assetsUrl: h.config.assetsUrl, encodedSizes }).renderIssue(issue, newsletter);
    await publishWithSendUnderWay(h, forArchive, issue, newsletter);
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The archive's page for `issueId`, served by the app; only the app is reachable, other images are placeholders. */
async function openArchivePage(issueId: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: WIDTHS[0], height: 800 }, deviceScaleFactor: 1 });
  await reachOnlyApp(page, base, (request) => request.resourceType() === 'document');
  const response = await page.goto(`${base}/issues/${encodeURIComponent(issueId)}`, { waitUntil: 'load' });
  expect(response?.status(), issueId).toBe(200);
  return page;
}

/**
 * Runs in the page: every visible, non-blank text node, its computed colour against its
 * effective background, and the ones under the WCAG 2 AA threshold.
 */
function measureContrast(): Measured {
  type Rgba = [number, number, number, number];
  const parse = (css: string): Rgba => {
    const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(css);
    if (!m) throw new Error(`unexpected colour ${css}`);
    const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number.parseFloat(m[4]) / 100 : Number(m[4]);
    return [Number(m[1]), Number(m[2]), Number(m[3]), alpha];
  };
  // `top` painted over the opaque `under`.
  const over = (top: Rgba, under: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + under[i]! * (1 - top[3])).concat(1) as Rgba;
  const luminance = (c: Rgba) => {
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const show = (c: Rgba) =>
    `rgb(${c
      .slice(0, 3)
      .map((v) => Math.round(v))
      .join(', ')})`;

  // The canvas under everything: the browser's own Canvas colour in the root's colour scheme.
  const probe = document.createElement('div');
  probe.style.backgroundColor = 'Canvas';
  document.documentElement.appendChild(probe);
  const canvas = parse(getComputedStyle(probe).backgroundColor);
  probe.remove();

  const backgroundOf = (start: Element): { colour: Rgba; note?: string } => {
    const layers: Rgba[] = [];
    let note: string | undefined;
    for (let el: Element | null = start; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.backgroundImage !== 'none' && !note) note = `background-image on ${el.tagName.toLowerCase()}, colour beneath used`;
      const colour = parse(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    let colour = canvas;
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return note ? { colour, note } : { colour };
  };

  const failing: Shortfall[] = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
    const element = node.parentElement;
    if (!text || !element) continue;
    const style = getComputedStyle(element);
    if (style.visibility !== 'visible') continue;
    // Laid out with some area: not in a display:none subtree (the preheader), not collapsed to nothing.
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some((r) => r.width > 0 && r.height > 0)) continue;
    let opacity = 1;
    for (let el: Element | null = element; el; el = el.parentElement) opacity *= Number(getComputedStyle(el).opacity);
    if (opacity === 0) continue;
    checked++;

    const { colour: background, note } = backgroundOf(element);
    const own = parse(style.color);
    const colour = over([own[0], own[1], own[2], own[3] * opacity], background);
    const [a, b] = [luminance(colour), luminance(background)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const fontSize = Number.parseFloat(style.fontSize);
    const fontWeight = Number(style.fontWeight);
    const large = fontSize >= 24 || (fontSize >= 18.66 && fontWeight >= 700);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) {
      failing.push({
        text: text.length > 40 ? `${text.slice(0, 39)}…` : text,
        element: `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(/\s+/).join('.')}` : ''}`,
        color: show(colour),
        background: show(background),
        ratio: Math.round(ratio * 100) / 100,
        needed,
        fontSize,
        fontWeight,
        ...(note ? { note } : {}),
      });
    }
  }
  return { dark: matchMedia('(prefers-color-scheme: dark)').matches, checked, failing };
}

/** The page in each mode at each width: the shortfalls, labelled, and how many texts were checked. */
async function shortfalls(page: Page, label: string): Promise<{ failing: Array<Shortfall & { where: string }>; checked: number[] }> {
  const failing: Array<Shortfall & { where: string }> = [];
  const checked: number[] = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const measured = await page.evaluate(measureContrast);
      expect(measured.dark, `${label} ${scheme}`).toBe(scheme === 'dark');
      checked.push(measured.checked);
      failing.push(...measured.failing.map((f) => ({ where: `${label}, ${scheme}, ${width} px`, ...f })));
    }
  }
  return { failing, checked };
}

describe.skipIf(CHROMIUM_MISSING)(browserSuite('text contrast of the sample issues, light and dark, 375 and 600 px'), () => {
  it('covers at least the three samples', () => {
    expect(samples.map((s) => s.id)).toEqual(expect.arrayContaining(['field-notes-012', 'pretrain-weekly-064', 'shipping-log-031']));
  });

  for (const id of SAMPLE_IDS) {
    it(`${id}: every text in the email reaches 4.5:1 (large text 3:1)`, async () => {
      const sample = samples.find((s) => s.id === id);
      if (!sample) throw new Error(`no sample ${id}`);
      const page = await openEmail(browser, sample.html, WIDTHS[0], new Map(), ASSETS);
      const { failing, checked } = await shortfalls(page, `${id} email`);
      await page.close();
      // The walk really saw the issue's text, in every mode and width.
      for (const n of checked) expect(n).toBeGreaterThan(40);
      expect(failing).toEqual([]);
    }, 60_000);

    it(`${id}: every text on the archive page reaches 4.5:1 (large text 3:1)`, async () => {
      const page = await openArchivePage(id);
      const { failing, checked } = await shortfalls(page, `${id} archive`);
      await page.close();
      for (const n of checked) expect(n).toBeGreaterThan(40);
      expect(failing).toEqual([]);
    }, 60_000);
  }
});
