// The studio's edits of an issue file (src/studio/issue-document.ts), exact to the byte: a form
// post changes only the fields whose value changed, and every other line (comments, key order,
// quoting, blank lines) stays as it was; lists grow, shrink and move by path.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { formValuesOf } from '../../src/studio/form-values.ts';
import fc from 'fast-check';
import { parsePath } from '../../src/content/field-path.ts';
import { IssueDocument, listFieldAt, readValue, StudioEditError, valueAt } from '../../src/studio/issue-document.ts';
import type { ScalarField } from '../../src/studio/issue-fields.ts';

const FILE = `# An issue, with a comment that must survive.
newsletter: field-notes
number: 12
date: "2026-03-02"
subject: Field notes 12 # why this subject
preheader: Short

sections:
  - kind: text
    title: Hello
    markdown: |
      First paragraph.

      Second paragraph.
  - kind: papers
    title: Papers
    groups:
      - field: Vision
        papers:
          - title: A
            authors: [Ann, Bo]
            summary: About A.
            url: https://arxiv.org/pdf/2210.13463
  - kind: divider
`;

describe('IssueDocument.applyForm', () => {
  it('writes a changed field and keeps every other byte', () => {
    const doc = IssueDocument.parse(FILE);
    doc.applyForm({ subject: 'Field notes 12: the thaw', preheader: 'Short', 'sections[0].title': 'Hello', number: '12' });
    expect(doc.toString()).toBe(FILE.replace('subject: Field notes 12 # why', 'subject: "Field notes 12: the thaw" # why'));
  });

  it('changes nothing when the form carries the values as they are', () => {
    const doc = IssueDocument.parse(FILE);
    doc.applyForm({
      subject: 'Field notes 12',
      number: '12',
      date: '2026-03-02',
      'sections[0].markdown': 'First paragraph.\r\n\r\nSecond paragraph.\r\n',
      'sections[1].groups[0].papers[0].authors': 'Ann\nBo\n',
      'sections[1].groups[0].papers[0].summaryDraft': '',
    });
    expect(doc.toString()).toBe(FILE);
  });

  it('keeps a block scalar a block scalar, and removes an optional field left empty', () => {
    const doc = IssueDocument.parse(FILE);
    doc.applyForm({ 'sections[0].markdown': 'One.\n\nTwo.', preheader: '  ', 'sections[0].title': '' });
    const text = doc.toString();
    expect(text).toContain('    markdown: |\n      One.\n\n      Two.\n');
    expect(text).not.toContain('preheader');
    expect(text).not.toContain('title: Hello');
  });

  it('reads lines, numbers and flags as the schema wants them', () => {
    const doc = IssueDocument.parse(FILE);
    doc.applyForm({
      number: '13',
      'sections[1].groups[0].papers[0].authors': 'Ann\n\n  Carl  \n',
      'sections[1].groups[0].papers[0].summaryDraft': ['', 'arxiv-abstract'],
    });
    const paper = (doc.data().sections as Array<{ groups: Array<{ papers: Record<string, unknown>[] }> }>)[1]!.groups[0]!.papers[0]!;
    expect(doc.data().number).toBe(13);
    expect(paper.authors).toEqual(['Ann', 'Carl']);
    expect(paper.summaryDraft).toBe('arxiv-abstract');
  });

  it('keeps what is not a number as typed, for the schema to name', () => {
    expect(readValue({ key: 'number', type: 'number', required: true }, 'twelve')).toBe('twelve');
    expect(readValue({ key: 'number', type: 'number', required: true }, '')).toBe('');
    expect(readValue({ key: 'width', type: 'number' }, '')).toBeUndefined();
  });

  it('keeps hostile text as text', () => {
    const doc = IssueDocument.parse(FILE);
    const hostile = 'a: b\n- c\n"quoted" #not a comment\n%%NL_UNSUBSCRIBE_URL%% <script>x</script> ---';
    doc.applyForm({ 'sections[0].markdown': hostile, subject: '*alias &anchor !!binary' });
    const again = IssueDocument.parse(doc.toString()).data();
    expect((again.sections as Array<{ markdown: string }>)[0]!.markdown.trimEnd()).toBe(hostile);
    expect(again.subject).toBe('*alias &anchor !!binary');
  });
});

