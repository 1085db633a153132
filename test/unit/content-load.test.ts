// Loading content files: the two samples load, and each kind of mistake gives exactly one line
// naming file, line, field path and what was expected.
import { cp, mkdtemp, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentError, listIssueFiles, loadIssueFile, loadNewsletter, loadTemplates } from '../../src/content/index.ts';
import { UserError } from '../../src/errors.ts';

const FIXTURES = 'test/fixtures/content/emails';
const issue = (name: string) => `${FIXTURES}/issues/${name}.yaml`;

async function errorOf(promise: Promise<unknown>): Promise<ContentError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ContentError);
  expect(error).toBeInstanceOf(UserError);
  const message = (error as ContentError).message;
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/\bat .*\.ts:\d+/); // no stack frames in the message
  return error as ContentError;
}

describe('the sample issues', () => {
  it('loads 《预训练周刊》第64期 with every block of the reference issue', async () => {
    const { issue: loaded, newsletter } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
    expect(loaded.id).toBe('pretrain-weekly-064');
    expect(loaded.subject).toBe('《预训练周刊》第64期:微调新范式:组合、噪音、指令、自我改进等');
    expect(newsletter).toMatchObject({ id: 'pretrain-weekly', listId: 'pretrain-weekly', locale: 'zh-CN', organisation: '智源社区 · 预训练组' });
    expect(newsletter.footer.source).toBe('智源社区');

    const kinds = loaded.sections.map((s) => s.kind);
    expect(kinds).toEqual([
      'text', 'image', 'image', 'image', 'image', 'image', 'papers',
      'image', 'image', 'image', 'image', 'image', 'events',
      'image', 'image', 'image', 'community', 'navigation',
    ]);
    const papers = loaded.sections.find((s) => s.kind === 'papers');
    expect(papers?.kind === 'papers' && papers.groups.map((g) => [g.field, g.papers.length])).toEqual([
      ['【CV研究】', 2], ['【NLP研究】', 5], ['【生命科学研究】', 1],
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
    ['broken-yaml', `${FIXTURES}/issues/broken-yaml.yaml:14: invalid YAML: Nested mappings are not allowed in compact mappings`],
    ['wrong-type', `${FIXTURES}/issues/wrong-type.yaml:2 number: must be a number, got text "seven"`],
    ['missing-field', `${FIXTURES}/issues/missing-field.yaml:16 sections[0].groups[0].papers[1].summary: is required (expected text)`],
    ['unknown-field', `${FIXTURES}/issues/unknown-field.yaml:19 sections[0].groups[0].papers[1].abstract: unknown field "abstract" (allowed: title, translatedTitle, affiliations, authors, summary, url, detailsUrl)`],
    ['unknown-kind', `${FIXTURES}/issues/unknown-kind.yaml:20 sections[1].kind: unknown block kind "video" (kinds: papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`],
    ['javascript-url', `${FIXTURES}/issues/javascript-url.yaml:19 sections[0].groups[0].papers[1].url: must be an http(s) or mailto URL`],
    ['bad-url', `${FIXTURES}/issues/bad-url.yaml:25 sections[1].events[0].url: must be an http(s) or mailto URL`],
    ['missing-newsletter', `${FIXTURES}/issues/missing-newsletter.yaml:1 newsletter: no newsletter "no-such-letter": ${FIXTURES}/newsletters/no-such-letter.yaml does not exist`],
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
      `${path}:9 subjetc: unknown field "subjetc" (allowed: newsletter, number, date, theme, subject, preheader, banner, sections)`);
  });

  it('a block without a kind says which kinds exist', async () => {
    const path = await write('no-kind', `${head}sections:\n  - title: Hello\n    markdown: hi\n`);
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:7 sections[0].kind: is required: say which kind of block this is (one of papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`);
  });

  it('a wrong type inside a nested image points at the key', async () => {
    const path = await write('image-width', `${head}sections:\n  - kind: image\n    image:\n      src: https://a.example/x.png\n      width: wide\n      height: 10\n`);
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
      `${path}:1: file name "Issue 7" is not a valid issue id: use lower-case letters, digits and dashes, at most 100 characters (e.g. pretrain-weekly-064.yaml)`);
  });

  it('an image kept under emails/assets loads when its file is there', async () => {
    await mkdir(join(dir, 'assets', 'fixture'), { recursive: true });
    await writeFile(join(dir, 'assets', 'fixture', 'chart.png'), 'not checked here');
    await cp('emails/templates', join(dir, 'templates'), { recursive: true });
    const path = await write('asset-ok', `${head}sections:\n  - kind: image\n    image:\n      src: fixture/chart.png\n      alt: A chart\n      width: 600\n      height: 300\n`);
    const { issue: loaded } = await loadIssueFile(path);
    expect(loaded.sections[0]).toMatchObject({ kind: 'image', image: { src: 'fixture/chart.png' } });
  });

  it('an image under emails/assets that is not there names its line and the file it looked for', async () => {
    const path = await write('asset-missing', `${head}sections:\n  - kind: text\n    markdown: hi\n  - kind: image\n    image:\n      src: fixture/missing.png\n      alt: A chart\n      width: 600\n      height: 300\n`);
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:11 sections[1].image.src: no image ${join(dir, 'assets', 'fixture', 'missing.png')}: put the file there, or write the absolute https URL of the image on your CDN`);
  });

  it('an image path that climbs out of emails/assets, or is not an image, is refused', async () => {
    for (const src of ['../secret.png', 'fixture/../../x.png', '/etc/x.png', 'fixture/chart.svg', 'javascript:alert(1)']) {
      const path = await write('asset-bad', `${head}sections:\n  - kind: image\n    image:\n      src: "${src}"\n      alt: A chart\n      width: 600\n      height: 300\n`);
      expect((await errorOf(loadIssueFile(path))).message, src).toBe(
        `${path}:9 sections[0].image.src: must be an absolute http(s) URL, or the path of a .png/.jpeg/.gif/.webp file under emails/assets such as pretrain-weekly/064/banner.png`);
    }
  });

  it('a newsletter id of 5,000 characters is refused by its pattern before any file is looked for', async () => {
    const path = await write('long-newsletter', head.replace('newsletter: fixture-weekly', `newsletter: ${'n'.repeat(5000)}`) + 'sections:\n  - kind: text\n    markdown: hi\n');
    expect((await errorOf(loadIssueFile(path))).message).toBe(
      `${path}:1 newsletter: must be a newsletter id (file name in emails/newsletters without .yaml): lower-case letters, digits and dashes, at most 100`);
  });

  it('a date must exist in the calendar', async () => {
    for (const [date, line] of [['2022-13-45', 3], ['2022-02-30', 3], ['2021-02-29', 3]] as const) {
      const path = await write(`date-${date}`, head.replace('date: "2024-01-01"', `date: "${date}"`) + 'sections:\n  - kind: text\n    markdown: hi\n');
      expect((await errorOf(loadIssueFile(path))).message, date).toBe(`${path}:${line} date: is not a date in the calendar (check the month and the day), e.g. 2022-11-07`);
    }
    const leap = await write('date-leap', head.replace('date: "2024-01-01"', 'date: "2024-02-29"') + 'sections:\n  - kind: text\n    markdown: hi\n');
    // A leap day is a date: whatever else this folder lacks, the date is not the complaint.
    const outcome = await loadIssueFile(leap).then((loaded) => loaded.issue.date, (e: Error) => e.message);
    expect(outcome).not.toMatch(/ date: /);
  });


});
