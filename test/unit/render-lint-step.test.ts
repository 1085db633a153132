// lintIssue: the editorial checks left out of the schema so that all are reported at once.
import { describe, expect, it } from 'vitest';
import { lintIssue } from '../../src/render/lint-step.ts';
import { issueSchema, newsletterSchema, type Issue, type Newsletter } from '../../src/content/schema.ts';
import type { SizeReport } from '../../src/render/types.ts';

const img = (name: string, extra: Record<string, unknown> = {}) => ({ src: `https://img.example/${name}.png`, alt: name, width: 600, height: 200, ...extra });

function newsletterWith(over: Record<string, unknown> = {}): Newsletter {
  const content = newsletterSchema.parse({
    name: 'Lint Weekly',
    organisation: 'Org',
    sender: { name: 'Lint', address: 'lint@example.com' },
    locale: 'en',
    brandColor: '#123456',
    logo: img('logo'),
    postalAddress: '1 Road',
    footer: { source: 'Org', disclaimer: 'D' },
    community: { text: 'Join us', qr: img('qr') },
    archiveUrl: 'https://example.com/issues',
    ...over,
  });
  return { ...content, id: 'lint-weekly', listId: 'lint-weekly' };
}

function issueWith(sections: unknown[], over: Record<string, unknown> = {}): Issue {
  const content = issueSchema.parse({ newsletter: 'lint-weekly', number: 1, date: '2024-01-01', subject: 'S', preheader: 'P', sections, ...over });
  return { ...content, id: 'lint-1' };
}

const paper = (url = 'https://arxiv.org/pdf/1.pdf') => ({ title: 'T', authors: ['A'], summary: 'S', url });
const papers = { kind: 'papers', title: 'Papers', groups: [{ field: 'NLP', papers: [paper()] }] };
const report = (encodedHtmlBytes = 40_000): SizeReport => ({
  htmlBytes: encodedHtmlBytes,
  encodedHtmlBytes,
  encoding: 'base64',
  textBytes: 5_000,
  budgetBytes: 95_000,
  warnBytes: 85_000,
  imageCount: 3,
  linkCount: 10,
});

