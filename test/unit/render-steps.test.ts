// Exact output of each rendering step on small inputs built here.
import { encodedSizes } from '../../src/mail/index.ts';
import { describe, expect, it } from 'vitest';
import type { Issue, Newsletter } from '../../src/content/schema.ts';
import { UserError } from '../../src/errors.ts';
import { compileTemplates } from '../../src/render/handlebars-step.ts';
import { createInlineMarkdown, createMarkdown } from '../../src/render/markdown.ts';
import { mjmlToHtml } from '../../src/render/mjml-step.ts';
import { sizeReport } from '../../src/render/size-report.ts';
import { createTextConverter } from '../../src/render/text-step.ts';
import { issueView, oneLine } from '../../src/render/view-model.ts';
import { createRenderer, type TemplateSet } from '../../src/render/index.ts';

const newsletter: Newsletter = {
  id: 'tiny',
  listId: 'tiny',
  name: '小刊',
  organisation: '编辑部',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  brandColor: '#123456',
  sender: { name: '小刊', address: 'a@example.com' },
  postalAddress: '某地 1 号',
  footer: { source: '编辑部', disclaimer: '仅供参考' },
  archiveUrl: 'https://example.com/issues',
  welcome: true,
  tracking: { clicks: false, opens: false },
};

const issue: Issue = {
  id: 'tiny-001',
  newsletter: 'tiny',
  number: 1,
  date: '2024-03-05',
  subject: '第一期',
  preheader: '预告',
  banner: [],
  sections: [
    {
      kind: 'papers',
      title: '论文',
      groups: [
        { field: 'CV', papers: [{ title: 'A & B', affiliations: [], authors: ['甲', '乙'], summary: '第一行\n第二行', url: 'https://a.example/p.pdf' }] },
      ],
    },
    { kind: 'text', markdown: 'See [site](https://s.example) and [x](javascript:alert(1))' },
  ],
};

/** One line per partial so the expected MJML below reads easily. */
const tiny: TemplateSet = {
  files: {
    'layout.mjml.hbs':
      '<mjml lang="{{lang}}"><mj-body><mj-section><mj-column>{{#each sections}}{{> (lookup . "kind")}}{{/each}}</mj-column></mj-section></mj-body></mjml>',
    'confirm.mjml.hbs':
      '<mjml lang="{{lang}}"><mj-body><mj-section><mj-column><mj-button href="{{confirmUrl}}">{{text.button}}</mj-button></mj-column></mj-section></mj-body></mjml>',
    'partials/papers.mjml.hbs':
      '<mj-text><h2>{{title}}</h2>{{#each groups}}<h3>{{heading}}</h3>{{#each papers}}<p>{{title}}｜{{authors}}｜{{summary}}</p>{{/each}}{{/each}}</mj-text>',
    'partials/events.mjml.hbs': '<mj-text>{{title}}</mj-text>',
    'partials/community.mjml.hbs': '<mj-text>{{title}}</mj-text>',
    'partials/image.mjml.hbs': '<mj-text>{{image.alt}}</mj-text>',
    'partials/text.mjml.hbs': '<mj-text>{{{html}}}<a href="%%NL_UNSUBSCRIBE_URL%%">退订</a></mj-text>',
    'partials/navigation.mjml.hbs': '<mj-text></mj-text>',
    'partials/button.mjml.hbs': '<mj-button href="{{url}}">{{label}}</mj-button>',
    'partials/quote.mjml.hbs': '<mj-text>{{text}}</mj-text>',
    'partials/links.mjml.hbs': '<mj-text>{{title}}</mj-text>',
    'partials/sponsor.mjml.hbs': '<mj-text>{{name}}</mj-text>',
    'partials/divider.mjml.hbs': '<mj-divider />',
  },
};

const markdown = createMarkdown();
const bothMarkdown = { block: markdown, inline: createInlineMarkdown() };

