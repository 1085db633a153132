// From arXiv's Atom answer to the issue's paper item (src/studio): the feed read and checked, the
// paper drafted, the group chosen, and the paper written into the issue's YAML in place.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { issueSchema, newsletterSchema } from '../../src/content/schema.ts';
import { lintIssue } from '../../src/render/lint-step.ts';
import { ArxivError } from '../../src/studio/arxiv-error.ts';
import { parseArxivFeed } from '../../src/studio/arxiv-atom.ts';
import { queryUrl } from '../../src/studio/arxiv-client.ts';
import { arxivPapersOfEarlierIssues } from '../../src/studio/earlier-issues.ts';
import { addPaperToDocument, addPaperToText, arxivPapersIn, documentText, papersSectionIndex } from '../../src/studio/issue-papers.ts';
import { groupForCategory, paperFromArxiv } from '../../src/studio/paper-draft.ts';
import { ARXIV_FIXTURES, fixtureFeed } from '../helpers/arxiv-server.ts';

const root = new URL('../../', import.meta.url);
const SAMPLE = readFileSync(new URL('emails/issues/pretrain-weekly-064.yaml', root), 'utf8');
const GROUPS = { 'cs.CV': '【CV研究】', 'cs.CL': '【NLP研究】', 'q-bio.*': '【生命科学研究】' };

describe("arXiv's Atom answer", () => {
  it('gives each paper: id and version, title and abstract on one line, authors with affiliations, categories, links', () => {
    const { entries, errors } = parseArxivFeed(fixtureFeed(['2210.12403', '2210.11610v2', '2210.99999']));
    expect(errors).toEqual([]);
    expect(entries.map((e) => [e.id, e.version])).toEqual([
      ['2210.12403', 1],
      ['2210.11610', 2],
    ]);
    expect(entries[0]).toMatchObject({
      title: 'PATS: Sensitivity-aware Noisy Learning for Pretrained Language Models',
      summary: expect.stringMatching(/^A wide range of NLP tasks .* importance in the downstream task & helps fine-tune PLMs\.$/),
      primaryCategory: 'cs.CL',
      categories: ['cs.CL'],
      absUrl: 'http://arxiv.org/abs/2210.12403v1',
      pdfUrl: 'http://arxiv.org/pdf/2210.12403v1',
    });
    expect(entries[0]!.authors.slice(0, 2)).toEqual([
      { name: 'Yupeng Zhang', affiliations: ['Beihang University'] },
      { name: 'Hongzhi Zhang', affiliations: ['Meituan'] },
    ]);
  });

  it("reads arXiv's error entry as an error, not a paper", () => {
    const { entries, errors } = parseArxivFeed(readFileSync(new URL('error-entry.xml', ARXIV_FIXTURES), 'utf8'));
    expect(entries).toEqual([]);
    expect(errors).toEqual([{ message: 'incorrect id format for 2210.1346' }]);
  });

  it('refuses what is not its feed, a DTD, and links that are not http(s) links to the same paper', () => {
    const entry = readFileSync(new URL('2210.13463.xml', ARXIV_FIXTURES), 'utf8');
    const feed = (body: string) => `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">${body}</feed>`;
    expect(() => parseArxivFeed('<html><body>Service Unavailable</body></html>')).toThrow(
      new ArxivError('arXiv answered XML that is not its Atom feed (no <feed>); try again later'),
    );
    expect(() => parseArxivFeed('{"not": "xml"')).toThrow(/not XML/);
    expect(() => parseArxivFeed('<feed><entry>')).toThrow(/not XML/);
    expect(() => parseArxivFeed('<!DOCTYPE feed [<!ENTITY a "aaaa">]><feed>&a;</feed>')).toThrow(/document type declaration/);
    expect(() => parseArxivFeed(feed(entry.replace('href="http://arxiv.org/pdf/2210.13463v1"', 'href="javascript:alert(1)"')))).toThrow(
      /a pdf link for 2210\.13463v1 that is not an http\(s\) link to that paper's pdf page/,
    );
    expect(() => parseArxivFeed(feed(entry.replace('href="http://arxiv.org/abs/2210.13463v1"', 'href="https://evil.example/abs/2210.13463v1"')))).toThrow(
      /an abs link for 2210\.13463v1/,
    );
    expect(() => parseArxivFeed(feed(entry.replace('href="http://arxiv.org/abs/2210.13463v1"', 'href="https://arxiv.org/abs/2210.14803v1"')))).toThrow(
      /an abs link for 2210\.13463v1/,
    );
    expect(() => parseArxivFeed(feed(entry.replace(/<title>[\s\S]*?<\/title>/, '<title> </title>')))).toThrow(/no title for 2210\.13463v1/);
  });

  it('is asked for on the configured host only, all ids in one request', () => {
    const url = queryUrl('https://export.arxiv.org/api/query', [{ id: '2210.13463' }, { id: '2210.11610', version: 2 }, { id: 'cs/0112017' }]);
    expect(url.href).toBe('https://export.arxiv.org/api/query?id_list=2210.13463%2C2210.11610v2%2Ccs%2F0112017&max_results=3');
  });
});

