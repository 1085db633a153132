// Client support (issue 30): the CSS tokenizer, the features found in small HTML snippets, the
// fallbacks that cover a client, where a feature comes from, and the model issue's report.
import { describe, expect, it } from 'vitest';
import { encodedSizes } from '../../src/mail/index.ts';
import { loadIssueFile } from '../../src/content/index.ts';
import { newsletterSchema } from '../../src/content/schema.ts';
import { createRenderer } from '../../src/render/index.ts';
import { DEFAULT_CLIENTS, type ClientId } from '../../src/content/client-list.ts';
import { parseDeclarations, parseStylesheet } from '../../src/render/client-support/css-tokens.ts';
import { selectorSlugs } from '../../src/render/client-support/css-features.ts';
import { clientSupport, clientSupportWarnings } from '../../src/render/client-support/support-report.ts';
import { clientSupportTable } from '../../src/render/client-support/support-table.ts';
import { mixColours } from '../../src/render/view-model.ts';

describe('css tokens', () => {
  it('reads a style attribute: properties lower-cased, !important apart, semicolons in strings and brackets kept', () => {
    expect(parseDeclarations("Color:#fff ; font-family:'A;B', sans-serif;background:url(a;b.png) !important;;broken")).toEqual([
      { property: 'color', value: '#fff', important: false },
      { property: 'font-family', value: "'A;B', sans-serif", important: false },
      { property: 'background', value: 'url(a;b.png)', important: true },
    ]);
  });

  it('reads a style block: rules, the @media around them, other at-rules and comments', () => {
    const sheet = parseStylesheet(
      '/* c */ @import url(x.css); .a, p > b { margin:0 } @media (prefers-color-scheme: dark) { .a { color: red !important; } } @font-face { font-family: X; }',
    );
    expect(sheet).toEqual({
      hasComments: true,
      atRules: [
        { name: 'import', prelude: 'url(x.css)' },
        { name: 'media', prelude: '(prefers-color-scheme: dark)' },
        { name: 'font-face', prelude: '' },
      ],
      rules: [
        { selectors: ['.a', 'p > b'], declarations: [{ property: 'margin', value: '0', important: false }], conditions: [] },
        { selectors: ['.a'], declarations: [{ property: 'color', value: 'red', important: true }], conditions: ['media (prefers-color-scheme: dark)'] },
      ],
    });
  });

  it('names the selector features of a selector', () => {
    expect(selectorSlugs('.nl-card > table').sort()).toEqual(['css-selector-child', 'css-selector-class', 'css-selector-type']);
    expect(selectorSlugs('a:hover .x').sort()).toEqual([
      'css-pseudo-class-hover',
      'css-selector-chaining',
      'css-selector-class',
      'css-selector-descendant',
      'css-selector-type',
    ]);
  });
});

const at = (
  html: string,
  clients: readonly ClientId[] = ['outlook-windows', 'gmail-web', 'yahoo-web', 'samsung-email'],
  templates: Record<string, string> = {},
) => clientSupport(html, { clients, templates });

