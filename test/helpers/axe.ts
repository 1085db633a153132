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