describe('IssueDocument structure', () => {
  it('adds a section of any kind after a given one, blank where the schema needs a value', () => {
    const doc = IssueDocument.parse(FILE);
    expect(doc.addSection('links', 0)).toBe(1);
    expect(doc.sectionKinds()).toEqual(['text', 'links', 'papers', 'divider']);
    expect((doc.data().sections as unknown[])[1]).toEqual({ kind: 'links', title: '', items: [] });
    doc.addSection('papers');
    expect((doc.data().sections as unknown[]).at(-1)).toEqual({ kind: 'papers', title: '', groups: [] });
    expect(doc.toString().startsWith('# An issue, with a comment that must survive.\n')).toBe(true);
  });

  it('adds, moves and removes items of nested lists by path', () => {
    const doc = IssueDocument.parse(FILE);
    expect(doc.addItem('sections[1].groups[0].papers')).toBe('sections[1].groups[0].papers[1]');
    expect(doc.move('sections[1].groups[0].papers[1]', -1)).toBe('sections[1].groups[0].papers[0]');
    const papers = () => (doc.data().sections as Array<{ groups: Array<{ papers: Array<{ title: string }> }> }>)[1]!.groups[0]!.papers;
    expect(papers().map((p) => p.title)).toEqual(['', 'A']);
    doc.remove('sections[1].groups[0].papers[0]');
    expect(papers().map((p) => p.title)).toEqual(['A']);
    expect(doc.move('sections[0]', -1)).toBe('sections[0]');
    doc.reorder('sections', [2, 0, 1]);
    expect(doc.sectionKinds()).toEqual(['divider', 'text', 'papers']);
  });

  it('refuses an order that does not name every item once, and paths that are not lists', () => {
    const doc = IssueDocument.parse(FILE);
    expect(() => doc.reorder('sections', [0, 0, 1])).toThrow(StudioEditError);
    expect(() => doc.reorder('sections', [0, 1])).toThrow(StudioEditError);
    expect(() => doc.addItem('subject')).toThrow(StudioEditError);
    expect(() => doc.remove('sections[9]')).toThrow(StudioEditError);
    expect(listFieldAt(doc.data(), ['sections', 1, 'groups', 0, 'papers'])?.key).toBe('papers');
    expect(listFieldAt(doc.data(), ['banner'])?.key).toBe('banner');
  });

  it('grows a list the file does not have yet (a banner)', () => {
    const doc = IssueDocument.parse(FILE);
    expect(doc.addItem('banner')).toBe('banner[0]');
    expect(doc.data().banner).toEqual([{ src: '', alt: '' }]);
  });

  it('answers a file that is not YAML with one sentence', () => {
    expect(() => IssueDocument.parse('subject: "open\nnumber: 1\n')).toThrow(/not valid YAML/);
    expect(() => IssueDocument.parse('- a\n- b\n')).toThrow(/does not hold an issue/);
  });
});

describe('the form of every sample issue', () => {
  it.each(['pretrain-weekly-064', 'field-notes-012', 'shipping-log-031'])('%s: its own values posted back change no byte', async (id) => {
    const text = await readFile(`emails/issues/${id}.yaml`, 'utf8');
    const doc = IssueDocument.parse(text);
    doc.applyForm(formValuesOf(doc.data()));
    expect(doc.toString()).toBe(text);
  });
});

describe('hostile text in any field', () => {
  const FIELDS: Array<[string, ScalarField]> = [
    ['subject', { key: 'subject', type: 'line', required: true }],
    ['preheader', { key: 'preheader', type: 'line' }],
    ['sections[0].title', { key: 'title', type: 'line' }],
    ['sections[0].markdown', { key: 'markdown', type: 'markdown', required: true }],
    ['sections[1].groups[0].papers[0].summary', { key: 'summary', type: 'markdown', required: true }],
    ['sections[1].groups[0].papers[0].authors', { key: 'authors', type: 'lines', required: true }],
  ];

  it('is written as text and read back as the same text, whatever it holds (fuzzed)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.string({ unit: 'binary', maxLength: 80 }), ([path, field], typed) => {
        const doc = IssueDocument.parse(FILE);
        doc.applyForm({ [path]: typed });
        const again = IssueDocument.parse(doc.toString()).data();
        const expected = readValue(field, typed);
        const got = valueAt(again, parsePath(path));
        if (typeof expected === 'string') expect(typeof got === 'string' ? got.trimEnd() : got).toBe(expected.trimEnd());
        else expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