describe('the paper item', () => {
  const [entry] = parseArxivFeed(fixtureFeed(['2210.12403'])).entries;

  it('carries title, affiliations once each, authors, the abstract marked for rewriting, the PDF to download and the abs page for details', () => {
    const paper = paperFromArxiv(entry!, { id: '2210.12403' });
    expect(paper).toEqual({
      title: 'PATS: Sensitivity-aware Noisy Learning for Pretrained Language Models',
      affiliations: ['Beihang University', 'Meituan'],
      authors: ['Yupeng Zhang', 'Hongzhi Zhang', 'Sirui Wang', 'Wei Wu', 'Zhoujun Li'],
      summary: entry!.summary,
      summaryDraft: 'arxiv-abstract',
      url: 'https://arxiv.org/pdf/2210.12403',
      detailsUrl: 'https://arxiv.org/abs/2210.12403',
    });
    expect(paperFromArxiv(entry!, { id: '2210.12403', version: 1 })).toMatchObject({
      url: 'https://arxiv.org/pdf/2210.12403v1',
      detailsUrl: 'https://arxiv.org/abs/2210.12403v1',
    });
  });

  it("goes to the group of its primary category: the category's own, else its archive's .*, else none", () => {
    expect(groupForCategory('cs.CV', GROUPS)).toBe('【CV研究】');
    expect(groupForCategory('q-bio.NC', GROUPS)).toBe('【生命科学研究】');
    expect(groupForCategory('q-bio.NC', { ...GROUPS, 'q-bio.NC': '【脑科学】' })).toBe('【脑科学】');
    expect(groupForCategory('cs.LG', GROUPS)).toBeUndefined();
    expect(groupForCategory('cs.CV', undefined)).toBeUndefined();
    expect(groupForCategory('constructor', GROUPS)).toBeUndefined();
  });

  it('arxivGroups is checked by the settings schema', () => {
    const settings = parseDocument(readFileSync(new URL('emails/newsletters/pretrain-weekly.yaml', root), 'utf8')).toJS();
    expect(newsletterSchema.parse(settings).arxivGroups).toEqual(GROUPS);
    const bad = newsletterSchema.safeParse({ ...settings, arxivGroups: { 'CS CV': 'x', 'cs.CL': '' } });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['must be an arXiv category such as cs.CV, or an archive with .* such as q-bio.*']),
    );
  });
});

describe('the issue file', () => {
  const issue = issueSchema.parse(parseDocument(SAMPLE).toJS());

  it('knows the arXiv papers it has, by url or details link, whatever the version', () => {
    const present = arxivPapersIn(issue);
    expect([...present.keys()]).toEqual(['2210.13463', '2210.14803', '2210.12607', '2210.12403', '2210.08590', '2210.11610']);
    expect(present.get('2210.11610')).toBe('sections[6].groups[1].papers[4]');
  });

  it('gets a paper added to its group, or to a new group at the end; every other line stays as it was', () => {
    const [entry] = parseArxivFeed(fixtureFeed(['2210.12403'])).entries;
    const doc = parseDocument(SAMPLE);
    const section = papersSectionIndex(issue);
    expect(addPaperToDocument(doc, section, '【NLP研究】', paperFromArxiv(entry!, { id: '2210.12403' }))).toBe('sections[6].groups[1].papers[5]');
    expect(addPaperToDocument(doc, section, '【其他】', paperFromArxiv(entry!, { id: '2210.12403' }))).toBe('sections[6].groups[3].papers[0]');
    const text = documentText(doc);
    const paperLines = [
      '          - title: "PATS: Sensitivity-aware Noisy Learning for Pretrained Language Models"',
      '            affiliations: [Beihang University, Meituan]',
      '            authors: [Yupeng Zhang, Hongzhi Zhang, Sirui Wang, Wei Wu, Zhoujun Li]',
      '            summary: >-',
      `              ${entry!.summary}`,
      '            summaryDraft: arxiv-abstract',
      '            url: https://arxiv.org/pdf/2210.12403',
      '            detailsUrl: https://arxiv.org/abs/2210.12403',
    ];
    // Only lines added (after the NLP group's last paper, and a group after the last one): the
    // comments, blank lines and every other byte are kept.
    const lines = SAMPLE.split('\n');
    const endOfNlp = lines.indexOf('      - field: 【生命科学研究】');
    const endOfGroups = lines.indexOf('            detailsUrl: https://pretrain-weekly.example/papers/coling-2022-284') + 1;
    expect(text.split('\n')).toEqual([
      ...lines.slice(0, endOfNlp),
      ...paperLines,
      ...lines.slice(endOfNlp, endOfGroups),
      '      - field: 【其他】',
      '        papers:',
      ...paperLines,
      ...lines.slice(endOfGroups),
    ]);
    const reread = issueSchema.parse(parseDocument(text).toJS());
    const papers = reread.sections[6]!.kind === 'papers' ? reread.sections[6]!.groups : [];
    expect(papers.map((g) => [g.field, g.papers.length])).toEqual([
      ['【CV研究】', 2],
      ['【NLP研究】', 6],
      ['【生命科学研究】', 1],
      ['【其他】', 1],
    ]);
  });
});

