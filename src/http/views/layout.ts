// The one page layout every server-rendered page shares: inline CSS (mobile first, large tap
// targets, visible focus, dark mode), the newsletter's brand colour, no script at all.
// The CSS is allowed by its SHA-256 in the Content-Security-Policy, not by 'unsafe-inline'.
import { createHash } from 'node:crypto';
import { html, trusted, type SafeHtml } from './html.ts';
import type { Messages } from './messages.ts';

export interface PageBrand {
  name: string;
  brandColor: string;
}

export interface Page {
  html: string;
  /** Content-Security-Policy for exactly this page (its style block's hash). */
  csp: string;
}

const FONT_STACK = `-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif`;
const FALLBACK_BRAND = '#1f5fbf';

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

function stylesheet(brandColor: string): string {
  const brand = /^#[0-9a-f]{6}$/i.test(brandColor) ? brandColor : FALLBACK_BRAND;
  const l = luminance(brand);
  // Buttons keep the brand colour and pick the readable text colour; links need 4.5:1 on white.
  const onBrand = contrast(l, 1) >= contrast(l, 0) ? '#ffffff' : '#111111';
  const link = contrast(l, 1) >= 4.5 ? brand : FALLBACK_BRAND;
  return `:root{color-scheme:light dark;--brand:${brand};--on-brand:${onBrand};--link:${link}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.65 ${FONT_STACK};background:#f3f4f6;color:#1c1e21}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 3rem}
.masthead{display:block;margin:0 0 1rem;font-weight:700;font-size:1.05rem;color:var(--link);text-decoration:none}
.card{background:#fff;border-radius:12px;padding:1.5rem 1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.45rem;line-height:1.35;margin:0 0 .75rem}
h2{font-size:1.2rem;line-height:1.4;margin:0 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .25rem}
.newsletter{border-top:1px solid #e2e4e8;margin-top:1.75rem;padding-top:1.25rem}
p{margin:0 0 1rem}
a{color:var(--link);text-underline-offset:.15em}
label{display:block;font-weight:600;margin:1.1rem 0 .4rem}
.optional{font-weight:400;color:#5b6068}
input[type=email],input[type=text]{display:block;width:100%;min-height:48px;padding:.6rem .8rem;font:inherit;color:inherit;background:#fff;border:1px solid #7d838c;border-radius:8px}
input[aria-invalid=true]{border:2px solid #b3261e}
.consent{font-size:.92rem;color:#3f444b;margin:1.25rem 0 1rem}
.button{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;padding:.7rem 1.5rem;border:0;border-radius:8px;background:var(--brand);color:var(--on-brand);font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button.secondary{background:transparent;color:var(--link);border:2px solid currentColor}
:focus-visible{outline:3px solid #e8710a;outline-offset:2px}
.error{color:#b3261e;font-weight:600;margin:.4rem 0 0}
.muted{color:#5b6068;font-size:.92rem}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
.issues{list-style:none;margin:0;padding:0}
.issues li{border-top:1px solid #e2e4e8}
.issues a{display:block;padding:.8rem 0;text-decoration:none;min-height:48px}
.issues .subject{display:block;color:#1c1e21;font-weight:600}
.issues .meta{display:block;color:#5b6068;font-size:.88rem}
.actions{margin-top:1.5rem}
fieldset.plain{border:0;margin:1rem 0 0;padding:0}fieldset.plain legend{font-weight:600;padding:0}
label.inline{display:inline;font-weight:400;margin:0}
select{min-height:48px;padding:.5rem;font:inherit;border:1px solid #7d838c;border-radius:8px}
.notice{padding:.6rem .9rem;border-radius:8px;background:#e8f1fd}
@media (prefers-color-scheme:dark){
body{background:#111214;color:#e6e7ea}
.card{background:#1d1f23;box-shadow:none}
input[type=email],input[type=text]{background:#111214;border-color:#9aa0a6}
.masthead,a,.button.secondary{color:#8ab4f8}
.optional,.muted,.issues .meta{color:#a6abb3}
.consent{color:#c8cbd0}
.issues .subject{color:#e6e7ea}
.issues li,.newsletter{border-color:#33363c}
.error{color:#f2b8b5}
}
@media (min-width:40rem){main{padding-top:3rem}.card{padding:2rem}.button{display:inline-flex;width:auto}}`;
}

// One stylesheet per brand colour: compute it and its hash once.
const styles = new Map<string, { css: string; hash: string }>();
function styleFor(brandColor: string): { css: string; hash: string } {
  let entry = styles.get(brandColor);
  if (!entry) {
    const css = stylesheet(brandColor);
    entry = { css, hash: createHash('sha256').update(css).digest('base64') };
    styles.set(brandColor, entry);
  }
  return entry;
}

export function pageCsp(styleHash: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${styleHash}'`,
    "img-src 'self' https: data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function renderPage(input: {
  m: Messages;
  title: string;
  brand: PageBrand;
  body: SafeHtml;
  homeHref: string;
  indexable?: boolean;
  feed?: { href: string; title: string };
}): Page {
  const { css, hash } = styleFor(input.brand.brandColor);
  const doc = html`<!doctype html>
<html lang="${input.m.lang}"${input.m.dir ? html` dir="${input.m.dir}"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.indexable ? '' : trusted('<meta name="robots" content="noindex">\n')}<title>${input.title.includes(input.brand.name) ? input.title : `${input.title} · ${input.brand.name}`}</title>
<style>${trusted(css)}</style>
${input.feed ? html`<link rel="alternate" type="application/atom+xml" title="${input.feed.title}" href="${input.feed.href}">\n` : ''}</head>
<body>
<main>
<a class="masthead" href="${input.homeHref}">${input.brand.name}</a>
<div class="card">
${input.body}
</div>
</main>
</body>
</html>
`;
  return { html: doc.value, csp: pageCsp(hash) };
}
