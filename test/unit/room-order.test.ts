// Imports run one way: every file of src/ imports only from its own room or from rooms on a lower
// floor (docs/architecture.md, "Rooms"). A room a file imports from that is on its own floor or
// higher fails here, named, and so does a top-level entry of src/ that has no floor yet.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/** Bottom up: a room may import from the floors below its own. */
const FLOORS: readonly (readonly string[])[] = [
  ['errors.ts', 'logging', 'crypto'],
  ['config', 'content', 'metrics'],
  ['redis', 'render', 'preview'],
  ['mail', 'reports', 'studio'],
  ['subscribers'],
  ['campaign', 'delivery-reports', 'team'],
  ['archive', 'bench', 'use-cases'],
  ['http', 'worker', 'doctor'],
  ['console'],
  ['server'],
  ['dev'],
  ['cli'],
];
const floorOf = new Map(FLOORS.flatMap((rooms, floor) => rooms.map((room) => [room, floor] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const roomOf = (path: string) => relative(SRC, path).split(sep)[0]!;
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

describe('room order', () => {
  it('gives every top-level entry of src/ a floor', () => {
    const entries = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.name.endsWith('.ts'))
      .map((e) => e.name);
    expect(entries.filter((name) => !floorOf.has(name) && sourceFiles(SRC).some((f) => roomOf(f) === name))).toEqual([]);
  });

  it('has no import from a room on the same floor or above', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const room = roomOf(file);
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = normalize(join(dirname(file), match[1]!));
        if (!target.startsWith(SRC + sep)) continue;
        const to = roomOf(target);
        if (to !== room && (floorOf.get(to) ?? Number.POSITIVE_INFINITY) >= (floorOf.get(room) ?? Number.NEGATIVE_INFINITY))
          upward.push(`${relative(SRC, file)} imports ${match[1]} (${to} is not below ${room})`);
      }
    }
    expect(upward).toEqual([]);
  });
});
