// The editor's commands end to end, as a child process: `build` writes both samples, invalid
// content exits 1 with one stderr line per mistake and writes nothing, `lint` gates on errors.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const cli = (...args: string[]) => runCli(args);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cli-build-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('newsletter build', () => {
  it('writes email.html and email.txt for 《预训练周刊》第64期 and prints the size report', async () => {
    const out = join(tmp, 'out-64');
    const run = await cli('build', 'emails/issues/pretrain-weekly-064.yaml', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pretrain-weekly-064');
    expect(run.stdout).toMatch(/html\s+\d+\.\d KB on the wire \((base64|quoted-printable)\)/);

    const html = await readFile(join(out, 'pretrain-weekly-064', 'email.html'), 'utf8');
    const text = await readFile(join(out, 'pretrain-weekly-064', 'email.txt'), 'utf8');
    expect(html).toContain('lang="zh-CN"');
    expect(html).not.toContain('fonts.googleapis.com');
    expect(html).not.toContain('%%NL_');
    expect(html).toContain('https://example.com/unsubscribe/SAMPLE');
    expect(text).not.toContain('%%NL_');
    for (const title of [
      'Adversarial Pretraining of Self-Supervised Deep Networks',
      'Large Language Models Can Self-Improve',
      '脑认知指导的预训练语言模型',
      '语言模型的新微调方式',
    ]) {
      expect(text).toContain(title);
    }
  });

  it('writes the English sample too', async () => {
    const out = join(tmp, 'out-12');
    const run = await cli('build', 'emails/issues/field-notes-012.yaml', '--out', out);
    expect(run.code).toBe(0);
    const html = await readFile(join(out, 'field-notes-012', 'email.html'), 'utf8');
    const text = await readFile(join(out, 'field-notes-012', 'email.txt'), 'utf8');
    expect(html).toContain('lang="en"');
    expect(text).toContain('FlashAttention');
    expect(text).toContain('Field Notes #11');
  });

  it('on invalid content exits 1 with one stderr line and writes nothing', async () => {
    const out = join(tmp, 'out-broken');
    const run = await cli('build', 'test/fixtures/content/emails/issues/javascript-url.yaml', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'newsletter: test/fixtures/content/emails/issues/javascript-url.yaml:19 sections[0].groups[0].papers[1].url: must be an http(s) or mailto URL\n',
    );
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('on several mistakes names them all, one line each, and writes nothing; send refuses the same way', async () => {
    const file = 'test/fixtures/content/emails/issues/several-mistakes.yaml';
    const out = join(tmp, 'out-several');
    const run = await cli('build', file, '--out', out);
    expect(run.code).toBe(1);
    const [head, ...problems] = run.stderr.trimEnd().split('\n');
    expect(head).toBe(`newsletter: ${file}: 9 problems; fix them all, then run again:`);
    expect(problems.map((l) => l.replace(/^ {2}/, '').split(' ')[0])).toEqual([2, 4, 15, 16, 17, 18, 24, 24, 25].map((n) => `${file}:${n}`));
    expect(problems[0]).toBe(`  ${file}:2 number: must be a number, got text "seven"`);
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });

    const send = await cli('send', file, '--yes');
    expect(send.code).toBe(1);
    expect(send.stderr).toBe(run.stderr);
  });

  it('on broken YAML exits 1 with the parser message and writes nothing', async () => {
    const out = join(tmp, 'out-yaml');
    const run = await cli('build', 'test/fixtures/content/emails/issues/broken-yaml.yaml', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'newsletter: test/fixtures/content/emails/issues/broken-yaml.yaml:14: invalid YAML: Nested mappings are not allowed in compact mappings: put text that contains ": " in quotes, e.g. summary: "Attention: a survey" (or, if the next line is a field of its own, indent it as far as this one)\n',
    );
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('newsletter build with lint errors', () => {
  it('writes the files for a look but exits 1, naming newsletter lint', async () => {
    const emails = join(tmp, 'build-lint', 'emails');
    await mkdir(join(emails, 'issues'), { recursive: true });
    await cp('emails/templates', join(emails, 'templates'), { recursive: true });
    await cp('test/fixtures/content/emails/newsletters', join(emails, 'newsletters'), { recursive: true });
    await cp('test/fixtures/content/emails/issues/lint-errors.yaml', join(emails, 'issues', 'lint-errors.yaml'));
    const file = join(emails, 'issues', 'lint-errors.yaml');
    const out = join(tmp, 'out-lint');

    const run = await cli('build', file, '--out', out);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:7 banner[0].alt: error: image has no alt text`);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('2 lint errors');
    expect(run.stderr).toContain(`newsletter lint ${file}`);
    const [issueDir] = await readdir(out);
    expect(issueDir).toBeDefined();
    expect((await readdir(join(out, issueDir!))).sort()).toEqual(['email.html', 'email.txt']);
    expect(await readFile(join(out, issueDir!, 'email.html'), 'utf8')).toContain('<html');
  });
});

describe('newsletter lint', () => {
  it('passes the sample issue', async () => {
    const run = await cli('lint', 'emails/issues/pretrain-weekly-064.yaml');
    expect(run.stdout.split('\n').filter((l) => l.includes(': error: '))).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('prints each finding as file:line path and exits 1 on errors', async () => {
    // A throwaway emails/ folder: the fixture issue with the real templates.
    const emails = join(tmp, 'lint', 'emails');
    await mkdir(join(emails, 'issues'), { recursive: true });
    await cp('emails/templates', join(emails, 'templates'), { recursive: true });
    await cp('test/fixtures/content/emails/newsletters', join(emails, 'newsletters'), { recursive: true });
    await cp('test/fixtures/content/emails/issues/lint-errors.yaml', join(emails, 'issues', 'lint-errors.yaml'));
    const file = join(emails, 'issues', 'lint-errors.yaml');

    const run = await cli('lint', file);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain(`${file}:7 banner[0].alt: error: image has no alt text: describe it for readers who do not load images`);
    expect(lines).toContain(`${file}:15 sections[0].groups[0].papers: error: group "Empty group" has no papers: add one or remove the group`);
    expect(lines).toContain(`${file}:21 sections[1].events[0].url: warning: uses plain http (http://example.com/talk): prefer https`);
    // Besides the client-support warnings the templates' HTML gets (test/integration/lint-clients.test.ts).
    const clientWarnings = lines.filter((l) => l.includes(': warning: client support: ')).length;
    expect(run.stderr).toContain(`2 errors, ${1 + clientWarnings} warnings`);
  });

  /** A fixture issue in a throwaway emails/ folder with the real templates. */
  async function fixtureIssue(name: string): Promise<string> {
    const emails = join(tmp, `lint-${name}`, 'emails');
    await mkdir(join(emails, 'issues'), { recursive: true });
    await cp('emails/templates', join(emails, 'templates'), { recursive: true });
    await cp('test/fixtures/content/emails/newsletters', join(emails, 'newsletters'), { recursive: true });
    await cp(`test/fixtures/content/emails/issues/${name}.yaml`, join(emails, 'issues', `${name}.yaml`));
    return join(emails, 'issues', `${name}.yaml`);
  }

  it('prints every schema mistake of a file in one run, each as a finding in file order, and exits 1', async () => {
    const file = await fixtureIssue('several-mistakes');
    const run = await cli('lint', file);
    expect(run.code).toBe(1);
    const paper = 'sections[0].groups[0].papers';
    const allowed = 'allowed: title, translatedTitle, affiliations, authors, summary, summaryDraft, url, detailsUrl';
    expect(run.stdout.trim().split('\n')).toEqual([
      `${file}:2 number: error: must be a number, got text "seven"`,
      `${file}:4 subject: error: must not be empty`,
      `${file}:15 ${paper}[0].url: error: must be an http(s) or mailto URL`,
      `${file}:16 ${paper}[0].abstract: error: unknown field "abstract" (${allowed})`,
      `${file}:17 ${paper}[0].venue: error: unknown field "venue" (${allowed})`,
      `${file}:18 ${paper}[1].summary: error: is required (expected text)`,
      `${file}:24 sections[1].events[0].url: error: is required (expected text)`,
      `${file}:24 sections[1].events[0].time: error: is required unless start is given: write when it is, e.g. "Thursday 28 March, 17:00 UTC", or start: 2024-03-28T17:00:00Z`,
      `${file}:25 sections[2].kind: error: unknown block kind "video" (kinds: papers, events, community, image, text, navigation, button, quote, links, sponsor, divider)`,
    ]);
    expect(run.stderr).toBe(`${file}: 9 errors; the file does not load: fix them, then lint again for the other checks\n`);
  });

  it('reports a quote never closed on the line it opens on', async () => {
    const file = await fixtureIssue('unclosed-quote');
    const run = await cli('lint', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `${file}:3: error: invalid YAML: missing closing " quote: the text that opens with " on this line is never closed (it runs on to the end of the file); add " where it ends (write \\" for a " inside it)\n`,
    );
    expect(run.stderr).toMatch(/: 1 error; the file does not load/);
  });

  it('warns (exit 0) about an image without width or height and an empty preheader, on their lines', async () => {
    const file = await fixtureIssue('unsized-image');
    const run = await cli('lint', file);
    expect(run.code).toBe(0);
    const size = 'Outlook and Gmail lay the message out before images load, so the layout jumps or the image blows up to its full size';
    const lines = run.stdout.trim().split('\n');
    const clientWarnings = lines.filter((l) => l.includes(': warning: client support: ')).length;
    expect(lines.filter((l) => !l.includes(': warning: client support: '))).toEqual([
      `${file}:5 preheader: warning: preheader is empty: the inbox then shows the first body text instead (usually "View online"); write one sentence that sums up the issue`,
      `${file}:7 banner[0]: warning: image has no width or height: ${size}; write width: and height: in pixels`,
      `${file}:13 sections[1].image: warning: image has no height: ${size}; write height: in pixels`,
    ]);
    expect(run.stderr).toContain(`: 0 errors, ${3 + clientWarnings} warnings; html `);
  });
});

describe('newsletter preview', () => {
  it('writes the HTML to a temp file and prints its path and the text part', async () => {
    const run = await cli('preview', 'emails/issues/field-notes-012.yaml');
    expect(run.code).toBe(0);
    const [path] = run.stdout.split('\n');
    expect(path).toMatch(/email\.html$/);
    const html = await readFile(path!, 'utf8');
    expect(html).toContain('lang="en"');
    expect(run.stdout).toContain('FlashAttention');
    // Its own fresh folder under the OS temp dir, holding only the HTML: nothing in the repo.
    expect(dirname(path!).startsWith(join(tmpdir(), 'newsletter-preview-field-notes-012-'))).toBe(true);
    expect(await readdir(dirname(path!))).toEqual(['email.html']);
    await rm(dirname(path!), { recursive: true, force: true });
    await expect(stat(path!)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
