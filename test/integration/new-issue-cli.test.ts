// `newsletter new`: the next issue's draft written beside the others in a copy of emails/, from
// the latest issue's structure or empty; lint then names what to fill, and nothing is overwritten.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bareEnv, runCli } from '../helpers/cli.ts';

let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: bareEnv() });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'new-issue-'));
  await cp(resolve(import.meta.dirname, '..', '..', 'emails'), join(dir, 'emails'), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('newsletter new', () => {
  it("writes issue 65 from issue 64's sections, items emptied, linking back to 64; lint names the empty lists", async () => {
    const run = await cli('new', 'pretrain-weekly');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^emails\/issues\/pretrain-weekly-065\.yaml: issue 65 of pretrain-weekly, dated \d{4}-\d{2}-\d{2}, from the sections of issue 64\n/,
    );
    const draft = parse(await readFile(join(dir, 'emails/issues/pretrain-weekly-065.yaml'), 'utf8')) as {
      number: number;
      date: string;
      subject: string;
      banner?: unknown;
      sections: Array<Record<string, unknown>>;
    };
    const sample = parse(await readFile(join(dir, 'emails/issues/pretrain-weekly-064.yaml'), 'utf8')) as { sections: Array<Record<string, unknown>> };
    expect(draft).toMatchObject({ number: 65, subject: '《预训练周刊》第65期:' });
    expect(new Date(`${draft.date}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday, as issue 64 (2022-11-07)
    expect(draft.banner).toBeUndefined();
    expect(draft.sections.map((s) => s.kind)).toEqual(sample.sections.map((s) => s.kind));
    const papers = draft.sections.find((s) => s.kind === 'papers') as { groups: Array<{ field: string; papers: unknown[] }> };
    expect(papers.groups).toEqual([
      { field: '【CV研究】', papers: [] },
      { field: '【NLP研究】', papers: [] },
      { field: '【生命科学研究】', papers: [] },
    ]);
    expect(draft.sections.at(-1)).toEqual({
      kind: 'navigation',
      previous: { title: '《预训练周刊》第64期', url: 'https://pretrain-weekly.example/issues/pretrain-weekly-064' },
    });

    const lint = await cli('lint', 'emails/issues/pretrain-weekly-065.yaml');
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain('sections[6].groups[0].papers: error: group "【CV研究】" has no papers: add one or remove the group');
    expect(lint.stdout).toContain('events: error: events section has no events');
  });

  it('--empty writes a skeleton, the next number on; a file already there is never replaced', async () => {
    const run = await cli('new', 'pretrain-weekly', '--empty');
    expect(run.code).toBe(0);
    expect(parse(await readFile(join(dir, 'emails/issues/pretrain-weekly-066.yaml'), 'utf8'))).toMatchObject({
      number: 66,
      sections: [
        { kind: 'text', markdown: '' },
        { kind: 'navigation', previous: { url: 'https://pretrain-weekly.example/issues/pretrain-weekly-065' } },
      ],
    });
    // Someone's notes under the next file name (not an issue yet): kept, and the command says so.
    await writeFile(join(dir, 'emails/issues/pretrain-weekly-067.yaml'), 'notes: [not an issue\n');
    const refused = await cli('new', 'pretrain-weekly');
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'newsletter: emails/issues/pretrain-weekly-067.yaml exists already; edit it, or remove it to start again\n',
    });
    expect(await readFile(join(dir, 'emails/issues/pretrain-weekly-067.yaml'), 'utf8')).toBe('notes: [not an issue\n');
  });

  it('names an unknown newsletter in one line, and refuses two contrary options', async () => {
    expect(await cli('new', 'no-such-letter')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'newsletter: no newsletter "no-such-letter": emails/newsletters/no-such-letter.yaml does not exist\n',
    });
    expect(await cli('new', 'field-notes', '--empty', '--from-latest')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'newsletter: --from-latest and --empty: choose one\n',
    });
  });
});