describe('client support of a snippet', () => {
  it('an inline opacity a template brings in: Outlook for Windows lacks it, no fallback, the template named', () => {
    const report = at('<div style="color:#fff;opacity:0.9;">x</div>', undefined, {
      'partials/masthead.mjml.hbs': '<div style="color:#ffffff;opacity:0.9;">{{date}}</div>',
    });
    expect(report.features.find((f) => f.slug === 'css-opacity')).toEqual({
      slug: 'css-opacity',
      title: 'opacity',
      url: 'https://www.caniemail.com/features/css-opacity/',
      lacking: ['outlook-windows'],
      partial: [],
      fallbacks: [],
      uncovered: ['outlook-windows'],
      sources: ['emails/templates/partials/masthead.mjml.hbs'],
      uncoveredSources: ['emails/templates/partials/masthead.mjml.hbs'],
      examples: ['opacity:0.9'],
      notes: [],
    });
    expect(clientSupportWarnings(report)).toEqual([
      'opacity (opacity:0.9) is not supported in Outlook Windows and the HTML has no fallback; it comes from emails/templates/partials/masthead.mjml.hbs: use a solid colour blended with the background (e.g. color: a lighter tint instead of opacity)',
    ]);
  });

  it("a declaration counts as the template's only where the template has it whole (opacity:0 is not in opacity:0.9)", () => {
    const report = at('<div style="opacity:0">x</div>', ['outlook-windows'], { 'a.mjml.hbs': 'opacity:0.9;' });
    expect(report.features.map((f) => [f.slug, f.sources])).toEqual([['css-opacity', ["MJML's output"]]]);
  });

  it("MJML's Outlook conditional tables cover what MJML itself writes, for Outlook for Windows only", () => {
    const report = at('<!--[if mso | IE]><table><tr><td><![endif]--><div style="max-height:0px;">x</div>', ['outlook-windows']);
    expect(report.features.map((f) => [f.slug, f.fallbacks, f.uncovered])).toEqual([
      ['css-max-height', [{ client: 'outlook-windows', how: "MJML's <!--[if mso | IE]> tables" }], []],
    ]);
    expect(clientSupportWarnings(report)).toEqual([]);
    expect(at('<div style="max-height:0px;">x</div>', ['outlook-windows']).features[0]?.uncovered).toEqual(['outlook-windows']);
  });

  it("markup between <!--[if !mso]><!--> and <!--<![endif]--> is not Outlook for Windows' problem", () => {
    const report = at('<!--[if !mso]><!--><div style="opacity:0.5">x</div><!--<![endif]-->', ['outlook-windows'], { 't.hbs': 'opacity:0.5' });
    expect(report.features.find((f) => f.slug === 'css-opacity')?.fallbacks).toEqual([
      { client: 'outlook-windows', how: 'hidden from Outlook by <!--[if !mso]>' },
    ]);
  });

  it('an @media rule has the inline styles as its fallback; a declaration inside it too', () => {
    const report = at('<style>@media (prefers-reduced-motion: reduce) { .a > b { opacity: 1 } }</style><b class="a">x</b>', ['outlook-windows']);
    expect(report.features.map((f) => [f.slug, f.fallbacks.map((fb) => fb.how)])).toEqual([
      ['css-at-media-prefers-reduced-motion', ['inline styles stand without the @media rule']],
      ['css-at-media', ['inline styles stand without the @media rule']],
      ['css-opacity', ['inline styles stand without the @media rule']],
      ['css-selector-child', ['inline styles stand without the @media rule']],
      ['html-style', []], // partly supported there: no lacking client, no fallback to look for
    ]);
  });

  it('word-break with word-wrap beside it is covered where the client reads word-wrap (Yahoo), and not without', () => {
    const covered = at('<a style="word-break:break-word;word-wrap:break-word;">x</a>', ['yahoo-web']);
    expect(covered.features.find((f) => f.slug === 'css-word-break')?.fallbacks).toEqual([{ client: 'yahoo-web', how: 'word-wrap beside it' }]);
    const bare = at('<a style="word-break:break-word;">x</a>', ['yahoo-web']);
    expect(clientSupportWarnings(bare)).toEqual([
      "word-break (word-break:break-word) is not supported in Yahoo web and the HTML has no fallback; it comes from MJML's output: use word-wrap:break-word beside it (Yahoo and new Outlook read that one)",
    ]);
  });

  it("a style inside a text section's Markdown comes from the content", () => {
    const report = at('<div class="nl-md"><p><a style="white-space:nowrap">x</a></p></div>', ['samsung-email']);
    expect(report.features.map((f) => [f.slug, f.sources])).toEqual([['css-white-space', ["content: a text section's Markdown"]]]);
  });

  it('lists every feature used, sorted, and the table has a header and one row per flagged feature', () => {
    const report = at('<!doctype html><html lang="en"><body><p style="white-space:nowrap">x</p></body></html>', ['samsung-email']);
    expect(report.used).toEqual(['css-white-space', 'html-body', 'html-doctype', 'html-lang', 'html-p']);
    expect(clientSupportTable(report)).toEqual([
      'feature        lacking        partial  fallback                                                                             source',
      "white-space    Samsung Email  -        NONE for Samsung Email                                                               MJML's output",
      "HTML5 doctype  Samsung Email  -        Samsung Email: not needed: the client renders in its own mode, MJML writes for both  MJML's output",
    ]);
  });
});

describe('the newsletter setting clients:', () => {
  const base = {
    name: 'N',
    organisation: 'O',
    sender: { name: 'S', address: 's@example.com' },
    locale: 'en',
    brandColor: '#123456',
    postalAddress: 'A',
    footer: { source: 'O', disclaimer: 'D' },
    archiveUrl: 'https://example.com/issues',
  };
  it('is optional, takes known clients and refuses others and an empty list', () => {
    expect(newsletterSchema.parse(base).clients).toBeUndefined();
    expect(newsletterSchema.parse({ ...base, clients: ['gmail-web', 'outlook-windows'] }).clients).toEqual(['gmail-web', 'outlook-windows']);
    expect(newsletterSchema.parse({ ...base, clients: ['gmail-web', 'outlook-windows', 'gmail-web'] }).clients).toEqual(['gmail-web', 'outlook-windows']);
    const bad = newsletterSchema.safeParse({ ...base, clients: ['gmail-web', 'lotus-notes'] });
    expect(bad.success ? [] : bad.error.issues.map((i) => [i.path.join('.'), i.message.slice(0, 40)])).toEqual([
      ['clients.1', 'must be one of gmail-web, gmail-ios, gma'],
    ]);
    expect(newsletterSchema.safeParse({ ...base, clients: [] }).success).toBe(false);
  });
});

describe('the model issue', () => {
  it('masthead colour: white at 90 % over the brand colour, as a browser blends it', () => {
    expect(mixColours('#ffffff', '#2b5fd9', 0.9)).toBe('#eaeffb');
  });

  it('its report is stable: the features found and the table', async () => {
    const { issue, newsletter, templates } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
    const rendered = await createRenderer(templates, { assetsUrl: 'https://news.example.test/assets', encodedSizes }).renderIssue(issue, newsletter);
    const report = clientSupport(rendered.html, { clients: DEFAULT_CLIENTS, templates: templates.files });
    const text = [`used: ${report.used.join(' ')}`, '', ...clientSupportTable(report), '', ...clientSupportWarnings(report), ''].join('\n');
    await expect(text).toMatchFileSnapshot('../fixtures/golden/pretrain-weekly-064.client-support.txt');
  });
});