describe('view model', () => {
  it('joins YAML lines without a space between CJK characters and with one elsewhere', () => {
    expect(oneLine('第一行\n第二行\nEnglish\nwords\n  中文')).toBe('第一行第二行English words中文');
    expect(oneLine('  a\n  b  ')).toBe('a b');
  });

  it('fills every field the templates read, with null for what is absent', () => {
    const view = issueView(issue, newsletter, bothMarkdown);
    expect(view.masthead).toEqual({ title: '《小刊》', organisation: '编辑部', issueNumber: '第1期', date: '2024年3月5日', theme: null, logo: null });
    expect(view.sections[0]).toEqual({
      kind: 'papers',
      title: '论文',
      groups: [
        {
          heading: '【CV】',
          papers: [
            {
              title: 'A & B',
              translatedTitle: null,
              titleUrl: 'https://a.example/p.pdf',
              affiliations: null,
              authors: '甲、乙',
              summary: '第一行第二行',
              url: 'https://a.example/p.pdf',
              detailsUrl: null,
            },
          ],
        },
      ],
    });
    expect(view.previewPadding).toBe(148);
  });
});

describe('handlebars step', () => {
  it('renders the layout and its partials to MJML, escaping content', () => {
    const { layout } = compileTemplates(tiny);
    expect(layout(issueView(issue, newsletter, bothMarkdown))).toBe(
      '<mjml lang="zh-CN"><mj-body><mj-section><mj-column>' +
        '<mj-text><h2>论文</h2><h3>【CV】</h3><p>A &amp; B｜甲、乙｜第一行第二行</p></mj-text>' +
        '<mj-text><p style="margin:0 0 12px;">See <a href="https://s.example" style="color:#123456;text-decoration:underline;word-break:break-word;word-wrap:break-word;">site</a> and [x](javascript:alert(1))</p>\n<a href="%%NL_UNSUBSCRIBE_URL%%">退订</a></mj-text>' +
        '</mj-column></mj-section></mj-body></mjml>',
    );
  });

  it('is strict: a field the view lacks is an error naming the template', () => {
    const broken = { files: { ...tiny.files, 'partials/papers.mjml.hbs': '<mj-text>{{subtitle}}</mj-text>' } };
    const { layout } = compileTemplates(broken);
    expect(() => layout(issueView(issue, newsletter, bothMarkdown))).toThrow(UserError);
    expect(() => layout(issueView(issue, newsletter, bothMarkdown))).toThrow('emails/templates/partials/papers.mjml.hbs: "subtitle" not defined - 1:11');
  });

  it('names missing templates and syntax errors when the renderer is created', () => {
    const { 'partials/events.mjml.hbs': _events, ...rest } = tiny.files;
    expect(() => compileTemplates({ files: rest })).toThrow(
      'emails/templates: missing partials/events.mjml.hbs (one layout, confirm and one partial per section kind)',
    );
    expect(() => compileTemplates({ files: { ...tiny.files, 'partials/image.mjml.hbs': '{{#if x}}' } })).toThrow(
      /^emails\/templates\/partials\/image\.mjml\.hbs: Parse error/,
    );
  });
});

describe('markdown step', () => {
  it('renders the subset with inline styles, no raw HTML, and only http(s)/mailto links', () => {
    const html = markdown(
      '**粗**体\n换行\n\n- one\n- [mail](mailto:a@example.com)\n\n<b>x</b> ![i](https://i.example/a.png) [bad](data:text/html,x) [rel](/path)',
      { linkColor: '#000000', mutedColor: '#111111' },
    );
    expect(html).toBe(
      '<p style="margin:0 0 12px;"><strong>粗</strong>体换行</p>\n' +
        '<ul style="margin:0 0 12px;padding-left:20px;">\n<li style="margin:0 0 4px;">one</li>\n<li style="margin:0 0 4px;"><a href="mailto:a@example.com" style="color:#000000;text-decoration:underline;word-break:break-word;word-wrap:break-word;">mail</a></li>\n</ul>\n' +
        // An image renders as one, at most as wide as the column, with its alt text (raw HTML stays text).
        '<p style="margin:0 0 12px;">&lt;b&gt;x&lt;/b&gt; <img class="nl-md-image" src="https://i.example/a.png" alt="i" style="display:block;max-width:100%;height:auto;border:0;margin:0 0 12px;"> [bad](data:text/html,x) [rel](/path)</p>\n',
    );
  });
});

