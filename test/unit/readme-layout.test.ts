// README's map of src/ ("How it is built") lists every top-level entry of src/, and nothing
// that is not there: a room added, moved or removed without the map fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The `src/…` entries named at the start of the lines of the first code block after "## How it is built". */
function layoutEntries(readme: string): string[] {
  const section = readme.split(/^## How it is built$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /^```\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? '';
  return [...block.matchAll(/^src\/([^\s/]+)/gm)].map((m) => m[1]!);
}

describe("README's layout", () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const listed = layoutEntries(readme);
  // An empty folder is not in git (a move may leave one behind on a working copy): not an entry.
  const src = new URL('src/', root);
  const isEmptyDir = (name: string) => statSync(new URL(name, src)).isDirectory() && readdirSync(new URL(`${name}/`, src)).length === 0;
  const actual = readdirSync(src).filter((name) => !name.startsWith('.') && !isEmptyDir(name));

  it('is found', () => {
    expect(listed.length).toBeGreaterThan(5);
  });

  it('names every top-level entry of src/', () => {
    expect(actual.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it('names nothing that is not in src/', () => {
    expect(listed.filter((name) => !actual.includes(name))).toEqual([]);
  });
});
