// Loading content files: the two samples load, and each kind of mistake gives exactly one line
// naming file, line, field path and what was expected; a file with several mistakes lists them
// all at once, in file order.
import { cp, mkdtemp, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContentError,
  formatProblem,
  listIssueFiles,
  loadIssueFile,
  loadNewsletter,
  loadTemplates,
  locateFindings,
  formatFinding,
} from '../../src/content/index.ts';
import { UserError } from '../../src/errors.ts';
import { lintIssue } from '../../src/render/lint-step.ts';

const FIXTURES = 'test/fixtures/content/emails';
const issue = (name: string) => `${FIXTURES}/issues/${name}.yaml`;

async function errorOf(promise: Promise<unknown>): Promise<ContentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  expect(error).toBeInstanceOf(UserError);
  const { message, problems } = error as ContentError;
  expect(message).not.toMatch(/\bat .*\.ts:\d+/); // no stack frames in the message
  // One problem: one line. Several: a heading, then each problem on its own line.
  if (problems.length === 1) expect(message).not.toContain('\n');
  else expect(message.split('\n').slice(1)).toEqual(problems.map((p) => `  ${formatProblem(p)}`));
  for (const p of problems) expect(p.problem).not.toContain('\n');
  return error as ContentError;
}

/** The problems of a ContentError as the lines an editor reads. */
const lines = (error: ContentError) => error.problems.map(formatProblem);

describe('the sample issues', () => {
  it('loads 《预训练周刊》第64期 with every block of the reference issue', async () => {
    const { issue: loaded, newsletter } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
    expect(loaded.id).toBe('pretrain-weekly-064');
    expect(loaded.subject).toBe('《预训练周刊》第64期:微调新范式:组合、噪音、指令、自我改进等');
    expect(newsletter).toMatchObject({ id: 'pretrain-weekly', listId: 'pretrain-weekly', locale: 'zh-CN', organisation: '智源社区 · 预训练组' });
    expect(newsletter.footer.source).toBe('智源社区');

    const kinds = loaded.sections.map((s) => s.kind);
    expect(kinds).toEqual([
      'text',
      'image',
      'image',
      'image',
      'image',
      'image',
      'papers',
      'image',
      'image',
      'image',
      'image',
      'image',
      'events',
      'image',
      'image',
      'image',
      'community',
      'navigation',
    ]);
    const papers = loaded.sections.find((s) => s.kind === 'papers');
    expect(papers?.kind === 'papers' && papers.groups.map((g) => [g.field, g.papers.length])).toEqual([
      ['【CV研究】', 2],
      ['【NLP研究】', 5],
      ['【生命科学研究】', 1],
    ]);
    const events = loaded.sections.find((s) => s.kind === 'events');
    expect(events?.kind === 'events' && events.events[0]?.speaker).toContain('侯乐');
    expect(loaded.banner[0]?.src).toBe('pretrain-weekly/064/3a8cd9656ee32b1d0b72b971515c799c.png');
    expect(newsletter.community?.qr?.src).toContain('ccdb507a30cac9ef9106749f8cdbc55f.png');
  });

  it('loads the English sample, whose list id differs from its newsletter id', async () => {
    const { issue: loaded, newsletter, templates } = await loadIssueFile('emails/issues/field-notes-012.yaml');
    expect(loaded.id).toBe('field-notes-012');
    expect(newsletter).toMatchObject({ id: 'field-notes', listId: 'field-notes-readers', locale: 'en' });
    expect(loaded.sections.map((s) => s.kind)).toEqual(['text', 'image', 'papers', 'events', 'navigation']);
    const nav = loaded.sections.at(-1);
    expect(nav?.kind === 'navigation' && [Boolean(nav.previous), Boolean(nav.next)]).toEqual([true, false]);
    expect(typeof templates.files).toBe('object');
  });

  it('lists the issue files of an emails folder, sorted', async () => {
    const files = await listIssueFiles('emails');
    expect(files).toContain(join('emails', 'issues', 'pretrain-weekly-064.yaml'));
    expect(files).toContain(join('emails', 'issues', 'field-notes-012.yaml'));
    expect(files).toEqual([...files].sort());
  });
});

