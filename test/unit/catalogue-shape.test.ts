// The three message catalogues (src/render/locales/catalogue.ts) have one shape: types.ts (which
// imports no language file), one file per language typed by it, and index.ts with the catalogue.
// So no import runs in a circle, and a new language is one file plus its line in index.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Each surface's folder, with the files in it that are neither a language nor types/index. */
const SURFACES: Record<string, string[]> = {
  'src/render/locales': ['catalogue.ts', 'format.ts', 'locale-list.ts'],
  'src/http/views/page-messages': [],
  'src/console/console-messages': [],
};

const siblingImports = (source: string) => [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]\.\/([^'"]+)['"]/gm)].map((m) => m[1]!);

describe.each(Object.entries(SURFACES))('the catalogue in %s', (dir, helpers) => {
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts'));
  const read = (f: string) => readFileSync(join(root, dir, f), 'utf8');
  const languages = files.filter((f) => !['types.ts', 'index.ts', ...helpers].includes(f));

  it('has types.ts and index.ts, and index.ts holds a Catalogue of every language file', () => {
    expect(files).toContain('types.ts');
    expect(read('index.ts')).toMatch(/: Catalogue<\w+, \w+> = \{/);
    expect(siblingImports(read('index.ts'))).toEqual(expect.arrayContaining(languages));
  });

  it('declares its types without importing a language file or the index', () => {
    expect(siblingImports(read('types.ts')).filter((f) => !helpers.includes(f))).toEqual([]);
  });

  it('has one typed object per language file, which imports neither the index nor another language', () => {
    expect(languages.length).toBeGreaterThanOrEqual(2);
    for (const f of languages) {
      expect(read(f), f).toMatch(/^export const \w+: \w+ = \{/m);
      expect(
        siblingImports(read(f)).filter((s) => s !== 'types.ts' && !helpers.includes(s)),
        f,
      ).toEqual([]);
    }
  });
});
