// The email's accessibility and contrast lint (src/render/accessibility-lint.ts, contrast-lint.ts):
// each check catches its fault, and the sample newsletters' colours pass.
import { describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { accessibilityFindings } from '../../src/render/accessibility-lint.ts';
import { contrastRatio, darkenUntil } from '../../src/render/contrast.ts';
import { contrastFindings, darkModeRules } from '../../src/render/contrast-lint.ts';

const { issue, newsletter } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
const page = (body: string, html = '<html lang="en" dir="ltr">') => `<!doctype html>${html}<head></head><body>${body}</body></html>`;
const messages = (findings: { message: string }[]) => findings.map((f) => f.message);

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(darkenUntil('#7dd3fc', (c) => contrastRatio(c, '#ffffff') >= 4.5)).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('passes the model newsletter’s brand colour and the templates’ palettes', () => {
    expect(contrastFindings(page(''), newsletter)).toEqual([]);
  });

  it('refuses a brand colour too light for text, naming it and a darker one of the same hue that passes', () => {
    const [finding, ...rest] = contrastFindings(page(''), { ...newsletter, brandColor: '#7DD3FC' });
    expect(rest).toEqual([]);
    expect(finding!.level).toBe('error');
    expect(finding!.message).toMatch(
      /^brand colour #7dd3fc \(emails\/newsletters\/pretrain-weekly\.yaml, brandColor\) is too light for text: links and titles in the brand colour on the card 1\.\d\d:1; .*under the 4\.5:1 readers need; (#[0-9a-f]{6}) is the same hue, dark enough$/,
    );
    const better = /; (#[0-9a-f]{6}) is the same hue/.exec(finding!.message)![1]!;
    expect(contrastFindings(page(''), { ...newsletter, brandColor: better })).toEqual([]);
  });

  it('catches dark-mode code and table headers left on their light background under light text', () => {
    const dark = (extra: string) =>
      page(
        `<style>@media (prefers-color-scheme: dark) { .nl-card { background-color: #1c1d20 !important; } .nl-card div, .nl-card p { color: #e6e6e8 !important; } .nl-card .nl-muted, .nl-strip p { color: #a4a7ae !important; } .nl-strip { background-color: #111214 !important; } .nl-card a, .nl-strip a { color: #8ab4f8 !important; } .nl-card h3 { color: #8ab4f8 !important; }${extra} }</style>`,
      );
    expect(darkModeRules(dark('')).get('.nl-card p')).toEqual({ color: '#e6e6e8' });
    expect(messages(contrastFindings(dark(''), newsletter))).toEqual([
      expect.stringMatching(/^in dark mode, inline code \(#e6e6e8 on #f3f4f6\) has a contrast of 1\.\d\d:1, under 4\.5:1/),
      expect.stringMatching(/^in dark mode, code blocks \(#e6e6e8 on #f6f8fa\)/),
      expect.stringMatching(/^in dark mode, table headers \(#e6e6e8 on #f6f8fa\)/),
    ]);
    expect(
      contrastFindings(dark(' .nl-card code, .nl-card .nl-md-code, .nl-card .nl-md-table th { background-color: #2a2c31 !important; }'), newsletter),
    ).toEqual([]);
  });
});

describe('accessibility', () => {
  it('finds nothing in a well-made message', () => {
    const ok = page('<table role="presentation"><tr><td><h1>T</h1><h2>S</h2><h3>P</h3><a href="https://arxiv.org/abs/1">Read the paper</a></td></tr></table>');
    expect(accessibilityFindings(ok, issue, newsletter)).toEqual([]);
  });

  it('names each fault', () => {
    const bad = page(
      '<table><tr><td><h2>Section</h2><h4>Skipped</h4><a href="https://x.example/">click here</a> <a href="https://x.example/a/very/long/address/of/a/page">https://x.example/a/very/long/address/of/a/page</a></td></tr></table>',
      '<html>',
    );
    const withFileAlt = {
      ...issue,
      sections: [{ kind: 'image' as const, image: { src: 'https://a.example/i.png', alt: 'IMG_2041.png', width: 600, height: 300 } }],
    };
    const found = accessibilityFindings(bad, withFileAlt, newsletter);
    expect(found.map((f) => [f.level, f.path ?? '', f.message.slice(0, 48)])).toEqual([
      ['error', '', '<html> has no lang: screen readers pick the voic'],
      ['error', '', '<html> has no dir: screen readers read the order'],
      ['warning', '', '1 layout table without role="presentation" (firs'],
      ['warning', '', 'heading "Skipped" is h4 after an h2: screen read'],
      ['warning', '', 'link text "click here" does not say where it goe'],
      ['warning', '', 'link text is the address itself (https://x.examp'],
      ['warning', 'sections[0].image.alt', 'alt text "IMG_2041.png" is a file name: describe'],
    ]);
  });

  it('names a file name as the alt text of an image written in Markdown (only in the HTML), once', () => {
    const html = page('<p><img src="https://a.example/p.jpg" alt="IMG_1234.jpg"> <img src="https://a.example/q.jpg" alt="IMG_1234.jpg"></p>');
    expect(accessibilityFindings(html, issue, newsletter).map((f) => [f.path ?? '', f.message])).toEqual([
      ['', 'alt text "IMG_1234.jpg" is a file name: describe what the image shows (in the Markdown, between the brackets of ![…](…))'],
    ]);
    // The same image as a section: named once, by its field.
    const asSection = {
      ...issue,
      sections: [{ kind: 'image' as const, image: { src: 'https://a.example/p.jpg', alt: 'IMG_1234.jpg', width: 600, height: 300 } }],
    };
    expect(accessibilityFindings(html, asSection, newsletter).map((f) => f.path ?? '')).toEqual(['sections[0].image.alt']);
  });

  it('finds nothing in the sample issues as rendered', async () => {
    const { createRenderer } = await import('../../src/render/index.ts');
    const { encodedSizes } = await import('../../src/mail/index.ts');
    for (const name of ['pretrain-weekly-064', 'field-notes-012', 'shipping-log-031']) {
      const loaded = await loadIssueFile(`emails/issues/${name}.yaml`);
      const rendered = await createRenderer(loaded.templates, { encodedSizes }).renderIssue(loaded.issue, loaded.newsletter);
      const html = rendered.html;
      expect(accessibilityFindings(html, loaded.issue, loaded.newsletter), name).toEqual([]);
      expect(contrastFindings(html, loaded.newsletter), name).toEqual([]);
    }
  });
});
