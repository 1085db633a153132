// axe-core in a Playwright page, without @axe-core/playwright (it needs Node ≥ 22.12). The
// source is evaluated rather than added as a <script>: page.evaluate is not subject to the
// page's Content-Security-Policy, which refuses inline scripts on the console and public pages.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

/** One rule that failed, with what to look at: each node's selector and the start of its HTML. */
export interface AxeViolation {
  id: string;
  impact: Impact | null;
  help: string;
  nodes: Array<{ target: string; html: string }>;
}

const HTML_SNIPPET_CHARS = 120;

let axeSource: string | undefined;
/** axe.min.js, read once per test file. */
function axeScript(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** The shape axe.run answers with, as far as these records need it. */
interface AxeResults {
  violations: Array<{ id: string; impact?: Impact | null; help: string; nodes: Array<{ target: unknown[]; html: string }> }>;
}

/**
 * Runs axe on the page as it is now and returns the violations of the given impacts (all, when
 * none are given). axe is injected once per document: a navigation needs it again, and gets it.
 */
export async function axeViolations(page: Page, opts: { impacts?: readonly Impact[] } = {}): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeScript());
  const results = await page.evaluate(
    () =>
      (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, {
        resultTypes: ['violations'],
      }) as Promise<AxeResults>,
  );
  return results.violations
    .filter((v) => !opts.impacts || (v.impact != null && opts.impacts.includes(v.impact)))
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), html: n.html.slice(0, HTML_SNIPPET_CHARS) })),
    }));
}

const SCHEMES = ['light', 'dark'] as const;
/** A phone and a laptop. */
export const PAGE_WIDTHS = [375, 1280] as const;
const SERIOUS = ['serious', 'critical'] as const;

/** A violation with where it was found: surface, colour scheme, width. */
export type FoundViolation = AxeViolation & { where: string };

/**
 * The serious and critical violations of the page as it is, in each colour scheme at each width;
 * and, as one more, a page wider than the window (a phone would scroll it sideways: WCAG 1.4.10
 * Reflow), which axe does not check.
 */
export async function violationsInEachSchemeAndWidth(page: Page, label: string, widths: readonly number[] = PAGE_WIDTHS): Promise<FoundViolation[]> {
  const found: FoundViolation[] = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 800 });
      const where = `${label}, ${scheme}, ${width} px`;
      found.push(...(await axeViolations(page, { impacts: SERIOUS })).map((v) => ({ where, ...v })));
      const wide = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (wide.scroll > wide.inner)
        found.push({ where, id: 'wider-than-window', impact: 'serious', help: `The page is ${wide.scroll} px wide in a ${wide.inner} px window`, nodes: [] });
    }
  }
  return found;
}

/** One line per rule and place, then its nodes: what a failing run prints, to fix from. */
export function describeViolations(found: readonly FoundViolation[]): string {
  return found.map((v) => [`${v.where}: ${v.id} (${v.impact}) ${v.help}`, ...v.nodes.map((n) => `    ${n.target}  ${n.html}`)].join('\n')).join('\n');
}