describe('lint', () => {
  it('warns at the summary of each paper still marked summaryDraft: arxiv-abstract, and the schema takes no other marker', () => {
    const settings = newsletterSchema.parse(parseDocument(readFileSync(new URL('emails/newsletters/pretrain-weekly.yaml', root), 'utf8')).toJS());
    const doc = parseDocument(SAMPLE);
    const [entry] = parseArxivFeed(fixtureFeed(['2210.12403'])).entries;
    addPaperToDocument(doc, 6, '【NLP研究】', paperFromArxiv(entry!, { id: '2210.12403' }));
    const issue = { ...issueSchema.parse(doc.toJS()), id: 'pretrain-weekly-064' };
    const report = {
      htmlBytes: 1,
      encodedHtmlBytes: 1,
      encoding: 'base64' as const,
      textBytes: 1,
      budgetBytes: 95_000,
      warnBytes: 85_000,
      imageCount: 0,
      linkCount: 0,
    };
    const findings = lintIssue(issue, { ...settings, id: 'pretrain-weekly', listId: 'pretrain-weekly' }, report);
    expect(findings.filter((f) => f.message.includes('arXiv abstract'))).toEqual([
      {
        level: 'warning',
        path: 'sections[6].groups[1].papers[5].summary',
        message: expect.stringMatching(/^summary is the arXiv abstract, rewrite it: .* then delete summaryDraft$/),
      },
    ]);
    const other = issueSchema.safeParse({
      ...doc.toJS(),
      sections: [
        {
          kind: 'papers',
          title: 'P',
          groups: [{ field: 'F', papers: [{ title: 'T', authors: ['A'], summary: 'S', url: 'https://arxiv.org/pdf/2210.12403', summaryDraft: 'yes' }] }],
        },
      ],
    });
    expect(other.success ? [] : other.error.issues.map((i) => i.message)).toEqual(['must be arxiv-abstract (delete the line once the summary is rewritten)']);
  });
});