describe('loading a valid fixture', () => {
  it('fills the id from the file name and defaults from the schema', async () => {
    const { issue: loaded, newsletter } = await loadIssueFile(issue('valid'));
    expect(loaded.id).toBe('valid');
    expect(loaded.banner).toEqual([]);
    const papers = loaded.sections[0];
    expect(papers?.kind === 'papers' && papers.groups[0]?.papers[0]?.affiliations).toEqual([]);
    expect(newsletter.id).toBe('fixture-weekly');
  });

  it('reads every template file by its relative path, skipping hidden files', async () => {
    const templates = await loadTemplates(FIXTURES);
    expect(templates.files).toEqual({ 'layout.mjml.hbs': 'layout\n', 'partials/papers.mjml.hbs': 'papers\n' });
  });

  it('loads a newsletter by id', async () => {
    const newsletter = await loadNewsletter(FIXTURES, 'fixture-weekly');
    expect(newsletter).toMatchObject({ id: 'fixture-weekly', listId: 'fixture-weekly', name: 'Fixture Weekly' });
  });

  it('shows absolute paths inside the working directory relative to it', async () => {
    const error = await errorOf(loadIssueFile(resolve(issue('wrong-type'))));
    expect(error.message).toBe(`${FIXTURES}/issues/wrong-type.yaml:2 number: must be a number, got text "seven"`);
  });
});

describe('content errors: one line with file:line, field path and what was expected', () => {
  const cases: Array<[string, string]> = [
    [
      'broken-yaml',
      `${FIXTURES}/issues/broken-yaml.yaml:14: invalid YAML: Nested mappings are not allowed in compact mappings: put text that contains ": " in quotes, e.g. summary: "Attention: a survey" (or, if the next line is a field of its own, indent it as far as this one)`,
    ],
    ['wrong-type', `${FIXTURES}/issues/wrong-type.yaml:2 number: must be a number, got text "seven"`],
    ['missing-field', `${FIXTURES}/issues/missing-field.yaml:16 sections[0].groups[0].papers[1].summary: is required (expected text)`],
    [
      'unknown-field',
      `${FIXTURES}/issues/unknown-field.yaml:19 sections[0].groups[0].papers[1].abstract: unknown field "abstract" (allowed: title, translatedTitle, affiliations, authors, summary, summaryDraft, url, detailsUrl)`,
    ],
    [
      'unknown-kind',
      `${FIXTURES}/issues/unknown-kind.yaml:20 sections[1].kind: unknown block kind "video" (kinds: papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`,
    ],
    ['javascript-url', `${FIXTURES}/issues/javascript-url.yaml:19 sections[0].groups[0].papers[1].url: must be an http(s) or mailto URL`],
    ['bad-url', `${FIXTURES}/issues/bad-url.yaml:25 sections[1].events[0].url: must be an http(s) or mailto URL`],
    [
      'missing-newsletter',
      `${FIXTURES}/issues/missing-newsletter.yaml:1 newsletter: no newsletter "no-such-letter": ${FIXTURES}/newsletters/no-such-letter.yaml does not exist`,
    ],
    ['bad-settings', `${FIXTURES}/newsletters/bad-colour.yaml:7 brandColor: must be a colour written #rrggbb`],
  ];
  it.each(cases)('%s', async (name, expected) => {
    const error = await errorOf(loadIssueFile(issue(name)));
    expect(error.message).toBe(expected);
  });

  it('names a file that does not exist', async () => {
    const error = await errorOf(loadIssueFile(issue('nope')));
    expect(error.message).toBe(`${FIXTURES}/issues/nope.yaml:1: no such file`);
  });
});

