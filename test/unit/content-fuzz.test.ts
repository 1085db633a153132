// Editors paste anything: seeded random mutations of the sample issue (values replaced by odd
// strings, numbers, dates, nesting, deleted or unknown keys) either load and render, or fail
// with a ContentError whose every problem is one line naming file and line, never another
// exception or a stack trace.
import { mkdtemp, readFile, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError, loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { createRenderer } from '../../src/render/index.ts';

let dir: string;
let sample: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'content-fuzz-'));
  await cp('emails', dir, { recursive: true });
  sample = parse(await readFile('emails/issues/pretrain-weekly-064.yaml', 'utf8')) as Record<string, unknown>;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every path to a value in the parsed issue. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = at.length ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...at, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))];
  return here;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
}

const odd = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    'javascript:alert(1)',
    'data:text/html,x',
    '2022-13-45',
    '2022-02-30',
    '{{#each x}}',
    '<script>x</script>',
    '%%NL_NAME%%',
    '../../etc/passwd',
    'n'.repeat(5000),
    '\u0000',
    '\r\n',
  ),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

describe('mutated issue files', () => {
  it('load (and render) or fail with ContentError lines: 150 seeded runs', async () => {
    const all = paths(sample);
    const renderer = createRenderer((await loadIssueFile(join(dir, 'issues', 'pretrain-weekly-064.yaml'))).templates, { encodedSizes });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(all.length - 1), odd, fc.boolean()), { minLength: 1, maxLength: 3 }), async (mutations) => {
        const copy = structuredClone(sample);
        for (const [i, value, remove] of mutations) {
          try {
            setAt(copy, all[i]!, value, remove);
          } catch {
            // the path is gone after an earlier mutation: fine, skip it
          }
        }
        const file = join(dir, 'issues', `fuzz-${n++}.yaml`);
        await writeFile(file, stringify(copy));
        try {
          const loaded = await loadIssueFile(file);
          const rendered = await renderer.renderIssue(loaded.issue, loaded.newsletter);
          expect(rendered.html).toContain('<html');
        } catch (error) {
          expect(error, String((error as Error)?.stack)).toBeInstanceOf(ContentError);
          const { message, problems } = error as ContentError;
          expect(message.startsWith(`${file}:`), message).toBe(true);
          expect(message.split('\n')).toHaveLength(problems.length === 1 ? 1 : problems.length + 1);
          for (const p of problems) {
            expect(p.file).toBe(file);
            expect(p.line).toBeGreaterThan(0);
            expect(p.problem).not.toContain('\n');
          }
        }
      }),
      { seed: 42, numRuns: 150 },
    );
  });
});
