// Properties of the real templates on the sample issues: the body rules of docs/standards.md,
// hostile content, and the double opt-in email.
import { encodedSizes } from '../../src/mail/index.ts';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile, type LoadedIssue } from '../../src/content/index.ts';
import type { Issue, Newsletter } from '../../src/content/schema.ts';
import { UserError } from '../../src/errors.ts';
import { FONT_STACK } from '../../src/render/defaults.ts';
import { createRenderer, personalise, type RenderedIssue } from '../../src/render/index.ts';

const sample = (name: string) => fileURLToPath(new URL(`../../emails/issues/${name}.yaml`, import.meta.url));

let loaded: LoadedIssue;
let rendered: RenderedIssue;

beforeAll(async () => {
  loaded = await loadIssueFile(sample('pretrain-weekly-064'));
  rendered = await createRenderer(loaded.templates, { assetsUrl: ASSETS_URL, encodedSizes }).renderIssue(loaded.issue, loaded.newsletter);
});

const ASSETS_URL = 'https://cdn.example.test/newsletter-assets';

const head = (html: string) => html.slice(html.indexOf('<head>'), html.indexOf('</head>'));

describe('per-recipient tokens cannot come from content', () => {
  it("token text an editor wrote is sent literally: in text, in a link, in the subject; only the templates' tokens are spliced", async () => {
    const issue: Issue = structuredClone(loaded.issue);
    issue.subject = 'Quoting %%NL_NAME%% in a subject';
    const text = issue.sections.find((s) => s.kind === 'text');
    if (text?.kind === 'text') text.markdown = 'We write tokens as %%NL_NAME%% and %%NL_UNSUBSCRIBE_URL%%.';
    const papers = issue.sections.find((s) => s.kind === 'papers');
    if (papers?.kind === 'papers') papers.groups[0]!.papers[0]!.url = 'https://third-party.example/track?u=%%NL_UNSUBSCRIBE_URL%%';
    const out = await createRenderer(loaded.templates, { assetsUrl: ASSETS_URL, encodedSizes }).renderIssue(issue, loaded.newsletter);
    const secret = 'https://news.example.test/unsubscribe/SECRET-TOKEN-OF-THIS-READER';
    const mail = personalise(out, {
      unsubscribeUrl: secret,
      viewOnlineUrl: 'https://news.example.test/issues/x',
      preferencesUrl: 'https://news.example.test/preferences/x',
      name: '林美',
    });
    expect(out.subject).toBe('Quoting %%NL_NAME%% in a subject');
    // (Handlebars writes the = of the query as &#x3D;, which a mail client reads as =.)
    expect(mail.html).toContain('href="https://third-party.example/track?u&#x3D;%%NL_UNSUBSCRIBE_URL%%"');
    expect(mail.html).toContain('We write tokens as %%NL_NAME%% and %%NL_UNSUBSCRIBE_URL%%.');
    expect(mail.text).toContain('We write tokens as %%NL_NAME%% and %%NL_UNSUBSCRIBE_URL%%.');
    expect(mail.text).toContain('https://third-party.example/track?u=%%NL_UNSUBSCRIBE_URL%%');
    // The reader's own values still go where the templates put them, and nowhere else.
    expect(mail.html).toContain('林美');
    expect(mail.html.split(secret).length - 1).toBe(out.splice.html.tokens.filter((t) => t === 'UNSUBSCRIBE_URL').length);
    expect(mail.html).not.toContain('\uE000');
    expect(mail.text).not.toContain('\uE000');
    // The fast path sends the same parts.
    expect(out.splice.html.parts.join('')).toContain('?u&#x3D;%%NL_UNSUBSCRIBE_URL%%');
  });
});