describe('mjml step', () => {
  it('turns MJML into HTML without a Google Fonts link', async () => {
    const html = await mjmlToHtml(
      '<mjml lang="en"><mj-body><mj-section><mj-column><mj-text font-family="Roboto">hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    expect(html).toMatch(/^<!doctype html><html lang="en"/);
    expect(html).not.toContain('googleapis');
  });

  it('refuses a template that loads a web font', async () => {
    await expect(
      mjmlToHtml(
        '<mjml><mj-head><mj-font name="Lato" href="https://fonts.googleapis.com/css?family=Lato" /></mj-head><mj-body><mj-section><mj-column><mj-text font-family="Lato">x</mj-text></mj-column></mj-section></mj-body></mjml>',
      ),
    ).rejects.toThrow('emails/templates: the HTML loads Google Fonts (an <mj-font>?): use the system font stack instead');
  });

  it('refuses MJML that breaks the rules, naming the problem', async () => {
    await expect(mjmlToHtml('<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>')).rejects.toThrow(
      /^emails\/templates: the MJML they produce is invalid: .*mj-text.*mj-section/,
    );
  });
});

describe('text step', () => {
  it('keeps tokens, shows links as [url], skips images and the hidden preheader, upper-cases only English headings', () => {
    const toText = createTextConverter();
    const html =
      '<div style="display:none;font-size:1px;">preview&#847;</div><h2>News 新闻</h2><h4>A title</h4><p>Hello <a href="%%NL_UNSUBSCRIBE_URL%%">退订</a> <a href="https://x.example">https://x.example</a></p>' +
      '<img src="https://i.example/a.png" alt="decor"><a class="nl-image-link" href="https://l.example"><img src="https://i.example/b.png" alt="poster"></a>';
    expect(toText(html, 'en')).toBe('NEWS 新闻\n\nA title\n\nHello 退订 [%%NL_UNSUBSCRIBE_URL%%] https://x.example\n\nposter [https://l.example]\n');
    expect(toText(html, 'zh-CN')).toBe('News 新闻\n\nA title\n\nHello 退订 [%%NL_UNSUBSCRIBE_URL%%] https://x.example\n\nposter [https://l.example]\n');
  });
});

describe('size step', () => {
  it('measures quoted-printable and base64 exactly as sent: 76-character lines, CRLF', () => {
    // 100 ASCII bytes: QP is one soft break (75 + "=\r\n" + 25); base64 is 136 characters on two lines.
    expect(encodedSizes('a'.repeat(100))).toEqual({ quotedPrintable: 103, base64: 138 });
    // 30 CJK characters = 90 bytes: QP writes 9 characters per CJK character, base64 4 per 3 bytes.
    expect(encodedSizes('中'.repeat(30))).toEqual({ quotedPrintable: 279, base64: 122 });
    // A bare LF goes out as CRLF.
    expect(encodedSizes('a\nb')).toEqual({ quotedPrintable: 4, base64: 8 });
  });

  it('reports the smaller encoding and counts images and links', () => {
    const html = '<p>中文中文<img src="x"><a href="y">l</a></p>';
    expect(sizeReport(html, 'text', encodedSizes(html))).toEqual({
      htmlBytes: 49,
      encodedHtmlBytes: 68,
      encoding: 'base64',
      textBytes: 4,
      budgetBytes: 95_000,
      warnBytes: 85_000,
      imageCount: 1,
      linkCount: 1,
    });
  });
});

describe('the whole chain on tiny templates', () => {
  it('produces the text part, tokens and splice template', async () => {
    const rendered = await createRenderer(tiny, { encodedSizes }).renderIssue(issue, newsletter);
    expect(rendered.text).toBe(
      '论文\n\n【CV】\n\nA & B｜甲、乙｜第一行第二行\n\nSee site [https://s.example] and [x](javascript:alert(1))\n\n退订 [%%NL_UNSUBSCRIBE_URL%%]\n',
    );
    expect(rendered.tokens).toEqual(['UNSUBSCRIBE_URL']);
    expect(rendered.splice.text).toEqual({
      parts: ['论文\n\n【CV】\n\nA & B｜甲、乙｜第一行第二行\n\nSee site [https://s.example] and [x](javascript:alert(1))\n\n退订 [', ']\n'],
      tokens: ['UNSUBSCRIBE_URL'],
    });
    expect(rendered.splice.html.parts.join('%%NL_UNSUBSCRIBE_URL%%')).toBe(rendered.html);
    expect(rendered).toMatchObject({ issueId: 'tiny-001', newsletterId: 'tiny', locale: 'zh-CN', newsletterTitle: '《小刊》', subject: '第一期' });
  });
});
