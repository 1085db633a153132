// Every locale on the English sample issue: lang and dir on <html>, the locale's labels, its
// date as Intl writes it, mirrored alignment for Arabic; and a newsletter's own labels.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile, type LoadedIssue } from '../../src/content/index.ts';
import type { Newsletter } from '../../src/content/schema.ts';
import { newsletterSchema } from '../../src/content/schema.ts';
import { validateSource } from '../../src/content/validate.ts';
import { parseYamlSource } from '../../src/content/yaml-source.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { createRenderer, personalise, type Renderer } from '../../src/render/index.ts';
import { isRightToLeft, LOCALES, stringsFor, type Locale } from '../../src/render/strings.ts';

const ASSETS_URL = 'https://news.example.test/assets';

let loaded: LoadedIssue;
let renderer: Renderer;

beforeAll(async () => {
  loaded = await loadIssueFile('emails/issues/field-notes-012.yaml');
  renderer = createRenderer(loaded.templates, { assetsUrl: ASSETS_URL, encodedSizes });
});

async function renderAs(newsletter: Newsletter) {
  const rendered = await renderer.renderIssue(loaded.issue, newsletter);
  const mail = personalise(rendered, {
    unsubscribeUrl: 'https://news.example.test/u/T',
    viewOnlineUrl: 'https://news.example.test/i/x',
    preferencesUrl: 'https://news.example.test/p/T',
  });
  return { rendered, ...mail };
}

const withLocale = (locale: Locale): Newsletter => ({ ...loaded.newsletter, locale });

/** The mj-text blocks (MJML writes each as a div carrying the font stack) with the start of their content. */
const textBlocks = (html: string) => html.match(/<div style="font-family:[^"]*">.{0,40}/g) ?? [];
const VIEW_ONLINE = /^[^>]*><a href="https:\/\/news\.example\.test\/i\/x"/;

/** The labels each locale must print for the sample's authors, downloads and footer. */
const EXPECTED: Record<Locale, { authors: string; download: string; unsubscribe: string; date: string; issue: string }> = {
  en: { authors: 'Authors: ', download: 'Download', unsubscribe: 'Unsubscribe', date: 'March', issue: 'Issue 12' },
  'zh-CN': { authors: '作者：', download: '论文下载', unsubscribe: '退订', date: '年', issue: '第12期' },
  'zh-TW': { authors: '作者：', download: '論文下載', unsubscribe: '取消訂閱', date: '年', issue: '第12期' },
  ja: { authors: '著者：', download: 'ダウンロード', unsubscribe: '配信停止', date: '年', issue: '第12号' },
  ko: { authors: '저자: ', download: '다운로드', unsubscribe: '구독 취소', date: '년', issue: '제12호' },
  de: { authors: 'Autoren: ', download: 'Herunterladen', unsubscribe: 'Abbestellen', date: '.', issue: 'Ausgabe 12' },
  fr: { authors: 'Auteurs\u00a0: ', download: 'Télécharger', unsubscribe: 'Se désabonner', date: ' ', issue: 'Numéro 12' },
  es: { authors: 'Autores: ', download: 'Descargar', unsubscribe: 'Cancelar suscripción', date: ' de ', issue: 'Número 12' },
  ar: { authors: 'المؤلفون: ', download: 'تنزيل', unsubscribe: 'إلغاء الاشتراك', date: ' ', issue: 'العدد 12' },
};