describe('issue 64 (zh-CN)', () => {
  it('sets lang, uses the system CJK stack and links no web font', () => {
    expect(rendered.html).toMatch(/^<!doctype html><html lang="zh-CN"/);
    expect(rendered.html).toContain(`font-family:${FONT_STACK}`);
    expect(rendered.html).not.toContain('googleapis');
  });

  it('carries the dark-mode metas in <head>', () => {
    expect(head(rendered.html)).toContain('<meta name="color-scheme" content="light dark">');
    expect(head(rendered.html)).toContain('<meta name="supported-color-schemes" content="light dark">');
  });

  it('has the preheader first in the body, padded so body text stays out of the preview', () => {
    const preview = rendered.html.match(/<body[^>]*>\s*<div style="display:none;[^"]*">([^<]*)<\/div>/)?.[1] ?? '';
    expect(preview.startsWith(loaded.issue.preheader)).toBe(true);
    const padding = preview.slice(loaded.issue.preheader.length);
    expect(padding).toMatch(/^(&#847;&zwnj;&nbsp;){20,}$/);
  });

  it('gives every image an absolute src (files under emails/assets at the assets URL), an integer width, no height (the client keeps the proportions), and alt text', () => {
    const images = rendered.html.match(/<img\b[^>]*>/g) ?? [];
    expect(images.length).toBe(rendered.report.imageCount);
    expect(images.length).toBe(1 + 1 + 5 + 5 + 3 + 1); // logo, banner, 5 + 5 + 3 section images, QR
    for (const img of images) {
      expect(img).toMatch(/ src="https:\/\/cdn\.example\.test\/newsletter-assets\/pretrain-weekly\/(brand|064)\/[0-9a-z-]+\.(png|jpeg)"/);
      expect(img).toMatch(/ width="\d+"/);
      expect(img).not.toMatch(/ height=/);
      expect(img).toMatch(/ alt="[^"]+"/);
    }
  });

  it('shows a visible unsubscribe link and the postal address', () => {
    expect(rendered.html).toMatch(/<a class="nl-unsubscribe" href="%%NL_UNSUBSCRIBE_URL%%" style="[^"]*">退订<\/a>/);
    expect(rendered.html).not.toMatch(/display:none[^>]*>[^<]*%%NL_UNSUBSCRIBE_URL%%/);
    expect(rendered.html).toContain(loaded.newsletter.postalAddress);
    expect(rendered.text).toContain('退订 [%%NL_UNSUBSCRIBE_URL%%]');
    expect(rendered.text).toContain(loaded.newsletter.postalAddress);
  });

  it('puts every paper and event title in the text part, and the greeting token in both parts', () => {
    for (const section of loaded.issue.sections) {
      if (section.kind === 'papers') for (const group of section.groups) for (const paper of group.papers) expect(rendered.text).toContain(paper.title);
      if (section.kind === 'events') for (const event of section.events) expect(rendered.text).toContain(event.title);
    }
    expect(rendered.text).toContain('%%NL_NAME%%，你好！');
    expect(rendered.html).toContain('%%NL_NAME%%，你好！');
    // The hidden preheader and its padding stay out of the text part.
    expect(rendered.text).not.toMatch(/[\u034f\u200c]/);
  });

  it('prints each summary as one unbroken line (no newline turned into a space between CJK characters)', () => {
    for (const section of loaded.issue.sections) {
      if (section.kind !== 'papers') continue;
      for (const group of section.groups)
        for (const paper of group.papers) {
          expect(rendered.html).toContain(`<p style="margin:8px 0 0;">${paper.summary.replace(/\s*\n\s*/g, '')}</p>`);
        }
    }
  });

  it('lists its tokens and splits html and text at them', () => {
    expect(rendered.tokens).toEqual(['UNSUBSCRIBE_URL', 'VIEW_ONLINE_URL', 'NAME', 'PREFERENCES_URL']);
    for (const part of ['html', 'text'] as const) {
      const { parts, tokens } = rendered.splice[part];
      expect(parts.length).toBe(tokens.length + 1);
      expect(parts.map((p, i) => p + (i < tokens.length ? `%%NL_${tokens[i]}%%` : '')).join('')).toBe(rendered[part]);
    }
  });

  it('reports its size as encoded on the wire, well under the clipping limit', () => {
    const { report } = rendered;
    const sizes = encodedSizes(rendered.html);
    expect(report.htmlBytes).toBe(Buffer.byteLength(rendered.html));
    expect(report.textBytes).toBe(Buffer.byteLength(rendered.text));
    expect(report.encodedHtmlBytes).toBe(Math.min(sizes.quotedPrintable, sizes.base64));
    expect(report.encoding).toBe(sizes.quotedPrintable <= sizes.base64 ? 'quoted-printable' : 'base64');
    expect(report.encodedHtmlBytes).toBeLessThan(100 * 1024);
    expect(report.encodedHtmlBytes).toBeLessThan(report.warnBytes);
    expect(report).toMatchObject({ budgetBytes: 95_000, warnBytes: 85_000 });
    expect(report.linkCount).toBe((rendered.html.match(/<a\b[^>]*href=/g) ?? []).length);
    expect(rendered.findings).toEqual([]);
  });

  it('personalises for one recipient: name escaped in html, raw in text', () => {
    const mail = personalise(rendered, {
      unsubscribeUrl: 'https://n.example/unsubscribe/T0K',
      viewOnlineUrl: 'https://n.example/issues/pretrain-weekly-064',
      name: '李<雷>',
    });
    expect(mail.subject).toBe(loaded.issue.subject);
    expect(mail.html).toContain('李&lt;雷&gt;，你好！');
    expect(mail.text).toContain('李<雷>，你好！');
    expect(mail.html).toContain('href="https://n.example/unsubscribe/T0K"');
    expect(mail.html + mail.text).not.toContain('%%NL_');
  });
});

describe('the English sample', () => {
  it('renders with lang="en", English labels and upper-cased section headings in text', async () => {
    const { issue, newsletter, templates } = await loadIssueFile(sample('field-notes-012'));
    const en = await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter);
    expect(en.html).toMatch(/^<!doctype html><html lang="en"/);
    expect(en.html).toMatch(/<a class="nl-unsubscribe" href="%%NL_UNSUBSCRIBE_URL%%"[^>]*>Unsubscribe<\/a>/);
    expect(en.text).toContain('Hi %%NL_NAME%%,');
    expect(en.text).toContain('PAPERS WORTH YOUR TIME');
    expect(personalise(en, { unsubscribeUrl: 'u', viewOnlineUrl: 'v' }).text).toContain('Hi reader,');
    expect(en.findings).toEqual([]);
  });
});

const HOSTILE = `<script>alert(1)</script>"quotes' & <b>`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;quotes&#x27; &amp; &lt;b&gt;';

/** Every free-text field of the issue and newsletter set to the hostile string. */
function hostile(issue: Issue, newsletter: Newsletter): { issue: Issue; newsletter: Newsletter; fields: number } {
  let fields = 0;
  const h = () => {
    fields++;
    return HOSTILE;
  };
  const img = <T extends { alt?: string }>(image: T): T => ({ ...image, alt: h() });
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch returns for every section kind; TypeScript checks it (the callback's return type has no undefined).
  const sections = issue.sections.map((section): Issue['sections'][number] => {
    switch (section.kind) {
      case 'papers':
        return {
          ...section,
          title: h(),
          groups: section.groups.map((g) => ({
            field: h(),
            papers: g.papers.map((p) => ({ ...p, title: h(), translatedTitle: h(), affiliations: [h()], authors: [h(), h()], summary: h() })),
          })),
        };
      case 'events':
        return { ...section, title: h(), events: section.events.map((e) => ({ ...e, title: h(), speaker: h(), time: h(), summary: h() })) };
      case 'community':
        return { ...section, title: h(), text: h(), bullets: [h()], note: h(), qr: section.qr ? img(section.qr) : undefined };
      case 'image':
        return { ...section, image: img(section.image) };
      case 'text':
        return { ...section, title: h(), markdown: `${h()}\n\n[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) <a href="javascript:alert(3)">z</a>` };
      case 'navigation':
        return {
          ...section,
          previous: section.previous ? { ...section.previous, title: h() } : undefined,
          next: section.next ? { ...section.next, title: h() } : undefined,
        };
      case 'button':
        return { ...section, label: h(), note: h() };
      case 'quote':
        return { ...section, text: h(), source: h() };
      case 'links':
        return { ...section, title: h(), items: section.items.map((item) => ({ ...item, title: h(), summary: h(), source: h() })) };
      case 'sponsor':
        return { ...section, name: h(), text: h(), image: section.image ? img(section.image) : undefined };
      case 'divider':
        return section;
    }
  });
  return {
    issue: { ...issue, subject: h(), preheader: h(), theme: h(), banner: issue.banner.map(img), sections },
    newsletter: {
      ...newsletter,
      name: h(),
      organisation: h(),
      postalAddress: h(),
      footer: { source: h(), disclaimer: h() },
      logo: newsletter.logo ? img(newsletter.logo) : undefined,
    },
    fields,
  };
}

describe('hostile content', () => {
  it('comes out escaped in every field, and a javascript: Markdown link is not a link', async () => {
    const bad = hostile(loaded.issue, loaded.newsletter);
    expect(bad.fields).toBeGreaterThan(60);
    const out = await createRenderer(loaded.templates, { encodedSizes }).renderIssue(bad.issue, bad.newsletter);
    const mail = personalise(out, { unsubscribeUrl: 'https://n.example/u', viewOnlineUrl: 'https://n.example/v' });
    for (const html of [out.html, mail.html]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain('<b>');
      expect(html).not.toContain(`"quotes'`);
      expect(html).not.toMatch(/href="javascript:/i);
      // Markdown (text sections and summaries) leaves ' as it is; every other field is escaped by Handlebars.
      const byMarkdown = ESCAPED.replace('&#x27;', "'");
      expect(html.split(ESCAPED).length - 1 + html.split(byMarkdown).length - 1).toBeGreaterThanOrEqual(bad.fields - 1);
    }
    expect(out.html).toContain('[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) &lt;a href=&quot;javascript:alert(3)&quot;&gt;z&lt;/a&gt;');
    expect(out.html).toContain(`<title>${ESCAPED}</title>`);
    // The text part is text/plain: the words are shown as written.
    expect(out.text).toContain(HOSTILE);
    expect(out.subject).toBe(HOSTILE);
  });
});

describe('confirmation email', () => {
  it('has a button with the link, says it expires and that ignoring it means no mail', async () => {
    const renderer = createRenderer(loaded.templates, { encodedSizes });
    const mail = await renderer.renderTransactional('confirm', {
      newsletter: loaded.newsletter,
      confirmUrl: 'https://n.example/confirm/AbC?x=1&y=2',
      name: '<Ann>',
      expiresInHours: 48,
    });
    expect(mail.subject).toBe('请确认订阅《预训练周刊》');
    expect(mail.html).toMatch(/^<!doctype html><html lang="zh-CN"/);
    // Handlebars also escapes "=" (as &#x3D;); browsers decode it back.
    expect(mail.html).toMatch(/<a href="https:\/\/n\.example\/confirm\/AbC\?x&#x3D;1&amp;y&#x3D;2"[^>]*>\s*确认订阅\s*<\/a>/);
    expect(mail.html).toContain('&lt;Ann&gt;，你好！');
    expect(mail.html).toContain('此链接将在 48 小时后失效。');
    expect(mail.html).toContain('如果你没有订阅，忽略这封邮件即可');
    expect(mail.html).not.toContain('googleapis');
    expect(head(mail.html)).toContain('<meta name="color-scheme" content="light dark">');
    expect(mail.text).toContain('[https://n.example/confirm/AbC?x=1&y=2]');
    expect(mail.text).toContain('<Ann>，你好！');
    expect(mail.html + mail.text).not.toContain('%%NL_');
  });

  it('refuses a link that is not http(s)', async () => {
    const renderer = createRenderer(loaded.templates, { encodedSizes });
    await expect(renderer.renderTransactional('confirm', { newsletter: loaded.newsletter, confirmUrl: 'javascript:alert(1)' })).rejects.toThrow(UserError);
  });
});
