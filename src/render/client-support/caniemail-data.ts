// caniemail.com's feature data, as the pinned `caniemail` package ships it: read once, on first
// use, straight from its JSON (the package's own checker is not used). Updating the data is a
// version bump of that package.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLIENTS, type ClientId } from '../../content/client-list.ts';

export interface CaniemailFeature {
  slug: string;
  title: string;
  url: string;
  category: string;
  /** family → platform → version → "y" | "n" | "a" | "u", with note numbers such as "a #1". */
  stats: Record<string, Record<string, Record<string, string>>>;
  notes_by_num: Record<string, string> | null;
}

export interface CaniemailData {
  lastUpdate: string;
  bySlug: Map<string, CaniemailFeature>;
}

let data: CaniemailData | undefined;

export function caniemailData(): CaniemailData {
  if (data) return data;
  // The package's "./caniemail.json" export points at a file it does not ship; its data sits in dist/data.
  const root = dirname(createRequire(import.meta.url).resolve('caniemail/package.json'));
  const json = JSON.parse(readFileSync(join(root, 'dist', 'data', 'caniemail.json'), 'utf8')) as { last_update_date: string; data: CaniemailFeature[] };
  data = { lastUpdate: json.last_update_date, bySlug: new Map(json.data.map((f) => [f.slug, f])) };
  return data;
}

export type Support = 'yes' | 'partial' | 'no' | 'unknown';

/** The latest tested version's result for a client (caniemail lists versions oldest first). */
export function supportOf(feature: CaniemailFeature, client: ClientId): { support: Support; notes: string[] } {
  const [family, platform] = CLIENTS[client].key.split('.') as [string, string];
  const versions = feature.stats[family]?.[platform];
  const results = versions ? Object.values(versions) : [];
  const latest = results.at(-1);
  if (latest === undefined) return { support: 'unknown', notes: [] };
  const [code = 'u', ...rest] = latest.trim().split(/\s+/);
  const notes = rest
    .map((n) => n.replace(/^#/, ''))
    .map((n) => feature.notes_by_num?.[n])
    .filter((n): n is string => Boolean(n));
  const support: Support = code === 'y' ? 'yes' : code === 'a' ? 'partial' : code === 'n' ? 'no' : 'unknown';
  return { support, notes };
}