describe('content errors on files written on the fly', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'content-load-'));
    await mkdir(join(dir, 'issues'));
    await mkdir(join(dir, 'newsletters'));
    await copyFile(`${FIXTURES}/newsletters/fixture-weekly.yaml`, join(dir, 'newsletters', 'fixture-weekly.yaml'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string) => {
    const path = join(dir, 'issues', `${name}.yaml`);
    await writeFile(path, text);
    return path;
  };
  const head = 'newsletter: fixture-weekly\nnumber: 1\ndate: "2024-01-01"\nsubject: S\npreheader: P\n';

  it('an empty file is a mapping that is missing', async () => {
    const path = await write('empty', '# nothing yet\n');
    expect((await errorOf(loadIssueFile(path))).message).toBe(`${path}:1: must be a mapping of fields, got nothing (null)`);
  });

  it('an unknown top-level field points at its key', async () => {
    const path = await write('top-typo', `${head}sections:\n  - kind: text\n    markdown: hi\nsubjetc: typo\n`);
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:9 subjetc: unknown field "subjetc" (allowed: newsletter, number, date, theme, subject, preheader, banner, sections)`,
    );
  });

  it('a block without a kind says which kinds exist', async () => {
    const path = await write('no-kind', `${head}sections:\n  - title: Hello\n    markdown: hi\n`);
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:7 sections[0].kind: is required: say which kind of block this is (one of papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`,
    );
  });

  it('a wrong type inside a nested image points at the key', async () => {
    const path = await write(
      'image-width',
      `${head}sections:\n  - kind: image\n    image:\n      src: https://a.example/x.png\n      width: wide\n      height: 10\n`,
    );
    expect((await errorOf(loadIssueFile(path))).message).toBe(`${path}:10 sections[0].image.width: must be a number, got text "wide"`);
  });

  it('an alias to nowhere is a YAML error on its line', async () => {
    const path = await write('alias', `${head}sections:\n  - *missing\n`);
    const message = (await errorOf(loadIssueFile(path))).message;
    expect(message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: invalid YAML: `));
  });

  it('a file name that cannot be an issue id is refused', async () => {
    const path = await write('Issue 7', head);
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:1: file name "Issue 7" is not a valid issue id: use lower-case letters, digits and dashes, at most 100 characters (e.g. pretrain-weekly-064.yaml)`,
    );
  });

  it('an image kept under emails/assets loads when its file is there', async () => {
    await mkdir(join(dir, 'assets', 'fixture'), { recursive: true });
    await writeFile(join(dir, 'assets', 'fixture', 'chart.png'), 'not checked here');
    await cp('emails/templates', join(dir, 'templates'), { recursive: true });
    const path = await write(
      'asset-ok',
      `${head}sections:\n  - kind: image\n    image:\n      src: fixture/chart.png\n      alt: A chart\n      width: 600\n      height: 300\n`,
    );
    const { issue: loaded } = await loadIssueFile(path);
    expect(loaded.sections[0]).toMatchObject({ kind: 'image', image: { src: 'fixture/chart.png' } });
  });

  it('an image under emails/assets that is not there names its line and the file it looked for', async () => {
    const path = await write(
      'asset-missing',
      `${head}sections:\n  - kind: text\n    markdown: hi\n  - kind: image\n    image:\n      src: fixture/missing.png\n      alt: A chart\n      width: 600\n      height: 300\n`,
    );
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:11 sections[1].image.src: no image ${join(dir, 'assets', 'fixture', 'missing.png')}: put the file there, or write the absolute https URL of the image on your CDN`,
    );
  });

  it('an image path that climbs out of emails/assets, or is not an image, is refused', async () => {
    for (const src of ['../secret.png', 'fixture/../../x.png', '/etc/x.png', 'fixture/chart.svg', 'javascript:alert(1)']) {
      const path = await write(
        'asset-bad',
        `${head}sections:\n  - kind: image\n    image:\n      src: "${src}"\n      alt: A chart\n      width: 600\n      height: 300\n`,
      );
      expect((await errorOf(loadIssueFile(path))).message, src).toBe(
        `${path}:9 sections[0].image.src: must be an absolute http(s) URL, or the path of a .png/.jpeg/.gif/.webp file under emails/assets such as pretrain-weekly/064/banner.png`,
      );
    }
  });

  it('a newsletter id of 5,000 characters is refused by its pattern before any file is looked for', async () => {
    const path = await write(
      'long-newsletter',
      `${head.replace('newsletter: fixture-weekly', `newsletter: ${'n'.repeat(5000)}`)}sections:\n  - kind: text\n    markdown: hi\n`,
    );
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:1 newsletter: must be a newsletter id (file name in emails/newsletters without .yaml): lower-case letters, digits and dashes, at most 100`,
    );
  });

  it('a date must exist in the calendar', async () => {
    for (const [date, line] of [
      ['2022-13-45', 3],
      ['2022-02-30', 3],
      ['2021-02-29', 3],
    ] as const) {
      const path = await write(`date-${date}`, `${head.replace('date: "2024-01-01"', `date: "${date}"`)}sections:\n  - kind: text\n    markdown: hi\n`);
      expect((await errorOf(loadIssueFile(path))).message, date).toBe(
        `${path}:${line} date: is not a date in the calendar (check the month and the day), e.g. 2022-11-07`,
      );
    }
    const leap = await write('date-leap', `${head.replace('date: "2024-01-01"', 'date: "2024-02-29"')}sections:\n  - kind: text\n    markdown: hi\n`);
    // A leap day is a date: whatever else this folder lacks, the date is not the complaint.
    const outcome = await loadIssueFile(leap).then(
      (loaded) => loaded.issue.date,
      (e: Error) => e.message,
    );
    expect(outcome).not.toMatch(/ date: /);
  });
});

