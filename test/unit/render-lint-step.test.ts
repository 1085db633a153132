// lintIssue: the editorial checks left out of the schema so that all are reported at once.
import { describe, expect, it } from 'vitest';
import { lintIssue } from '../../src/render/lint-step.ts';
import { issueSchema, newsletterSchema, type Issue, type Newsletter } from '../../src/content/schema.ts';
import type { SizeReport } from '../../src/render/types.ts';

const img = (name: string, extra: Record<string, unknown> = {}) => ({ src: `https://img.example/${name}.png`, alt: name, width: 600, height: 200, ...extra });

function newsletterWith(over: Record<string, unknown> = {}): Newsletter {
  const content = newsletterSchema.parse({
    name: 'Lint Weekly', organisation: 'Org', sender: { name: 'Lint', address: 'lint@example.com' },
    locale: 'en', brandColor: '#123456', logo: img('logo'), postalAddress: '1 Road',
    footer: { source: 'Org', disclaimer: 'D' },
    community: { text: 'Join us', qr: img('qr') },
    archiveUrl: 'https://example.com/issues', ...over,
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
  htmlBytes: encodedHtmlBytes, encodedHtmlBytes, encoding: 'base64', textBytes: 5_000,
  budgetBytes: 95_000, warnBytes: 85_000, imageCount: 3, linkCount: 10,
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
      'newsletter.logo.alt', 'banner[1].alt', 'sections[1].image.alt', 'sections[2].qr.alt', 'newsletter.community.qr.alt',
    ]);
    expect(findings[0]?.message).toBe('image has no alt text: describe it for readers who do not load images');
  });

  it('reports empty papers sections, empty groups and empty events sections as errors', () => {
    const issue = issueWith([
      { kind: 'papers', title: 'Nothing', groups: [] },
      { kind: 'papers', title: 'Half', groups: [{ field: 'CV', papers: [paper()] }, { field: 'NLP', papers: [] }] },
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
      { kind: 'papers', title: 'P', groups: [{ field: 'A', papers: [paper()] }, { field: 'B', papers: [paper(), paper(), paper('http://old.example/p.pdf')] }] },
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

  it('warns near the size budget and fails over it', () => {
    const issue = issueWith([papers]);
    expect(lintIssue(issue, newsletterWith(), report(85_000))).toEqual([]);
    expect(lintIssue(issue, newsletterWith(), report(90_000))).toEqual([
      { level: 'warning', path: undefined, message: "HTML is 87.9 KB encoded (base64), near Gmail's clipping limit (92.8 KB budget)" },
    ]);
    expect(lintIssue(issue, newsletterWith(), report(120_000))).toEqual([
      { level: 'error', path: undefined, message: 'HTML is 117.2 KB encoded (base64), over the 92.8 KB budget: Gmail clips it; shorten the issue' },
    ]);
  });
});
