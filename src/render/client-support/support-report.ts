// The client-support report of a rendered email: each caniemail feature the HTML uses, which
// target clients lack it or support it partly, whether the HTML carries a fallback for them, and
// where it comes from (a template under emails/templates, a text section's Markdown, or MJML's
// own output). A feature a target lacks with no fallback is a lint warning.
import { caniemailData, supportOf } from './caniemail-data.ts';
import { CLIENTS, type ClientId } from '../../content/client-list.ts';
import { scanHtml, type Usage } from './scan-html.ts';

export interface FeatureSupport {
  slug: string;
  title: string;
  url: string;
  /** Targets caniemail says do not support it (latest tested version). */
  lacking: ClientId[];
  partial: ClientId[];
  /** Lacking targets the HTML covers, each with how. */
  fallbacks: Array<{ client: ClientId; how: string }>;
  /** Lacking targets with no fallback. */
  uncovered: ClientId[];
  /** `emails/templates/<file>`, `content: a text section's Markdown` or `MJML's output`. */
  sources: string[];
  /** Where the uses without a fallback come from (what a warning names). */
  uncoveredSources: string[];
  /** Examples of what was found: declarations, selectors, elements. */
  examples: string[];
  /** caniemail's notes on the lacking targets' results (e.g. what Yahoo does instead). */
  notes: string[];
}

export interface ClientSupportReport {
  clients: ClientId[];
  /** caniemail's data date. */
  dataDate: string;
  /** Every feature used that some target lacks or supports partly, in caniemail's order. */
  features: FeatureSupport[];
  /** Every feature slug the HTML uses, sorted (for a stable snapshot). */
  used: string[];
}

export const MJML_SOURCE = "MJML's output";
export const MARKDOWN_SOURCE = "content: a text section's Markdown";

/** What to write instead, for the features a template is likely to bring in. */
const INSTEAD: Record<string, string> = {
  'css-opacity': 'a solid colour blended with the background (e.g. color: a lighter tint instead of opacity)',
  'css-word-break': 'word-wrap:break-word beside it (Yahoo and new Outlook read that one)',
  'css-white-space': '&nbsp; between the words that must stay together',
  'css-outline': 'border:0 alone (outline is ignored there and not needed on images)',
  'css-display-none': 'a conditional comment or leaving the element out',
  'css-max-width': 'a fixed width attribute, or MJML columns (which carry Outlook tables)',
  'css-background-image': 'a background colour, or an <img>',
  'css-border-radius': 'square corners (the design should stand without them)',
  'css-at-media': 'inline styles that work without the @media rule',
  'css-box-shadow': 'a border',
  'css-position': 'tables for layout',
  'css-display-flex': 'tables or MJML columns',
  'css-display-grid': 'tables or MJML columns',
};

