// Every fixed number and colour the renderer uses, in one place (maizzle keeps its defaults in
// one config file; the config you pass is the config you get).

/** Gmail clips an HTML part past ~102 KB; fail above the budget, warn above warnBytes. */
export const SIZE_BUDGET = { budgetBytes: 95_000, warnBytes: 85_000 } as const;

/** Layout widths in px. The body is 600 wide; text blocks have 24 px padding each side; the sponsor box 16 px more inside a 1 px frame. */
export const WIDTHS = { body: 600, content: 552, qr: 160, logo: 48, sponsor: 518 } as const;

/**
 * How many `&#847;&zwnj;&nbsp;` groups follow the preheader. Inbox previews show roughly the
 * first 100–150 characters; the padding fills what the preheader leaves so the greeting and
 * body text do not leak into the preview.
 */
export const PREVIEW_LENGTH = 150;
export const PREVIEW_PADDING_MIN = 20;

export const COLOURS = {
  page: '#f2f3f5',
  card: '#ffffff',
  text: '#1f2328',
  // 5.5:1 on the page colour (WCAG AA for small text); masthead, footer and hints use it.
  muted: '#59636e',
  rule: '#e5e7eb',
} as const;

/** The system CJK stack: never web-load fonts (slow or blocked in mainland China, megabytes). */
export const FONT_STACK =
  "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";

/** mjml2html options; `fonts: {}` stops MJML adding its Google Fonts <link>. */
export const MJML_OPTIONS = {
  validationLevel: 'strict',
  fonts: {},
  keepComments: false,
  ignoreIncludes: true,
  // Whitespace collapsing saves ~15 % of the encoded size (issue 64: 67.5 → 57.9 KB). CSS minification is off: it needs
  // cssnano (not installed) and would gain little on the few rules we have.
  minify: true,
  // minifySvg off: the issue has no inline SVG, and loading svgo on the first call costs
  // 200-500 ms of every publish (measured by the benchmark); the HTML comes out identical.
  minifyOptions: { minifyCss: false, minifySvg: false },
} as const;

/**
 * Where images kept under emails/assets are served when no ASSETS_URL is given: the default
 * PUBLIC_URL's /assets (what `newsletter serve` answers). Deployments pass config.assetsUrl.
 */
export const DEFAULT_ASSETS_URL = 'http://127.0.0.1:3000/assets';