describe('lintIssue', () => {
  it('finds nothing in a clean issue', () => {
    expect(lintIssue(issueWith([papers, { kind: 'community' }]), newsletterWith(), report())).toEqual([]);
  });

  it('reports every image without alt text, in the issue and in the newsletter', () => {
    const noAlt = (name: string) => img(name, { alt: undefined });
    const issue = issueWith(
      [papers, { kind: 'image', image: noAlt('section') }, { kind: 'community', qr: img('own-qr', { alt: '  ' }) }, { kind: 'community' }],
      { banner: [img('banner-ok'), noAlt('banner')] },
    );
    const newsletter = newsletterWith({ logo: noAlt('logo'), community: { text: 'Join', qr: noAlt('qr') } });
    const findings = lintIssue(issue, newsletter, report());
    expect(findings.filter((f) => f.level === 'error').map((f) => f.path)).toEqual([
      'newsletter.logo.alt',
      'banner[1].alt',
      'sections[1].image.alt',
      'sections[2].qr.alt',
      'newsletter.community.qr.alt',
    ]);
    expect(findings[0]?.message).toBe('image has no alt text: describe it for readers who do not load images');
  });

  it('reports empty papers sections, empty groups and empty events sections as errors', () => {
    const issue = issueWith([
      { kind: 'papers', title: 'Nothing', groups: [] },
      {
        kind: 'papers',
        title: 'Half',
        groups: [
          { field: 'CV', papers: [paper()] },
          { field: 'NLP', papers: [] },
        ],
      },
      { kind: 'events', title: 'None', events: [] },
      { kind: 'navigation' },
    ]);
    expect(lintIssue(issue, newsletterWith(), report())).toEqual([
      { level: 'error', path: 'sections[0].groups', message: 'papers section has no papers: add a group or remove the section' },
      { level: 'error', path: 'sections[1].groups[1].papers', message: 'group "NLP" has no papers: add one or remove the group' },
      { level: 'error', path: 'sections[2].events', message: 'events section has no events: add one or remove the section' },
      { level: 'error', path: 'sections[3]', message: 'navigation section has neither previous nor next: add one or remove the section' },
    ]);
  });

  it('warns about plain-http links and images with their field paths', () => {
    const issue = issueWith([
      {
        kind: 'papers',
        title: 'P',
        groups: [
          { field: 'A', papers: [paper()] },
          { field: 'B', papers: [paper(), paper(), paper('http://old.example/p.pdf')] },
        ],
      },
      { kind: 'image', image: img('x', { src: 'http://img.example/x.png' }) },
      { kind: 'text', markdown: 'See [the notes](http://notes.example/) and [ok](https://ok.example/).' },
    ]);
    const findings = lintIssue(issue, newsletterWith(), report());
    expect(findings).toEqual([
      { level: 'warning', path: 'sections[1].image.src', message: 'uses plain http (http://img.example/x.png): prefer https' },
      { level: 'warning', path: 'sections[0].groups[1].papers[2].url', message: 'uses plain http (http://old.example/p.pdf): prefer https' },
      { level: 'warning', path: 'sections[2].markdown', message: 'uses plain http (http://notes.example/): prefer https' },
    ]);
  });

  it('refuses Markdown links that are relative or use another scheme', () => {
    const issue = issueWith([{ kind: 'text', markdown: '[rel](/issues/3) [js](javascript:alert(1)) [mail](mailto:a@example.com)' }]);
    expect(lintIssue(issue, newsletterWith(), report()).map((f) => [f.level, f.message])).toEqual([
      ['error', 'link "/issues/3" must be an absolute http(s) or mailto URL'],
      ['error', 'link "javascript:alert(1)" must be an absolute http(s) or mailto URL'],
    ]);
  });

  it("warns about plain http in every kind of link and image source, the newsletter's included", () => {
    const issue = issueWith([
      { kind: 'papers', title: 'P', groups: [{ field: 'A', papers: [{ ...paper(), detailsUrl: 'http://notes.example/1' }] }] },
      { kind: 'events', title: 'E', events: [{ title: 'Talk', time: 'Mon', url: 'http://events.example/talk' }] },
      { kind: 'image', image: img('x', { href: 'http://img.example/page' }) },
      { kind: 'text', markdown: 'A picture: ![chart](http://img.example/chart.png)' },
      { kind: 'navigation', previous: { title: 'Prev', url: 'http://example.com/issues/0' }, next: { title: 'Next', url: 'https://example.com/issues/2' } },
    ]);
    const newsletter = newsletterWith({ archiveUrl: 'http://example.com/issues', logo: img('logo', { src: 'http://img.example/logo.png' }) });
    expect(lintIssue(issue, newsletter, report()).map((f) => [f.level, f.path])).toEqual([
      // The Markdown image's missing size (markdown-lint.ts), then the http sources.
      ['warning', 'sections[3].markdown'],
      ['warning', 'newsletter.archiveUrl'],
      ['warning', 'newsletter.logo.src'],
      ['warning', 'sections[2].image.href'],
      ['warning', 'sections[0].groups[0].papers[0].detailsUrl'],
      ['warning', 'sections[1].events[0].url'],
      ['warning', 'sections[3].markdown'],
      ['warning', 'sections[4].previous.url'],
    ]);
  });

  it('warns about images without width or height, which the schema accepts, with their field paths', () => {
    const unsized = (over: Record<string, unknown>) => ({ ...img('unsized'), ...over });
    const size = 'Outlook and Gmail lay the message out before images load, so the layout jumps or the image blows up to its full size';
    const issue = issueWith(
      [
        papers,
        { kind: 'image', image: img('sized') },
        { kind: 'sponsor', name: 'N', text: 'Ad', url: 'https://n.example/', image: unsized({ width: undefined }) },
      ],
      { banner: [unsized({ width: undefined, height: undefined })] },
    );
    const newsletter = newsletterWith({ logo: unsized({ height: undefined }) });
    expect(lintIssue(issue, newsletter, report())).toEqual([
      { level: 'warning', path: 'newsletter.logo', message: `image has no height: ${size}; write height: in pixels` },
      { level: 'warning', path: 'banner[0]', message: `image has no width or height: ${size}; write width: and height: in pixels` },
      { level: 'warning', path: 'sections[2].image', message: `image has no width: ${size}; write width: in pixels` },
    ]);
    expect(lintIssue(issueWith([papers, { kind: 'image', image: img('sized') }], { banner: [img('b')] }), newsletterWith(), report())).toEqual([]);
  });

  it('warns about a subject wider than about 70 characters, CJK counting 2 and {{name}} 10', () => {
    const lint = (subject: string) => lintIssue(issueWith([papers], { subject }), newsletterWith(), report());
    expect(lint('a'.repeat(70))).toEqual([]);
    expect(lint('a'.repeat(71))).toEqual([
      {
        level: 'warning',
        path: 'subject',
        message:
          'subject is 71 characters wide (wide characters such as CJK count 2): most inbox lists show about 70 (35 CJK) and clip the rest; shorten it and move the details to the preheader',
      },
    ]);
    expect(lint('周'.repeat(35))).toEqual([]);
    expect(lint(`${'周'.repeat(34)}：a`)).toEqual([
      {
        level: 'warning',
        path: 'subject',
        message:
          'subject is 71 characters wide (wide characters such as CJK count 2): most inbox lists show about 70 (35 CJK) and clip the rest; shorten it and move the details to the preheader',
      },
    ]);
    // One grapheme each: a family emoji (5 code points), é written as e + combining accent.
    // Emoji drawn as pictures are wide too.
    expect(lint(`${'👩‍👩‍👧'.repeat(10)}${'e\u0301'.repeat(50)}`)).toEqual([]);
    expect(lint(`${'👩‍👩‍👧'.repeat(10)}${'e\u0301'.repeat(51)}`).map((f) => f.message.slice(0, 30))).toEqual(['subject is 71 characters wide ']);
    expect(lint(`{{name "friend"}}, ${'a'.repeat(58)}`)).toEqual([]);
    expect(lint(`{{name "friend"}}, ${'a'.repeat(59)}`)).toEqual([
      {
        level: 'warning',
        path: 'subject',
        message:
          'subject is 71 characters wide (wide characters such as CJK count 2, {{name}} counts 10): most inbox lists show about 70 (35 CJK) and clip the rest; shorten it and move the details to the preheader',
      },
    ]);
  });

  it('warns about an empty preheader, which the schema accepts (left out, blank, whitespace and zero-width characters included)', () => {
    const lint = (over: Record<string, unknown>) => lintIssue(issueWith([papers], over), newsletterWith(), report());
    const empty = {
      level: 'warning',
      path: 'preheader',
      message: 'preheader is empty: the inbox then shows the first body text instead (usually "View online"); write one sentence that sums up the issue',
    };
    expect(lint({ preheader: '' })).toEqual([empty]);
    expect(lint({ preheader: null })).toEqual([empty]);
    expect(lint({ preheader: undefined })).toEqual([empty]);
    expect(lint({ preheader: ' \u200b\u00a0 ' })).toEqual([empty]);
    expect(lint({ preheader: 'Three papers on memory.' })).toEqual([]);
  });

  it('warns about {{name}} without a fallback in the subject or in the preheader', () => {
    const lint = (subject: string, preheader: string) => lintIssue(issueWith([papers], { subject, preheader }), newsletterWith(), report());
    const message = '{{name}} without a fallback reads "reader" for subscribers without a name: consider {{name "…"}}';
    expect(lint('{{name}}, three papers', 'On memory.')).toEqual([{ level: 'warning', path: 'subject', message }]);
    expect(lint('Three papers', 'A note for {{name}}: on memory.')).toEqual([{ level: 'warning', path: 'preheader', message }]);
    expect(lint('{{name}}, three papers', 'A note for {{ name }}.')).toEqual([{ level: 'warning', path: 'subject', message }]);
    // One fallback, in either field, serves both.
    expect(lint('{{name}}, three papers', 'A note for {{name "friend"}}.')).toEqual([]);
    expect(lint('{{name "friend"}}, three papers', 'A note for {{name}}.')).toEqual([]);
  });

  it('warns near the size budget and fails at or over it, saying the encoded size and what to cut', () => {
    const issue = issueWith([papers]);
    const cut = 'cut text: fewer papers, shorter summaries or one section less (images do not count, they load separately)';
    expect(lintIssue(issue, newsletterWith(), report(84_999))).toEqual([]);
    expect(lintIssue(issue, newsletterWith(), report(85_000))).toEqual([
      {
        level: 'warning',
        path: undefined,
        message: `the HTML part is 83.0 KB on the wire (base64), near the 92.8 KB budget under Gmail's clip at about 102 KB; to keep room, ${cut}`,
      },
    ]);
    expect(lintIssue(issue, newsletterWith(), report(90_000))).toEqual([
      {
        level: 'warning',
        path: undefined,
        message: `the HTML part is 87.9 KB on the wire (base64), near the 92.8 KB budget under Gmail's clip at about 102 KB; to keep room, ${cut}`,
      },
    ]);
    expect(lintIssue(issue, newsletterWith(), report(95_000))).toEqual([
      {
        level: 'error',
        path: undefined,
        message: `the HTML part is 92.8 KB on the wire (base64), over the 92.8 KB budget: Gmail clips messages past about 102 KB and hides the rest, unsubscribe link included; ${cut}`,
      },
    ]);
    expect(lintIssue(issue, newsletterWith(), report(120_000))).toEqual([
      {
        level: 'error',
        path: undefined,
        message: `the HTML part is 117.2 KB on the wire (base64), over the 92.8 KB budget: Gmail clips messages past about 102 KB and hides the rest, unsubscribe link included; ${cut}`,
      },
    ]);
  });
});