describe.each(LOCALES)('field-notes-012 with the newsletter in %s', (locale) => {
  it("has lang and the locale's direction on <html>, its labels and its Intl date", async () => {
    const { html, text } = await renderAs(withLocale(locale));
    const rtl = isRightToLeft(locale);
    expect(html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}" dir="${rtl ? 'rtl' : 'auto'}"`));
    const want = EXPECTED[locale];
    const escaped = (s: string) => s.replace(/\u00a0/g, '&nbsp;');
    // A link label's words are kept together with no-break spaces (the `together` helper).
    const together = (s: string) => s.replace(/[ \u00a0]/g, '&nbsp;');
    const spaced = (s: string) => s.replace(/\u00a0/g, ' ');
    for (const label of [want.authors, want.download, want.unsubscribe, want.issue]) {
      expect(html.includes(label) || html.includes(escaped(label)) || html.includes(together(label)), `${locale}: ${JSON.stringify(label)} in the HTML`).toBe(
        true,
      );
      expect(spaced(text)).toContain(spaced(label.trim()));
    }
    // The date as Intl writes it in this locale, e.g. "12. März 2025".
    const date = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${loaded.issue.date}T00:00:00Z`),
    );
    expect(date).toContain(want.date);
    expect(html).toContain(date);
    expect(stringsFor(locale).date(loaded.issue.date)).toBe(date);
  });
});

describe('right to left (ar)', () => {
  it('mirrors the body: no left-aligned text block, accents and indents on the right', async () => {
    const { html } = await renderAs(withLocale('ar'));
    expect(html).toMatch(/^<!doctype html><html lang="ar" dir="rtl"/);
    const blocks = textBlocks(html);
    expect(blocks.length).toBeGreaterThan(10);
    // Body text starts on the right; only the masthead's "view online" sits at the end, now the left.
    const left = blocks.filter((b) => b.includes('text-align:left'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(VIEW_ONLINE);
    expect(blocks.filter((b) => b.includes('text-align:right')).length).toBe(blocks.length - 1 - blocks.filter((b) => b.includes('text-align:center')).length);
    expect(html).not.toMatch(/border-left:4px/);
    expect(html).toContain('padding:0 10px 0 0;border-right:4px solid');
    expect(html).toContain('padding-right:20px'); // the Markdown list's indent
    expect(html).toContain('تنزيل&nbsp;←'); // "Download", the arrow pointing onward
    // Sections and columns run right to left, so the masthead's two columns swap sides.
    expect(html).toMatch(/direction:rtl/);
    expect(html).not.toMatch(/direction:ltr/);
  });

  it('applies to the transactional mails too', async () => {
    const ar = withLocale('ar');
    const confirm = await renderer.renderTransactional('confirm', { newsletter: ar, confirmUrl: 'https://news.example.test/confirm/T', expiresInHours: 48 });
    const welcome = await renderer.renderTransactional('welcome', {
      newsletter: ar,
      archiveUrl: 'https://news.example.test/issues',
      unsubscribeUrl: 'https://news.example.test/u/T',
    });
    for (const mail of [confirm, welcome]) {
      expect(mail.html).toMatch(/^<!doctype html><html lang="ar" dir="rtl"/);
      expect(textBlocks(mail.html).filter((b) => b.includes('text-align:left'))).toEqual([]);
    }
    expect(confirm.subject).toBe('يُرجى تأكيد اشتراكك في Field Notes');
  });

  it('leaves left-to-right locales alone', async () => {
    const { html } = await renderAs(withLocale('de'));
    expect(html).not.toContain('dir="rtl"');
    expect(html).not.toMatch(/direction:rtl/);
    expect(textBlocks(html).some((b) => b.includes('text-align:left'))).toBe(true);
  });
});

describe('a Japanese newsletter', () => {
  it('renders with lang="ja" on <mjml> and <html>, Japanese labels in the transactional mails too', async () => {
    const ja = withLocale('ja');
    const { html } = await renderAs(ja);
    expect(html).toMatch(/^<!doctype html><html lang="ja" dir="auto"/);
    const confirm = await renderer.renderTransactional('confirm', { newsletter: ja, confirmUrl: 'https://news.example.test/confirm/T', expiresInHours: 48 });
    expect(confirm.html).toMatch(/^<!doctype html><html lang="ja"/);
    expect(confirm.subject).toBe('Field Notesのご登録確認');
    expect(confirm.text).toContain('このリンクの有効期限は48時間です。');
  });
});

describe('labels: in the newsletter', () => {
  it("replace the locale's default, in the mail and in the personalised greeting", async () => {
    const newsletter: Newsletter = { ...withLocale('de'), labels: { authors: 'Von ', defaultName: 'liebe Leserin, lieber Leser' } };
    const { html, text, rendered } = await renderAs(newsletter);
    expect(html).toContain('Von ');
    expect(html).not.toContain('Autoren: ');
    expect(html).toContain('Herunterladen');
    expect(text).toContain('Hallo liebe Leserin, lieber Leser,');
    expect(rendered.labels).toEqual({ authors: 'Von ', defaultName: 'liebe Leserin, lieber Leser' });
  });

  const parseNewsletter = (yaml: string) => validateSource(newsletterSchema, parseYamlSource('emails/newsletters/test.yaml', yaml));
  const BASE = `name: T
organisation: O
sender: { name: T, address: t@example.com }
locale: fr
brandColor: "#123456"
postalAddress: 1 Rue
footer: { source: S, disclaimer: D }
archiveUrl: https://example.com/issues
`;

  it('are read from the YAML, every locale is accepted', () => {
    expect(parseNewsletter(`${BASE}labels:\n  authors: "Par "\n  details: Lire la suite\n`).labels).toEqual({ authors: 'Par ', details: 'Lire la suite' });
    for (const locale of LOCALES) expect(parseNewsletter(BASE.replace('locale: fr', `locale: ${locale}`)).locale).toBe(locale);
  });

  it('refuse an unknown key, naming it and listing the allowed ones', () => {
    expect(() => parseNewsletter(`${BASE}labels:\n  authors: "Par "\n  auteurs: Par\n`)).toThrow(
      /labels\.auteurs: unknown field "auteurs" \(allowed: viewOnline, greetingPrefix, .*authors, .*subscribe\)/,
    );
  });

  it('refuse a label over 80 characters or on two lines', () => {
    expect(() => parseNewsletter(`${BASE}labels:\n  details: "${'x'.repeat(81)}"\n`)).toThrow(/labels\.details: must be at most 80 characters/);
    expect(() => parseNewsletter(`${BASE}labels:\n  details: "a\\nb"\n`)).toThrow(/labels\.details: must be one line/);
  });
});
