// src/render is pure (docs/architecture.md, Rooms of src/). It must not reach mail, campaign,
// subscribers, http or the file system, directly or through the project files it imports.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const FORBIDDEN = /^(node:)?(fs|fs\/promises|net|http|https|child_process)$|\/(mail|campaign|subscribers|http|redis)\//;

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe('src/render imports', () => {
  it('reach nothing from mail, campaign, subscribers, http, redis or node:fs, transitively', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        const target = spec.startsWith('.') ? resolve(dirname(file), spec) : spec;
        if (FORBIDDEN.test(spec.startsWith('.') ? relative(root, target).replace(/^src\//, '/') : spec)) offending.push(`${relative(root, file)} → ${spec}`);
        else if (spec.startsWith('.')) visit(target);
      }
    };
    visit(join(root, 'src/render/index.ts'));
    expect(seen.size).toBeGreaterThan(8);
    expect(offending).toEqual([]);
  });
});

describe("nodemailer's private modules", () => {
  it('are imported by src/mail/nodemailer-internals.ts alone', () => {
    const files = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
      .map((f) => join('src', f))
      .concat((readdirSync(join(root, 'workers')) as string[]).map((f) => join('workers', f)));
    const importers = files.filter((f) => f.endsWith('.ts') && importsOf(join(root, f)).some((spec) => spec.startsWith('nodemailer/lib/')));
    expect(importers).toEqual([join('src', 'mail', 'nodemailer-internals.ts')]);
  });
});