describe('earlier issues', () => {
  it('names the latest earlier issue of the same newsletter that carried each arXiv paper; other newsletters, later issues and unreadable files do not count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earlier-issues-'));
    try {
      mkdirSync(join(dir, 'issues'));
      const issue = (newsletter: string, number: number, ...links: string[]) =>
        `newsletter: ${newsletter}\nnumber: ${number}\nsections:\n  - kind: papers\n    groups:\n      - papers:\n${links.map((l) => `          - url: ${l}\n`).join('')}`;
      writeFileSync(
        join(dir, 'issues', 'weekly-001.yaml'),
        issue('weekly', 1, 'https://arxiv.org/pdf/2210.13463.pdf', 'https://arxiv.org/abs/hep-th/9901001v2'),
      );
      writeFileSync(join(dir, 'issues', 'weekly-002.yaml'), issue('weekly', 2, 'http://export.arxiv.org/abs/2210.13463v3', 'https://example.org/2210.14803'));
      writeFileSync(join(dir, 'issues', 'weekly-004.yaml'), issue('weekly', 4, 'https://arxiv.org/abs/2210.12607'));
      writeFileSync(join(dir, 'issues', 'other-009.yaml'), issue('other', 2, 'https://arxiv.org/abs/2210.12403'));
      writeFileSync(join(dir, 'issues', 'weekly-broken.yaml'), 'newsletter: weekly\nnumber: [1\n');
      writeFileSync(join(dir, 'issues', 'weekly-003.yaml'), issue('weekly', 3, 'https://arxiv.org/abs/2210.08590'));
      const earlier = await arxivPapersOfEarlierIssues(dir, { newsletter: 'weekly', number: 3 }, join(dir, 'issues', 'weekly-003.yaml'));
      expect(Object.fromEntries(earlier)).toEqual({ '2210.13463': 'weekly-002', 'hep-th/9901001': 'weekly-001' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('adding to the text', () => {
  const [entry] = parseArxivFeed(fixtureFeed(['2210.12403'])).entries;
  const paper = paperFromArxiv(entry!, { id: '2210.12403' });

  it('writes what the document edit writes for the model issue', () => {
    const doc = parseDocument(SAMPLE);
    addPaperToDocument(doc, 6, '【NLP研究】', paper);
    addPaperToDocument(doc, 6, '【其他】', paper);
    const first = addPaperToText(SAMPLE, 6, '【NLP研究】', paper);
    const second = addPaperToText(first.text, 6, '【其他】', paper);
    expect([first.path, second.path]).toEqual(['sections[6].groups[1].papers[5]', 'sections[6].groups[3].papers[0]']);
    expect(second.text).toBe(documentText(doc));
  });

  it('keeps every other byte of a file whose summaries are folded over several lines, CRLF line ends too', () => {
    for (const eol of ['\n', '\r\n']) {
      const original = readFileSync(new URL('emails/issues/field-notes-012.yaml', root), 'utf8').replaceAll('\n', eol);
      const section = parseDocument(original)
        .toJS()
        .sections.findIndex((s: { kind: string }) => s.kind === 'papers');
      const once = addPaperToText(original, section, 'Efficient training', paper);
      const twice = addPaperToText(once.text, section, 'Language models', paper);
      const added = twice.text.split(eol).filter((line) => !original.split(eol).includes(line));
      expect(added.every((line) => !line.includes('\r'))).toBe(true);
      // Taking out the two papers' lines and the new group's two gives the file back.
      const lines = twice.text.split(eol);
      const start = lines.findIndex((l) => l.includes('title: "PATS:'));
      const second = lines.findIndex((l, i) => i > start && l.includes('title: "PATS:'));
      const back = [...lines.slice(0, start), ...lines.slice(start + 8, second - 2), ...lines.slice(second + 8)];
      expect(back.join(eol)).toBe(original);
      expect(issueSchema.safeParse(parseDocument(twice.text).toJS()).success).toBe(true);
    }
  });
});

describe('hostile text from arXiv', () => {
  it('is written as text: any title, author, affiliation and abstract reads back unchanged from the issue file', () => {
    // As the Atom reader leaves them: whitespace runs made one space, trimmed, not empty.
    const line = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom(
            '#',
            ':',
            '-',
            '>',
            '|',
            '"',
            "'",
            '[',
            ']',
            '{',
            '}',
            ',',
            '&',
            '*',
            '!',
            '%',
            '@',
            '`',
            '---',
            '...',
            '\\',
            ' ',
            '{{name}}',
            '%%NL_X%%',
            '<b>',
          ),
          fc.string({ maxLength: 1 }),
        ),
        maxLength: 40,
      })
      .map((v) => v.replace(/\s+/g, ' ').trim())
      .filter((v) => v.length > 0);
    fc.assert(
      fc.property(line, line, fc.array(line, { minLength: 1, maxLength: 3 }), fc.array(line, { maxLength: 2 }), (title, summary, authors, affiliations) => {
        const paper = {
          title,
          summary,
          authors,
          affiliations,
          summaryDraft: 'arxiv-abstract' as const,
          url: 'https://arxiv.org/pdf/2210.12403',
          detailsUrl: 'https://arxiv.org/abs/2210.12403',
        };
        const { text } = addPaperToText(SAMPLE, 6, '【其他】', paper);
        const doc = parseDocument(text);
        expect(doc.errors).toEqual([]);
        const issue = issueSchema.parse(doc.toJS());
        const section = issue.sections[6]!;
        expect(section.kind === 'papers' ? section.groups[3]!.papers[0] : undefined).toEqual(paper);
      }),
      { seed: 28_4, numRuns: 300 },
    );
  });
});
