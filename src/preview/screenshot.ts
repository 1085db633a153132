// Opens rendered email HTML in headless Chromium, offline: images kept under emails/assets are
// answered from their files, other image requests with a generated placeholder of the image's
// size (so the layout looks as it will), and every other external request is blocked (a
// preview must not fetch trackers, fonts or anything else).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { isAssetPath } from '../content/schema.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export interface ImageSize {
  width: number;
  height: number;
}

/** Where emails/assets is served (config.assetsUrl) and where its files are on disk. */
export interface LocalAssets {
  url: string;
  dir: string;
}

export interface Shot {
  width: number;
  /** PNG file to write (full page). */
  path: string;
  /** `prefers-color-scheme` the page sees (default light): the templates' dark-mode styles. */
  colorScheme?: 'light' | 'dark';
}

export function launchBrowser(executablePath: string = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/**
 * A page at `width` CSS px showing `html`. `sizes` (image URL → size) wins over the sizes
 * found in the HTML's own <img> attributes (MJML may write height="auto").
 */
export async function openEmail(
  browser: Browser,
  html: string,
  width: number,
  sizes: ReadonlyMap<string, ImageSize> = new Map(),
  assets?: LocalAssets,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<Page> {
  const known = new Map([...imageSizesInHtml(html), ...sizes]);
  const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1, colorScheme });
  await page.route('**/*', async (route) => {
    const request = route.request();
    const url = request.url();
    if (!/^https?:/i.test(url)) return route.continue();
    if (request.resourceType() === 'image') {
      const local = assets ? localAssetFile(url, assets) : null;
      if (local) return route.fulfill({ path: local });
      return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholderSvg(url, known.get(url)) });
    }
    return route.abort('blockedbyclient');
  });
  await page.setContent(html, { waitUntil: 'load' });
  return page;
}

/** Renders `html` once per shot (each at its own width) and saves full-page PNGs. */
export async function screenshotEmail(html: string, shots: readonly Shot[], sizes?: ReadonlyMap<string, ImageSize>, assets?: LocalAssets): Promise<void> {
  const browser = await launchBrowser();
  try {
    for (const shot of shots) {
      const page = await openEmail(browser, html, shot.width, sizes, assets, shot.colorScheme);
      await page.screenshot({ path: shot.path, fullPage: true });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

/** The file under `assets.dir` that `url` names, when it is an address under `assets.url`. */
export function localAssetFile(url: string, assets: LocalAssets): string | null {
  const base = `${assets.url.replace(/\/+$/, '')}/`;
  if (!url.startsWith(base)) return null;
  const relative = decodeURIComponent(url.slice(base.length).split(/[?#]/)[0] ?? '');
  if (!isAssetPath(relative)) return null;
  const file = join(assets.dir, relative);
  return existsSync(file) ? file : null;
}

/** `src` → width/height from the <img> tags, where both are numbers. */
export function imageSizesInHtml(html: string): Map<string, ImageSize> {
  const sizes = new Map<string, ImageSize>();
  for (const [tag] of html.matchAll(/<img\b[^>]*>/gi)) {
    const attr = (name: string) => new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1];
    const src = attr('src');
    const width = Number(attr('width'));
    const height = Number(attr('height'));
    if (src && width > 0 && height > 0) sizes.set(decodeEntities(src), { width, height });
  }
  return sizes;
}

export function placeholderSvg(url: string, size: ImageSize = { width: 600, height: 300 }): string {
  const { width, height } = size;
  const name = new URL(url).pathname.split('/').pop() || url;
  const fontSize = Math.max(10, Math.min(16, Math.floor(width / 24)));
  // Label with the file name when it fits, else just the size, else nothing (a 48 px logo).
  const fits = (text: string) => text.length * fontSize * 0.6 <= width - 8 && fontSize * 1.5 <= height;
  const label = [`${name} · ${width}×${height}`, `${width}×${height}`].find(fits) ?? '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="#e8eef7" stroke="#b8c4d6" stroke-width="2"/>` +
    `<line x1="0" y1="0" x2="${width}" y2="${height}" stroke="#d3dbe7"/><line x1="${width}" y1="0" x2="0" y2="${height}" stroke="#d3dbe7"/>` +
    (label
      ? `<text x="50%" y="50%" dominant-baseline="middle" text-anchor="middle" font-family="sans-serif" font-size="${fontSize}" fill="#5b6b82">${escapeXml(label)}</text>`
      : '') +
    '</svg>'
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
