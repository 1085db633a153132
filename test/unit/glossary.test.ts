// CONTEXT.md names every section kind an issue may hold (src/content/schema.ts), each as a term
// of its own with the words to avoid for it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECTION_KINDS } from '../../src/content/schema.ts';

const glossary = readFileSync(new URL('../../CONTEXT.md', import.meta.url), 'utf8');

describe('CONTEXT.md', () => {
  it('has an entry for every section kind', () => {
    expect(SECTION_KINDS.filter((kind) => !glossary.includes(`section** (\`${kind}\`):`))).toEqual([]);
  });

  it('gives every term the words to avoid', () => {
    const terms = glossary.split('\n').filter((line) => /^\*\*[^*]+\*\*.*:$/.test(line));
    const entries = glossary.split(/\n(?=\*\*[^*\n]+\*\*[^\n]*:\n)/).slice(1);
    expect(terms.length).toBeGreaterThan(30);
    expect(entries.filter((entry) => !/\n_Avoid_: /.test(entry)).map((entry) => entry.split('\n')[0])).toEqual([]);
  });
});
