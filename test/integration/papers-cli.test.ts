// `newsletter papers add` end to end: the CLI (bin/newsletter.js) edits an issue in a copy of
// emails/ in place, looking papers up on a local server that answers as arXiv does
// (ARXIV_API_URL); one line per paper; any failure exits 1 and leaves the file as it was.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { freePort } from '../../src/dev/free-port.ts';
import { fixtureFeed, startArxivServer, type ArxivServer } from '../helpers/arxiv-server.ts';
import { bareEnv, runCli } from '../helpers/cli.ts';

const ISSUE = 'emails/issues/pretrain-weekly-065.yaml';

let dir: string;
let server: ArxivServer | undefined;
let original: string;

const cli = (env: Record<string, string>, ...args: string[]) => runCli(args, { cwd: dir, env: bareEnv(env) });

const arxiv = () => ({ ARXIV_API_URL: server!.url });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'papers-add-'));
  await cp(resolve(import.meta.dirname, '..', '..', 'emails'), join(dir, 'emails'), { recursive: true });
  // Issue 64 as issue 65 with four of its arXiv papers taken out (2210.14803 stays in 【NLP研究】).
  const doc = parseDocument(await readFile(join(dir, 'emails/issues/pretrain-weekly-064.yaml'), 'utf8'));
  doc.set('number', 65);
  doc.deleteIn(['sections', 6, 'groups', 0, 'papers', 0]);
  for (let i = 0; i < 4; i++) doc.deleteIn(['sections', 6, 'groups', 1, 'papers', 1]);
  original = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  await writeFile(join(dir, ISSUE), original);
  server = await startArxivServer();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fileNow = () => readFile(join(dir, ISSUE), 'utf8');