describe('every schema mistake of a file at once', () => {
  it('lists each mistake of the issue, in file order, each with its line, field path and how to fix it', async () => {
    const file = `${FIXTURES}/issues/several-mistakes.yaml`;
    const error = await errorOf(loadIssueFile(file));
    const allowed = 'allowed: title, translatedTitle, affiliations, authors, summary, summaryDraft, url, detailsUrl';
    const expected = [
      `${file}:2 number: must be a number, got text "seven"`,
      `${file}:4 subject: must not be empty`,
      `${file}:15 sections[0].groups[0].papers[0].url: must be an http(s) or mailto URL`,
      `${file}:16 sections[0].groups[0].papers[0].abstract: unknown field "abstract" (${allowed})`,
      `${file}:17 sections[0].groups[0].papers[0].venue: unknown field "venue" (${allowed})`,
      `${file}:18 sections[0].groups[0].papers[1].summary: is required (expected text)`,
      `${file}:24 sections[1].events[0].url: is required (expected text)`,
      // The event's own rule runs although another field of it is wrong.
      `${file}:24 sections[1].events[0].time: is required unless start is given: write when it is, e.g. "Thursday 28 March, 17:00 UTC", or start: 2024-03-28T17:00:00Z`,
      `${file}:25 sections[2].kind: unknown block kind "video" (kinds: papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`,
    ];
    expect(lines(error)).toEqual(expected);
    expect(error.message).toBe(`${file}: 9 problems; fix them all, then run again:\n${expected.map((l) => `  ${l}`).join('\n')}`);
    // The first problem stays what a single-problem error always was.
    expect([error.file, error.line, error.field, error.problem]).toEqual([file, 2, 'number', 'must be a number, got text "seven"']);
  });

  it('lists each mistake of a newsletter settings file too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'content-all-'));
    try {
      await mkdir(join(dir, 'newsletters'));
      const path = join(dir, 'newsletters', 'three.yaml');
      await writeFile(
        path,
        [
          'name: Three Mistakes',
          'organisation: Org',
          'sender:',
          '  name: Three',
          '  address: not-an-address',
          'locale: en',
          'brandColor: blue',
          'postalAddress: 1 Road',
          'footer:',
          '  source: Org',
          '  disclaimer: D',
          'archiveUrl: https://a.example/issues',
          'colour: "#123456"',
          '',
        ].join('\n'),
      );
      expect(lines(await errorOf(loadNewsletter(dir, 'three')))).toEqual([
        `${path}:5 sender.address: must be an email address`,
        `${path}:7 brandColor: must be a colour written #rrggbb`,
        `${path}:13 colour: unknown field "colour" (allowed: name, organisation, sender, locale, timeZone, labels, brandColor, logo, postalAddress, footer, community, archiveUrl, list, arxivGroups, tracking, welcome, clients)`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names one problem per field, not every check that a wrong value fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'content-all-'));
    try {
      await mkdir(join(dir, 'issues'));
      const path = join(dir, 'issues', 'dates.yaml');
      await writeFile(path, 'newsletter: fixture-weekly\nnumber: 1\ndate: soon\nsubject: S\npreheader: P\nsections: []\n');
      expect(lines(await errorOf(loadIssueFile(path)))).toEqual([
        `${path}:3 date: must be a date written YYYY-MM-DD, e.g. 2022-11-07`,
        `${path}:6 sections: must hold at least one section`,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('YAML syntax errors point at the line where the problem starts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'content-yaml-'));
    await mkdir(join(dir, 'issues'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const write = async (name: string, text: string) => {
    const path = join(dir, 'issues', `${name}.yaml`);
    await writeFile(path, text);
    return path;
  };
  const unclosed = (q: string, escaped: string, runsOn: string) =>
    `invalid YAML: missing closing ${q} quote: the text that opens with ${q} on this line is never closed${runsOn}; add ${q} where it ends (write ${escaped} for a ${q} inside it)`;

  it('a double quote never closed on line 3 of an 8-line file: line 3, not the end of the file', async () => {
    const error = await errorOf(loadIssueFile(issue('unclosed-quote')));
    expect(error.message).toBe(`${FIXTURES}/issues/unclosed-quote.yaml:3: ${unclosed('"', '\\"', ' (it runs on to the end of the file)')}`);
  });

  it('a single quote never closed inside a list item', async () => {
    const path = await write('single', "newsletter: fixture-weekly\nsections:\n  - kind: text\n    title: 'Oops\n    markdown: hi\n  - kind: divider\n");
    expect((await errorOf(loadIssueFile(path))).message).toBe(`${path}:4: ${unclosed("'", "''", ' (it runs on to the end of the file)')}`);
  });

  it('a quote never closed before a later quoted value: still its own line', async () => {
    const path = await write(
      'later',
      'newsletter: fixture-weekly\nsubject: "Hello\npreheader: P\nsections:\n  - kind: text\n    title: "T"\n    markdown: hi\n',
    );
    expect((await errorOf(loadIssueFile(path))).message).toBe(`${path}:2: ${unclosed('"', '\\"', '')}`);
  });

  it('a [ list or { mapping never closed: the line of the bracket', async () => {
    const list = await write(
      'list',
      'newsletter: fixture-weekly\nnumber: 1\nsections:\n  - kind: community\n    bullets: [Meet people, Read papers\n  - kind: divider\n',
    );
    expect((await errorOf(loadIssueFile(list))).message).toBe(
      `${list}:5: invalid YAML: the [ that opens on this line is never closed: add ] where the list ends (and keep its lines indented), or write it as one "- item" per line`,
    );
    const map = await write(
      'map',
      'newsletter: fixture-weekly\nsections:\n  - kind: image\n    image: {src: "https://a.example/x.png", alt: X\n  - kind: divider\n',
    );
    expect((await errorOf(loadIssueFile(map))).message).toBe(
      `${map}:4: invalid YAML: the { that opens on this line is never closed: add } where the mapping ends (and keep its lines indented), or write it as one "field: value" per line`,
    );
  });

  it('a tab used to indent, a field given twice, a mapping out of line: their own lines, with what to do', async () => {
    const tab = await write('tab', 'newsletter: fixture-weekly\nsections:\n\t- kind: divider\n');
    expect((await errorOf(loadIssueFile(tab))).message).toBe(`${tab}:3: invalid YAML: Tabs are not allowed as indentation: indent with spaces`);
    const twice = await write('twice', 'newsletter: fixture-weekly\nsubject: One\npreheader: P\nsubject: Two\n');
    expect((await errorOf(loadIssueFile(twice))).message).toBe(
      `${twice}:4: invalid YAML: Map keys must be unique: "subject" is given twice in the same block; keep one`,
    );
    const column = await write('column', 'newsletter: fixture-weekly\nsections:\n    - kind: divider\n  - kind: divider\n');
    expect((await errorOf(loadIssueFile(column))).message).toMatch(new RegExp(`^${escapeRegExp(column)}:4: invalid YAML: `));
  });
});

describe('an image without width or height and an empty preheader load; lint warns about them', () => {
  const report = {
    htmlBytes: 1,
    encodedHtmlBytes: 1,
    encoding: 'base64' as const,
    textBytes: 1,
    budgetBytes: 95_000,
    warnBytes: 85_000,
    imageCount: 2,
    linkCount: 1,
  };

  it('warns on the lines of the image and the preheader, naming their field paths', async () => {
    const file = `${FIXTURES}/issues/unsized-image.yaml`;
    const { issue: loaded, newsletter } = await loadIssueFile(file);
    expect(loaded.preheader).toBe('');
    expect(loaded.banner[0]).toEqual({ src: 'https://assets.fixture.example/banner.png', alt: 'A banner without a size' });
    const findings = await locateFindings(lintIssue(loaded, newsletter, report), { issueFile: file, emailsDir: FIXTURES, newsletterId: newsletter.id });
    const size = 'Outlook and Gmail lay the message out before images load, so the layout jumps or the image blows up to its full size';
    expect(findings.map(formatFinding)).toEqual([
      `${file}:5 preheader: warning: preheader is empty: the inbox then shows the first body text instead (usually "View online"); write one sentence that sums up the issue`,
      `${file}:7 banner[0]: warning: image has no width or height: ${size}; write width: and height: in pixels`,
      `${file}:13 sections[1].image: warning: image has no height: ${size}; write height: in pixels`,
    ]);
  });

  it('a preheader left out or left blank is empty too; a size that is given is still checked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'content-warn-'));
    try {
      await mkdir(join(dir, 'issues'));
      await mkdir(join(dir, 'newsletters'));
      await copyFile(`${FIXTURES}/newsletters/fixture-weekly.yaml`, join(dir, 'newsletters', 'fixture-weekly.yaml'));
      await cp('emails/templates', join(dir, 'templates'), { recursive: true });
      const body = 'newsletter: fixture-weekly\nnumber: 1\ndate: "2024-01-01"\nsubject: S\n';
      const sections = 'sections:\n  - kind: text\n    markdown: hi\n';
      for (const [name, preheader] of [
        ['none', ''],
        ['blank', 'preheader:\n'],
        ['spaces', 'preheader: "   "\n'],
      ] as const) {
        const path = join(dir, 'issues', `${name}.yaml`);
        await writeFile(path, body + preheader + sections);
        expect((await loadIssueFile(path)).issue.preheader, name).toBe('');
      }
      const wide = join(dir, 'issues', 'wide.yaml');
      await writeFile(wide, `${body}preheader: P\nsections:\n  - kind: image\n    image: {src: "https://a.example/x.png", alt: X, width: 5000}\n`);
      expect((await errorOf(loadIssueFile(wide))).message).toBe(`${wide}:8 sections[0].image.width: must be at most 1200`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
