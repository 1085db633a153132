// Click tracking, at publish of a list send: every http(s) link of the issue's HTML becomes
// `<base>/<n>/%%NL_CLICK_TOKEN%%` (base: `PUBLIC_URL/r/<campaign>`, n: 1, 2, … per distinct URL
// in document order), and the same URL written out in the text part gets the same tracked URL.
// The personal links (unsubscribe, preferences, view online) are tokens, not URLs, and are left
// alone, as are mailto: and anything else. Pure: the caller stores the link table and the result.
//
// Works on the rendered HTML and text as they are stored, tokens and content's defused token
// syntax still in them (splice.ts), so toSpliceTemplate below treats them as it always does.
import { escapeHtml, restoreDefused, tokenText, toSpliceTemplate } from './splice.ts';
import type { TrackedLinks } from './types.ts';

// An <a> tag's href, double- or single-quoted (MJML and our templates write double quotes).
// The attribute itself, not one that ends in it (`data-href`).
const HREF = /(<a\b[^>]*?\shref=)(?:"([^"]*)"|'([^']*)')/gi;
// A URL written out in the text part: up to white space or the brackets html-to-text puts round it.
const TEXT_URL = /https?:\/\/[^\s<>[\]"]+/g;
// What may follow a URL in running text without being part of it.
const TRAILING = /[.,;:!?)'’”]$/;

/** Link numbers the redirect route takes (1 to 9999): URLs past them stay as they are. */
export const MAX_TRACKED_LINKS = 9_999;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

/** An attribute value as the browser reads it (the entities our templates and MJML write). */
function unescapeAttribute(value: string): string {
  return value.includes('&')
    ? value.replace(/&(amp|lt|gt|quot|apos|#39|#x([0-9a-f]+)|#([0-9]+));/gi, (whole, name: string, hex?: string, dec?: string) => {
        if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
        if (dec) return String.fromCodePoint(Number(dec));
        return ENTITIES[name.toLowerCase()] ?? whole;
      })
    : value;
}

/** An http(s) URL to track; null for tokens (the personal links), mailto: and anything else. */
function trackable(href: string): string | null {
  const written = unescapeAttribute(href).trim();
  // A token here was placed by the templates (content's own token syntax is defused).
  if (!/^https?:\/\/[^\s]/i.test(written) || written.includes('%%NL_')) return null;
  return restoreDefused(written);
}

/**
 * The issue's html and text with every http(s) link tracked under `base` (`PUBLIC_URL/r/<campaign>`,
 * no trailing slash), split for the send, and the link table. `known` is the table of an earlier
 * version of the issue (a forced re-publish): its numbers are kept, so a message already sent
 * still leads where it did, and new URLs are numbered after them.
 */
export function trackLinks(
  rendered: { html: string; text: string },
  base: string,
  known: readonly string[] = [],
  options: { clicks?: boolean; openPixel?: string } = {},
): TrackedLinks {
  const withClicks = options.clicks ?? true;
  const links = [...known];
  const numbers = new Map(links.map((url, i) => [url, i + 1]));
  const tracked = (url: string) => {
    let n = numbers.get(url);
    if (n === undefined) {
      if (links.length >= MAX_TRACKED_LINKS) return null;
      links.push(url);
      n = links.length;
      numbers.set(url, n);
    }
    return `${base}/${n}/${tokenText('CLICK_TOKEN')}`;
  };

  const linked = !withClicks
    ? rendered.html
    : rendered.html.replace(HREF, (whole, open: string, double?: string, single?: string) => {
        const url = trackable(double ?? single ?? '');
        const to = url === null ? null : tracked(url);
        return to === null ? whole : `${open}"${escapeHtml(to)}"`;
      });
  const html = options.openPixel ? withOpenPixel(linked, options.openPixel) : linked;

  // Only URLs the HTML links to: a URL merely mentioned in the text is left as written.
  const text = !withClicks
    ? rendered.text
    : rendered.text.replace(TEXT_URL, (written) => {
        for (let url = written; url.length > 8; url = url.slice(0, -1)) {
          const defusedFree = restoreDefused(url);
          if (numbers.has(defusedFree)) return `${tracked(defusedFree)}${written.slice(url.length)}`;
          if (!TRAILING.test(url)) break;
        }
        return written;
      });

  return {
    links: withClicks ? links : [],
    splice: { html: toSpliceTemplate(html), text: toSpliceTemplate(text) },
    ...(options.openPixel ? { opens: true as const } : {}),
  };
}

/**
 * The open pixel, last in the body: a 1×1 image `<base>/<click token>.gif` (base:
 * `PUBLIC_URL/o/<campaign>`). Empty alt text, so a reader whose client blocks images sees and
 * hears nothing; sized in attributes and style, so no client draws it larger.
 */
function withOpenPixel(html: string, base: string): string {
  const img = `<img src="${escapeHtml(`${base}/${tokenText('CLICK_TOKEN')}.gif`)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;overflow:hidden">`;
  const end = html.lastIndexOf('</body>');
  return end === -1 ? `${html}${img}` : `${html.slice(0, end)}${img}${html.slice(end)}`;
}