describe('newsletter papers add', () => {
  it('adds each pasted paper to the group of its primary category, flags those an earlier issue carried, skips one already there, and the file passes lint', async () => {
    const paste = 'https://arxiv.org/abs/2210.13463v1 2210.12607,http://export.arxiv.org/pdf/2210.12403.pdf\n2210.14803v2';
    const run = await cli(arxiv(), 'papers', 'add', ISSUE, paste, 'arXiv:2210.11610v2');
    expect(run.stdout.split('\n')).toEqual([
      'added   2210.13463v1 → 【CV研究】 (sections[6].groups[0].papers[1]): Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future (note: already in an earlier issue, pretrain-weekly-064)',
      'added   2210.12607 → 【NLP研究】 (sections[6].groups[1].papers[1]): Learning to Perform Complex Tasks through Compositional Fine-Tuning of Language Models (note: already in an earlier issue, pretrain-weekly-064)',
      'added   2210.12403 → 【NLP研究】 (sections[6].groups[1].papers[2]): PATS: Sensitivity-aware Noisy Learning for Pretrained Language Models (note: already in an earlier issue, pretrain-weekly-064)',
      'skipped 2210.14803v2 already in the issue (sections[6].groups[1].papers[0])',
      'added   2210.11610v2 → 【NLP研究】 (sections[6].groups[1].papers[3]): Large Language Models Can Self-Improve (note: already in an earlier issue, pretrain-weekly-064)',
      '',
    ]);
    expect(run.stderr).toMatch(/^emails\/issues\/pretrain-weekly-065\.yaml: 4 added; each summary is the arXiv abstract/);
    expect(run.code).toBe(0);
    expect(server!.requests).toHaveLength(1);

    const text = await fileNow();
    // Everything that was there is still there, comments first.
    expect(text.startsWith(original.slice(0, original.indexOf('sections:')))).toBe(true);
    const issue = parse(text) as { sections: Array<{ kind: string; groups?: Array<{ field: string; papers: Array<Record<string, unknown>> }> }> };
    const groups = issue.sections[6]!.groups!;
    expect(groups.map((g) => [g.field, g.papers.map((p) => p.detailsUrl)])).toEqual([
      ['【CV研究】', ['https://pretrain-weekly.example/papers/ssl-on-wheels', 'https://arxiv.org/abs/2210.13463v1']],
      [
        '【NLP研究】',
        [
          'https://pretrain-weekly.example/papers/2210.14803',
          'https://arxiv.org/abs/2210.12607',
          'https://arxiv.org/abs/2210.12403',
          'https://arxiv.org/abs/2210.11610v2',
        ],
      ],
      ['【生命科学研究】', ['https://pretrain-weekly.example/papers/coling-2022-284']],
    ]);
    expect(groups[1]!.papers[2]).toMatchObject({
      affiliations: ['Beihang University', 'Meituan'],
      url: 'https://arxiv.org/pdf/2210.12403',
      summaryDraft: 'arxiv-abstract',
    });

    const lint = await cli({}, 'lint', ISSUE);
    expect(lint.code).toBe(0);
    expect(lint.stdout.split('\n').filter((l) => l.includes('arXiv abstract'))).toHaveLength(4);

    // Again: all four are there now, any version.
    const again = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463', 'https://arxiv.org/abs/2210.12607v3');
    expect(again.stdout).toBe(
      'skipped 2210.13463 already in the issue (sections[6].groups[0].papers[1])\nskipped 2210.12607v3 already in the issue (sections[6].groups[1].papers[1])\n',
    );
    expect(again.stderr).toBe('emails/issues/pretrain-weekly-065.yaml: nothing to add\n');
    expect(again.code).toBe(0);
    expect(await fileNow()).toBe(text);
  });

  it('writes nothing and exits 1 when one item fails: no id, not on arXiv, or a category without a group', async () => {
    const run = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463 https://example.org/abs/2210.12607 2210.99999 2301.00001');
    expect(run.stdout).toBe(
      [
        'added  2210.13463 → 【CV研究】 (sections[6].groups[0].papers[1]): Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future (note: already in an earlier issue, pretrain-weekly-064)',
        'failed https://example.org/abs/2210.12607 item 2 (line 1, column 12) is a link to example.org, not to arXiv: paste an arxiv.org abs or pdf link, or the id (e.g. 2401.01234, 2401.01234v2, cs/0112017 or https://arxiv.org/abs/2401.01234)',
        'failed 2210.99999 not on arXiv (no paper has this id)',
        "failed 2301.00001 its primary category cs.LG has no group in emails/newsletters/pretrain-weekly.yaml (arxivGroups): add one there, e.g. 'cs.LG': 【…】, or name the group with --group",
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(
      'emails/issues/pretrain-weekly-065.yaml: nothing written: 3 of 4 failed (see above); fix them or leave them out and run this again\n',
    );
    expect(run.code).toBe(1);
    expect(await fileNow()).toBe(original);
  });

  it('puts a paper of an unmapped category in the group --group names (a new one at the end)', async () => {
    const run = await cli(arxiv(), 'papers', 'add', ISSUE, '2301.00001', '--group', '【其他研究】');
    expect(run.stdout).toBe('added 2301.00001 → 【其他研究】 (sections[6].groups[3].papers[0]): A Made-up Paper on Learning Rates\n');
    expect(run.code).toBe(0);
    // The new group right after the last paper of the last group; every other byte as it was.
    const anchor = 'detailsUrl: https://pretrain-weekly.example/papers/coling-2022-284\n';
    const at = original.indexOf(anchor) + anchor.length;
    expect(await fileNow()).toBe(`${original.slice(0, at)}      - field: 【其他研究】
        papers:
          - title: A Made-up Paper on Learning Rates
            authors: [Ada Example]
            summary: >-
              A paper that does not exist, in a category no newsletter maps (cs.LG).
            summaryDraft: arxiv-abstract
            url: https://arxiv.org/pdf/2301.00001
            detailsUrl: https://arxiv.org/abs/2301.00001
${original.slice(at)}`);
  });

  it('--dry-run prints the YAML it would add and changes nothing', async () => {
    const run = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463', '--dry-run');
    expect(run.code).toBe(0);
    expect(
      run.stdout,
    ).toBe(`added 2210.13463 → 【CV研究】 (sections[6].groups[0].papers[1]): Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future (note: already in an earlier issue, pretrain-weekly-064)

# would be added to the papers section's groups:
- field: 【CV研究】
  papers:
    - title: "Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future"
      authors: [Guo-Jun Qi, Mubarak Shah]
      summary: >-
        In this paper, we review adversarial pretraining of self-supervised deep networks including both convolutional neural networks and vision transformers. Unlike the adversarial training with access to labeled examples, adversarial pretraining is complicated as it only has access to unlabeled examples.
      summaryDraft: arxiv-abstract
      url: https://arxiv.org/pdf/2210.13463
      detailsUrl: https://arxiv.org/abs/2210.13463
`);
    expect(await fileNow()).toBe(original);
  });

  it('arXiv down, silent or answering garbage: one line per paper saying so, exit 1, nothing written', async () => {
    const port = await freePort();
    const down = await cli({ ARXIV_API_URL: `http://127.0.0.1:${port}/api/query` }, 'papers', 'add', ISSUE, '2210.13463', '2210.12607');
    expect(down.stdout).toBe(
      `failed 2210.13463 arXiv could not be reached at 127.0.0.1:${port} (ECONNREFUSED); try again later\nfailed 2210.12607 arXiv could not be reached at 127.0.0.1:${port} (ECONNREFUSED); try again later\n`,
    );
    expect(down.code).toBe(1);

    await server!.close();
    server = await startArxivServer(() => {
      /* never answers */
    });
    const silent = await cli({ ...arxiv(), ARXIV_TIMEOUT_MS: '300' }, 'papers', 'add', ISSUE, '2210.13463');
    expect(silent.stdout).toBe('failed 2210.13463 arXiv did not answer within 300 ms; try again\n');
    expect(silent.code).toBe(1);

    await server!.close();
    server = await startArxivServer((_req, res) => res.end('<!doctype html><title>arXiv is down for maintenance</title>'));
    const garbage = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463');
    expect(garbage.stdout).toMatch(/^failed 2210\.13463 arXiv answered with a document type declaration, which its Atom feed never has; try again later\n$/);
    expect(garbage.code).toBe(1);
    expect(await fileNow()).toBe(original);
  });

  it('looks a paper given twice up once, and writes nothing when the file changes while arXiv is asked', async () => {
    const twice = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463 https://arxiv.org/abs/2210.13463v1', '--dry-run');
    expect(twice.stdout.split('\n').slice(0, 2)).toEqual([
      'added   2210.13463 → 【CV研究】 (sections[6].groups[0].papers[1]): Adversarial Pretraining of Self-Supervised Deep Networks: Past, Present and Future (note: already in an earlier issue, pretrain-weekly-064)',
      'skipped 2210.13463v1 given twice (item 1 (line 1, column 1) and item 2 (line 1, column 12)); looked up once',
    ]);
    expect(server!.requests.map((u) => u.searchParams.get('id_list'))).toEqual(['2210.13463']);

    await server!.close();
    const edited = `${original}# a colleague's line\n`;
    server = await startArxivServer((_req, res, url) => {
      void writeFile(join(dir, ISSUE), edited).then(() => res.end(fixtureFeed([url.searchParams.get('id_list')!])));
    });
    const run = await cli(arxiv(), 'papers', 'add', ISSUE, '2210.13463');
    expect(run.stderr).toBe(
      'newsletter: emails/issues/pretrain-weekly-065.yaml: nothing written: the file changed while the papers were looked up; run this again\n',
    );
    expect(run.code).toBe(1);
    expect(await fileNow()).toBe(edited);
  });

  it('refuses an ARXIV_API_URL that is not http(s), naming the variable', async () => {
    const run = await cli({ ARXIV_API_URL: 'file:///etc/passwd' }, 'papers', 'add', ISSUE, '2210.13463');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ARXIV_API_URL: must be a URL starting with http: or https://');
    expect(await fileNow()).toBe(original);
  });
});
