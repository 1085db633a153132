// Splicing per-recipient values into a rendered issue: exact output on small templates, then
// the web-archive copy of a real render.
import { encodedSizes } from '../../src/mail/index.ts';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { createRenderer, personalise, splice, stripPersonalTokens, toSpliceTemplate, type RenderedIssue, type SizeReport } from '../../src/render/index.ts';

const values = {
  UNSUBSCRIBE_URL: 'https://x.example/u?a=1&b=2',
  VIEW_ONLINE_URL: 'https://x.example/v',
  NAME: '<Ann & "Bo">',
  PREFERENCES_URL: 'https://x.example/p',
  HEADLINE_NAME: 'Ann',
  CLICK_TOKEN: '1.abc',
};

describe('toSpliceTemplate', () => {
  it('splits at every token, keeping empty parts so parts = tokens + 1', () => {
    expect(toSpliceTemplate('%%NL_NAME%%, hi <a href="%%NL_UNSUBSCRIBE_URL%%">x</a>%%NL_NAME%%')).toEqual({
      parts: ['', ', hi <a href="', '">x</a>', ''],
      tokens: ['NAME', 'UNSUBSCRIBE_URL', 'NAME'],
    });
    expect(toSpliceTemplate('no tokens, %%NL_OTHER%% stays')).toEqual({ parts: ['no tokens, %%NL_OTHER%% stays'], tokens: [] });
  });
});

describe('splice', () => {
  const template = toSpliceTemplate('Hi %%NL_NAME%% <a href="%%NL_UNSUBSCRIBE_URL%%">u</a> <a href="%%NL_VIEW_ONLINE_URL%%">v</a>');

  it('escapes values for HTML', () => {
    expect(splice(template, values, true)).toBe(
      'Hi &lt;Ann &amp; &quot;Bo&quot;&gt; <a href="https://x.example/u?a=1&amp;b=2">u</a> <a href="https://x.example/v">v</a>',
    );
  });

  it('leaves values raw for text', () => {
    expect(splice(template, values, false)).toBe('Hi <Ann & "Bo"> <a href="https://x.example/u?a=1&b=2">u</a> <a href="https://x.example/v">v</a>');
  });
});

function renderedFrom(html: string, text: string, locale: 'zh-CN' | 'en'): RenderedIssue {
  const htmlT = toSpliceTemplate(html);
  const textT = toSpliceTemplate(text);
  return {
    issueId: 'i',
    newsletterId: 'n',
    locale,
    newsletterTitle: 'N',
    subject: 'S',
    html,
    text,
    tokens: [],
    splice: { html: htmlT, text: textT },
    report: {} as SizeReport,
    findings: [],
  };
}

describe('personalise', () => {
  const rendered = renderedFrom('<p>%%NL_NAME%%</p><a href="%%NL_UNSUBSCRIBE_URL%%">u</a>', '%%NL_NAME%% [%%NL_UNSUBSCRIBE_URL%%]', 'zh-CN');

  it('fills the tokens: HTML-escaped in the html part, raw in the text part', () => {
    expect(personalise(rendered, { unsubscribeUrl: 'https://x.example/u?a=1&b=2', viewOnlineUrl: 'https://x.example/v', name: "O'Neil <x>" })).toEqual({
      subject: 'S',
      html: '<p>O&#39;Neil &lt;x&gt;</p><a href="https://x.example/u?a=1&amp;b=2">u</a>',
      text: "O'Neil <x> [https://x.example/u?a=1&b=2]",
    });
  });

  it('falls back to the locale default name when none (or a blank one) is known', () => {
    expect(personalise(rendered, { unsubscribeUrl: 'u', viewOnlineUrl: 'v' }).text).toBe('读者 [u]');
    expect(personalise(rendered, { unsubscribeUrl: 'u', viewOnlineUrl: 'v', name: '  ' }).text).toBe('读者 [u]');
    expect(personalise({ ...rendered, locale: 'en' }, { unsubscribeUrl: 'u', viewOnlineUrl: 'v' }).text).toBe('reader [u]');
  });
});

describe('stripPersonalTokens (web archive)', () => {
  it('leaves no token and no unsubscribe link; invites to subscribe instead', async () => {
    const { issue, newsletter, templates } = await loadIssueFile(fileURLToPath(new URL('../../emails/issues/pretrain-weekly-064.yaml', import.meta.url)));
    const rendered = await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter);
    const archive = stripPersonalTokens(rendered, {
      subscribeUrl: 'https://news.example/subscribe?list=pw&x=1',
      viewOnlineUrl: 'https://news.example/issues/pretrain-weekly-064',
    });

    for (const part of [archive.html, archive.text]) {
      expect(part).not.toMatch(/%%NL_/);
      expect(part).not.toContain('退订');
      expect(part).not.toContain('你收到这封邮件');
      expect(part).toContain('想每周收到《预训练周刊》？');
      expect(part).toContain('读者，你好！');
    }
    expect(archive.html).toMatch(/<a class="nl-unsubscribe" href="https:\/\/news\.example\/subscribe\?list=pw&amp;x=1"[^>]*>订阅<\/a>/);
    expect(archive.text).toContain('订阅 [https://news.example/subscribe?list=pw&x=1]');
    expect(archive.text).toContain('在浏览器中查看 [https://news.example/issues/pretrain-weekly-064]');
  });
});
