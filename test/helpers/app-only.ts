// A browser page (or a whole context) that reaches only the app under test: another image gets a
// placeholder, anything else is blocked. A placeholder has the size the app's own HTML gave the
// image, read from the responses `readSizesFrom` picks (an archive page, say), so layouts and
// widths measure as they would with the real image.
import type { BrowserContext, Page, Request } from 'playwright-core';
import { imageSizesInHtml, placeholderSvg } from '../../src/preview/screenshot.ts';

export async function reachOnlyApp(target: Page | BrowserContext, base: string, readSizesFrom: (request: Request) => boolean = () => false): Promise<void> {
  const sizes = new Map<string, { width: number; height: number }>();
  await target.route('**/*', async (route) => {
    const request = route.request();
    const url = request.url();
    if (url.startsWith(base)) {
      if (!readSizesFrom(request)) return route.continue();
      const response = await route.fetch();
      const body = await response.text();
      for (const [src, size] of imageSizesInHtml(body)) sizes.set(src, size);
      return route.fulfill({ response, body });
    }
    if (request.resourceType() === 'image') return route.fulfill({ status: 200, contentType: 'image/svg+xml', body: placeholderSvg(url, sizes.get(url)) });
    return route.abort('blockedbyclient');
  });
}
