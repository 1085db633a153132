// Markdown in a text section, as an editor of a technical newsletter writes it: a code block, a
// table, a quote, an image, lists, emphasis and links come out faithfully in the HTML and in the
// text part; what cannot (raw HTML, footnotes, an image without alt text) lint names by line.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import type { Issue, Newsletter } from '../../src/content/schema.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { markdownProblems } from '../../src/render/markdown-lint.ts';
import { createRenderer, type Renderer } from '../../src/render/index.ts';

const SOURCE = [
  'Upgrading takes *two* steps and one **restart**:',
  '',
  '```sh',
  'npm install newsletter@2',
  '  npx newsletter subscribers reindex   # rebuilds the bitmaps',
  '```',
  '',
  '| Step | Time | Downtime |',
  '| --- | ---: | --- |',
  '| install | 40 s | none |',
  '| reindex | 3 min | `send` waits |',
  '',
  '> Measure before you cut.',
  '',
  '![Bar chart of send time per shard](https://cdn.example.com/chart.png)',
  '',
  '1. Read the [notes](https://example.com/notes).',
  '2. Run `reindex`.',
].join('\n');

let base: { issue: Issue; newsletter: Newsletter };
let renderer: Renderer;
beforeAll(async () => {
  const { issue, newsletter, templates } = await loadIssueFile('emails/issues/field-notes-012.yaml');
  base = { issue, newsletter };
  renderer = createRenderer(templates, { encodedSizes });
});

async function renderText(markdown: string) {
  return renderer.renderIssue({ ...base.issue, sections: [{ kind: 'text', title: 'Upgrade notes', markdown }] }, base.newsletter);
}

describe('Markdown in a text section', () => {
  it('renders code, table, quote, image, lists, emphasis and links faithfully in the HTML', async () => {
    const { html, findings } = await renderText(SOURCE);
    expect(html).toContain('<pre class="nl-md-code"');
    expect(html).toContain('<code>npm install newsletter@2\n  npx newsletter subscribers reindex   # rebuilds the bitmaps</code>');
    // The scrolling box takes the keyboard's focus, so that it can be scrolled without a mouse.
    expect(html).toMatch(/<div class="nl-md-scroll" tabindex="0" style="overflow-x:auto;[^"]*"><pre/);
    expect(html).toMatch(/<div class="nl-md-scroll" tabindex="0" style="overflow-x:auto;[^"]*"><table/);
    expect(html).toMatch(/<table class="nl-md-table"[^>]*><thead>\s*<tr>\s*<th[^>]*>Step<\/th>/);
    expect(html).toMatch(/<td style="[^"]*text-align:right;">3 min<\/td>/);
    expect(html).toMatch(/<blockquote[^>]*>\s*<p[^>]*>Measure before you cut\.<\/p>/);
    expect(html).toContain('<img class="nl-md-image" src="https://cdn.example.com/chart.png" alt="Bar chart of send time per shard"');
    expect(html).toMatch(/<ol[^>]*>\s*<li[^>]*>Read the <a href="https:\/\/example\.com\/notes"/);
    expect(html).toContain('<em>two</em>');
    expect(html).toContain('<strong>restart</strong>');
    // Nothing left as Markdown syntax.
    expect(html).not.toMatch(/```|\| ---|!\[Bar/);
    // Only the Markdown image's missing size is worth a word.
    expect(findings.filter((f) => f.path === 'sections[0].markdown').map((f) => f.level)).toEqual(['warning']);
  });

  it('keeps them readable in the text part: code lines as written, a table in columns, the quote, the alt text', async () => {
    const { text } = await renderText(SOURCE);
    const part = text.slice(text.indexOf('Upgrading takes'), text.indexOf('2. Run reindex.') + '2. Run reindex.'.length);
    expect(part).toBe(
      [
        'Upgrading takes two steps and one restart:',
        '',
        'npm install newsletter@2',
        '  npx newsletter subscribers reindex   # rebuilds the bitmaps',
        '',
        'Step      Time    Downtime',
        'install   40 s    none',
        'reindex   3 min   send waits',
        '',
        '> Measure before you cut.',
        '',
        '[Bar chart of send time per shard]',
        '',
        ' 1. Read the notes [https://example.com/notes].',
        ' 2. Run reindex.',
      ].join('\n'),
    );
  });

  it('lint names raw HTML, footnotes and an image without alt text by line, and says what to write', () => {
    const problems = markdownProblems(
      [
        'Intro',
        '',
        '<div align="center">hi</div>',
        '',
        'See the note.[^1]',
        '',
        '![](https://cdn.example.com/x.png)',
        '',
        '```',
        'a[^2] in code is fine',
        '```',
      ].join('\n'),
    );
    expect(problems.map((p) => [p.level, p.line, p.message.split(':')[0]])).toEqual([
      ['error', 3, 'raw HTML (<div>) is not rendered, it would be shown as text'],
      ['error', 5, 'footnotes ([^1]) are not supported and would be shown literally'],
      ['error', 7, 'image has no alt text'],
      ['warning', 7, 'a Markdown image has no width and height, so the layout jumps while it loads'],
    ]);
  });

  it('lint reports them through the issue, with the section path and the line', async () => {
    const { findings } = await renderText('Hello <span style="color:red">there</span>');
    expect(findings).toContainEqual({
      level: 'error',
      path: 'sections[0].markdown',
      message: expect.stringMatching(/^line 1 of the Markdown: raw HTML \(<span>\) is not rendered/),
    });
  });

  it('renders a summary as one line of Markdown (emphasis, links, code) and lints it the same way', async () => {
    const papers = base.issue.sections.find((x) => x.kind === 'papers')!;
    if (papers.kind !== 'papers') throw new Error('the sample has a papers section');
    const paper = {
      ...papers.groups[0]!.papers[0]!,
      summary: 'Tiles keep the **score matrix** on chip; see [the code](https://github.com/example/flash) and `flash_attn`.',
    };
    const hostile = { ...paper, summary: 'A <b>bold</b> claim.' };
    const issue = { ...base.issue, sections: [{ ...papers, groups: [{ ...papers.groups[0]!, papers: [paper, hostile] }] }] };
    const { html, text, findings } = await renderer.renderIssue(issue, base.newsletter);
    expect(html).toMatch(
      /Tiles keep the <strong>score matrix<\/strong> on chip; see <a href="https:\/\/github\.com\/example\/flash" style="[^"]*">the code<\/a> and <code style="[^"]*">flash_attn<\/code>\./,
    );
    expect(html).toContain('A &lt;b&gt;bold&lt;/b&gt; claim.');
    expect(text).toContain('Tiles keep the score matrix on chip; see the code [https://github.com/example/flash] and flash_attn.');
    expect(findings).toContainEqual({
      level: 'error',
      path: 'sections[0].groups[0].papers[1].summary',
      message: expect.stringMatching(/^raw HTML \(<b>\) is not rendered/),
    });
  });
});