function templateSources(usage: Usage, templates: Record<string, string>): string[] {
  const out: string[] = [];
  const needles: string[] = [];
  if (usage.origin !== 'html' && usage.what.includes(':') && !/^[.#:[*a-z][^:]*\s/.test(usage.what)) {
    const [property = '', ...rest] = usage.what.split(':');
    const value = rest.join(':').replace(/ !important$/, '');
    needles.push(`${property}:${value}`, `${property}="${value}"`);
    if (usage.origin === 'style-element') needles.push(`${property}: ${value}`);
  } else if (usage.origin === 'html' && /^<[a-z0-9]+>$/.test(usage.what)) {
    needles.push(`<${usage.what.slice(1, -1)} `, `<${usage.what.slice(1, -1)}>`);
  } else if (usage.origin === 'html' && /^[a-z-]+=$/.test(usage.what)) {
    needles.push(` ${usage.what}"`);
  } else if (usage.what === '<meta name="color-scheme">') {
    needles.push('name="color-scheme"');
  } else if (usage.origin === 'style-element') {
    needles.push(usage.what);
  }
  // A needle counts where it ends: `font-size:1px` is not in `font-size:14px`, `opacity:0` not in `opacity:0.9`.
  const patterns = needles.filter(Boolean).map((n) => new RegExp(`${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.%-])`, 'i'));
  for (const [file, text] of Object.entries(templates)) {
    if (patterns.some((re) => re.test(text))) out.push(`emails/templates/${file}`);
  }
  return out;
}

export function sourceOf(usage: Usage, templates: Record<string, string>): string[] {
  const found = templateSources(usage, templates);
  if (found.length) return found;
  return [usage.inMarkdown ? MARKDOWN_SOURCE : MJML_SOURCE];
}

export function clientSupport(html: string, opts: { clients: readonly ClientId[]; templates: Record<string, string> }): ClientSupportReport {
  const data = caniemailData();
  const { usages, hasOutlookConditionals } = scanHtml(html, (slug) => data.bySlug.has(slug));
  const bySlug = new Map<string, Usage[]>();
  for (const u of usages) bySlug.set(u.slug, [...(bySlug.get(u.slug) ?? []), u]);
  const features: FeatureSupport[] = [];
  for (const [slug, feature] of data.bySlug) {
    const uses = bySlug.get(slug);
    if (!uses) continue;
    const lacking: ClientId[] = [];
    const partial: ClientId[] = [];
    const notes = new Set<string>();
    for (const client of opts.clients) {
      const { support, notes: said } = supportOf(feature, client);
      if (support === 'no') for (const note of said) notes.add(`${clientLabel(client)}: ${note}`);
      if (support === 'no') lacking.push(client);
      else if (support === 'partial') partial.push(client);
    }
    if (!lacking.length && !partial.length) continue;
    const sourcesOf = new Map(uses.map((u) => [u, sourceOf(u, opts.templates)]));
    const fallbacks: FeatureSupport['fallbacks'] = [];
    const uncovered: ClientId[] = [];
    const bare = new Set<Usage>();
    for (const client of lacking) {
      const { how, without } = fallbackFor(client, uses, sourcesOf, hasOutlookConditionals);
      if (without.length === 0) fallbacks.push({ client, how });
      else uncovered.push(client);
      for (const u of without) bare.add(u);
    }
    const uncoveredSources = [...new Set([...bare].flatMap((u) => sourcesOf.get(u) ?? []))].sort();
    const sources = [...new Set(uses.flatMap((u) => sourcesOf.get(u) ?? []))].sort();
    const examples = [...new Set(uses.map((u) => u.what))].slice(0, 3);
    features.push({
      slug,
      title: feature.title,
      url: feature.url,
      lacking,
      partial,
      fallbacks,
      uncovered,
      sources,
      uncoveredSources,
      examples,
      notes: [...notes],
    });
  }
  return { clients: [...opts.clients], dataDate: data.lastUpdate, features, used: [...bySlug.keys()].sort() };
}

/**
 * Features whose absence costs the reader nothing the HTML relies on: the client just ignores them.
 * Shown as the fallback for every target that lacks them.
 */
const NOT_NEEDED: Record<string, string> = {
  'css-color-scheme': 'not needed: the light-mode inline styles stand',
  'html-meta-color-scheme': 'not needed: the light-mode inline styles stand',
  'css-at-media-prefers-color-scheme': 'not needed: the light-mode inline styles stand',
  'html-doctype': 'not needed: the client renders in its own mode, MJML writes for both',
  'html-aria-label': 'not needed: only screen readers use it, the content reads without it',
};

/** Declarations that stand in for a feature where the same style carries them (and the client has them). */
const ALTERNATIVES: Record<string, Array<{ besides: string; slug: string }>> = {
  'css-word-break': [
    { besides: 'word-wrap', slug: 'css-word-wrap' },
    { besides: 'overflow-wrap', slug: 'css-overflow-wrap' },
  ],
  'css-word-wrap': [{ besides: 'word-break', slug: 'css-word-break' }],
  'css-max-width': [{ besides: 'width=', slug: 'html-width' }],
};

/** How the HTML copes without the feature in this client, and the uses it has no fallback for. */
function fallbackFor(client: ClientId, uses: Usage[], sources: Map<Usage, string[]>, hasOutlookConditionals: boolean): { how: string; without: Usage[] } {
  const slug = uses[0]?.slug ?? '';
  if (NOT_NEEDED[slug]) return { how: NOT_NEEDED[slug], without: [] };
  const ways = new Set<string>();
  const without: Usage[] = [];
  for (const u of uses) {
    const alternatives = (ALTERNATIVES[slug] ?? []).filter((a) => u.besides.includes(a.besides) && supported(a.slug, client));
    if (slug === 'html-body' && (sources.get(u) ?? []).every((s) => s === MJML_SOURCE)) ways.add("MJML repeats <body>'s background on its wrapper <div>");
    // Yahoo's bug turns a height into a min-height: for `auto` that is min-height:auto, the default.
    else if (slug === 'css-height' && client === 'yahoo-web' && /^height:\s*auto\b/i.test(u.what))
      ways.add('not needed: height:auto becomes min-height:auto, the default');
    else if (alternatives.length) ways.add(`${alternatives.map((a) => a.besides.replace(/=$/, ' attribute')).join(', ')} beside it`);
    else if (u.inMedia) ways.add('inline styles stand without the @media rule');
    else if (client === 'outlook-windows' && u.hiddenFromOutlook) ways.add('hidden from Outlook by <!--[if !mso]>');
    else if (client === 'outlook-windows' && hasOutlookConditionals && (sources.get(u) ?? []).every((s) => s === MJML_SOURCE))
      ways.add("MJML's <!--[if mso | IE]> tables");
    else without.push(u);
  }
  return { how: [...ways].join('; '), without };
}

function supported(slug: string, client: ClientId): boolean {
  const feature = caniemailData().bySlug.get(slug);
  const { support } = feature ? supportOf(feature, client) : { support: 'unknown' };
  return support === 'yes' || support === 'partial';
}

export function clientLabel(client: ClientId): string {
  return CLIENTS[client].label;
}

/** The lint warnings: one per feature some target lacks with no fallback. */
export function clientSupportWarnings(report: ClientSupportReport): string[] {
  return report.features
    .filter((f) => f.uncovered.length)
    .map((f) => {
      const instead = INSTEAD[f.slug] ? `use ${INSTEAD[f.slug]}` : `see ${f.url}`;
      const notes = f.notes.filter((n) => f.uncovered.some((c) => n.startsWith(`${clientLabel(c)}: `)));
      return `${f.title} (${f.examples.join(', ')}) is not supported in ${f.uncovered.map(clientLabel).join(', ')}${notes.length ? ` (caniemail: ${notes.join('; ')})` : ''} and the HTML has no fallback; it comes from ${f.uncoveredSources.join(', ')}: ${instead}`;
    });
}
