// Click tracking at publish (track-links.ts): which links are tracked, how they are numbered,
// the text part following the HTML; then the model issue, and both mail paths splicing one
// valid click token per message into every tracked link.
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { encodedSizes } from '../../src/mail/index.ts';
import { prepareIssueMime } from '../../src/mail/issue-mime.ts';
import { buildNewsletterMessage } from '../../src/mail/newsletter-message.ts';
import { createRenderer, personalise, splice, stripPersonalTokens, trackLinks } from '../../src/render/index.ts';
import { loadTemplates } from '../../src/content/load-templates.ts';
import { clickTokenSigner, verifyClickToken } from '../../src/reports/click-token.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { mimeParts, syntheticIssue } from './mail-helpers.ts';

const BASE = 'https://news.example/r/weekly-001';
const TRACKED = /https:\/\/news\.example\/r\/weekly-001\/(\d+)\/%%NL_CLICK_TOKEN%%/g;

describe('trackLinks', () => {
  const html = [
    '<a href="https://a.example/x?p=1&amp;q=2">one</a>',
    '<a class="b" href="https://b.example/">two</a>',
    '<a href="https://a.example/x?p=1&amp;q=2">one again</a>',
    '<a href="mailto:editor@example.com">mail</a>',
    '<a href="%%NL_UNSUBSCRIBE_URL%%">unsubscribe</a> <a href="%%NL_PREFERENCES_URL%%">prefs</a> <a href="%%NL_VIEW_ONLINE_URL%%">web</a>',
    "<a href='http://c.example/c'>three</a>",
    '<img src="https://img.example/pic.png" alt="">',
    '<a href="#top">top</a>',
  ].join('\n');
  const text = [
    'one [https://a.example/x?p=1&q=2]',
    'two: https://b.example/.',
    'three (http://c.example/c)',
    'mentioned only https://d.example/d',
    'https://b.example/longer stays',
    'unsubscribe [%%NL_UNSUBSCRIBE_URL%%]',
  ].join('\n');
  const tracked = trackLinks({ html, text }, BASE);
  const values = { UNSUBSCRIBE_URL: 'U', VIEW_ONLINE_URL: 'V', NAME: 'N', PREFERENCES_URL: 'P', HEADLINE_NAME: 'H', CLICK_TOKEN: '1.TOKEN' };
  const outHtml = splice(tracked.splice.html, values, true);
  const outText = splice(tracked.splice.text, values, false);

  it('numbers each distinct http(s) URL once, in document order, unescaped', () => {
    expect(tracked.links).toEqual(['https://a.example/x?p=1&q=2', 'https://b.example/', 'http://c.example/c']);
  });

  it('tracks every http(s) link of the HTML and leaves tokens, mailto:, anchors and images alone', () => {
    expect(outHtml).toBe(
      [
        `<a href="${BASE}/1/1.TOKEN">one</a>`,
        `<a class="b" href="${BASE}/2/1.TOKEN">two</a>`,
        `<a href="${BASE}/1/1.TOKEN">one again</a>`,
        '<a href="mailto:editor@example.com">mail</a>',
        '<a href="U">unsubscribe</a> <a href="P">prefs</a> <a href="V">web</a>',
        `<a href="${BASE}/3/1.TOKEN">three</a>`,
        '<img src="https://img.example/pic.png" alt="">',
        '<a href="#top">top</a>',
      ].join('\n'),
    );
  });

  it('gives a URL of the text part the tracked URL of the same link, and only whole URLs the HTML links to', () => {
    expect(outText).toBe(
      [
        `one [${BASE}/1/1.TOKEN]`,
        `two: ${BASE}/2/1.TOKEN.`,
        `three (${BASE}/3/1.TOKEN)`,
        'mentioned only https://d.example/d',
        'https://b.example/longer stays',
        'unsubscribe [U]',
      ].join('\n'),
    );
  });

  it('leaves an attribute that only ends in href alone, and links past the 9999th untracked', () => {
    const odd = trackLinks({ html: '<a data-href="https://x.example/" href="https://y.example/">y</a>', text: '' }, BASE);
    expect(odd.links).toEqual(['https://y.example/']);
    expect(odd.splice.html.parts[0]).toBe(`<a data-href="https://x.example/" href="${BASE}/1/`);
    const many = Array.from({ length: 10_001 }, (_, i) => `<a href="https://m.example/${i}">${i}</a>`).join('');
    const t = trackLinks({ html: many, text: 'https://m.example/10000' }, BASE);
    expect(t.links).toHaveLength(9_999);
    const html = splice(t.splice.html, values, true);
    expect(html.endsWith('<a href="https://m.example/9999">9999</a><a href="https://m.example/10000">10000</a>')).toBe(true);
    expect(splice(t.splice.text, values, false)).toBe('https://m.example/10000');
  });

  it('puts the open pixel last in the body, with the message’s token, and leaves the links alone when clicks are off', () => {
    const page = { html: '<html><body><a href="https://a.example/">a</a></body></html>', text: 'a [https://a.example/]' };
    const opensOnly = trackLinks(page, BASE, [], { clicks: false, openPixel: 'https://news.example/o/weekly-001' });
    expect(opensOnly.links).toEqual([]);
    expect(opensOnly.opens).toBe(true);
    expect(splice(opensOnly.splice.html, values, true)).toBe(
      '<html><body><a href="https://a.example/">a</a><img src="https://news.example/o/weekly-001/1.TOKEN.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;overflow:hidden"></body></html>',
    );
    expect(splice(opensOnly.splice.text, values, false)).toBe(page.text);
    const both = trackLinks(page, BASE, [], { openPixel: 'https://news.example/o/weekly-001' });
    expect(splice(both.splice.html, values, true)).toContain(`<a href="${BASE}/1/1.TOKEN">a</a><img src="https://news.example/o/weekly-001/1.TOKEN.gif"`);
    expect(trackLinks(page, BASE).opens).toBeUndefined();
  });

  it('keeps the numbers of an earlier version and numbers new URLs after them', () => {
    const again = trackLinks({ html: '<a href="http://c.example/c">c</a><a href="https://e.example/">e</a>', text: '' }, BASE, tracked.links);
    expect(again.links).toEqual([...tracked.links, 'https://e.example/']);
    expect(splice(again.splice.html, values, true)).toBe(`<a href="${BASE}/3/1.TOKEN">c</a><a href="${BASE}/4/1.TOKEN">e</a>`);
  });

  it('never lets content spell the click token: an editor writing %%NL_CLICK_TOKEN%% gets it literally', async () => {
    const emailsDir = fileURLToPath(new URL('../../emails', import.meta.url));
    const { issue, newsletter } = await loadIssueFile(`${emailsDir}/issues/pretrain-weekly-064.yaml`);
    const sections = [...issue.sections, { kind: 'text' as const, markdown: 'Write %%NL_CLICK_TOKEN%% and [a link](https://x.example/%%NL_CLICK_TOKEN%%)' }];
    const rendered = await createRenderer(await loadTemplates(emailsDir), { encodedSizes }).renderIssue({ ...issue, sections }, newsletter);
    const t = trackLinks(rendered, BASE);
    // Markdown writes the link's % signs as %25: whatever it wrote is a URL like any other.
    expect(t.links.some((url) => url.startsWith('https://x.example/'))).toBe(true);
    const out = splice(t.splice.text, { ...values, CLICK_TOKEN: 'SECRET' }, false);
    expect(out).toContain('Write %%NL_CLICK_TOKEN%% and');
    expect(out.match(/SECRET/g)?.length).toBe(t.splice.text.tokens.filter((x) => x === 'CLICK_TOKEN').length);
  });
});

describe('the model issue, tracked', async () => {
  const emailsDir = fileURLToPath(new URL('../../emails', import.meta.url));
  const { issue, newsletter } = await loadIssueFile(`${emailsDir}/issues/pretrain-weekly-064.yaml`);
  const rendered = await createRenderer(await loadTemplates(emailsDir), { encodedSizes }).renderIssue(issue, newsletter);
  const tracked = trackLinks(rendered, BASE);

  it('turns clicks on in the model newsletter', () => {
    expect(newsletter.tracking).toEqual({ clicks: true, opens: false });
  });

  it('tracks every http(s) link except the personal ones, and every such URL of the text part', () => {
    const hrefs = [...rendered.html.matchAll(/<a\b[^>]*?href="([^"]*)"/g)].map((m) => m[1]!);
    const own = hrefs.filter((h) => h.startsWith('http'));
    expect(tracked.links.length).toBe(new Set(own.map((h) => h.replaceAll('&amp;', '&'))).size);
    expect(tracked.links.length).toBeGreaterThan(15);
    const html = splice(
      tracked.splice.html,
      { UNSUBSCRIBE_URL: 'U', VIEW_ONLINE_URL: 'V', NAME: 'N', PREFERENCES_URL: 'P', HEADLINE_NAME: 'H', CLICK_TOKEN: 'T' },
      true,
    );
    const left = [...html.matchAll(/<a\b[^>]*?href="([^"]*)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith(`${BASE}/`));
    expect(left.sort()).toEqual(['P', 'U', 'V', 'V']);
    // Every link the text part prints is one of the tracked ones or a personal token.
    const textUrls = [...rendered.text.matchAll(/https?:\/\/[^\s[\]]+/g)].map((m) => m[0]);
    expect(textUrls.every((u) => tracked.links.includes(u))).toBe(true);
    const trackedText = tracked.splice.text.parts.join('');
    expect(trackedText).not.toMatch(/https?:\/\/(?!news\.example\/r\/)/);
    expect([...`${tracked.splice.text.parts.join('%%NL_CLICK_TOKEN%%')}`.matchAll(TRACKED)].length).toBeGreaterThan(15);
  });

  it('leaves the rendered issue, which the archive shows, as it was', () => {
    const archive = stripPersonalTokens(rendered, { subscribeUrl: 'https://news.example/subscribe', viewOnlineUrl: 'https://news.example/issues/x' });
    expect(archive.html).not.toContain('/r/');
    expect(archive.text).not.toContain('/r/');
  });
});

describe('a tracked issue through both mail paths', () => {
  const secrets = [{ version: 3, key: 's'.repeat(40) }];
  const FROM = '"预训练周刊" <weekly@pretrain-weekly.example>';
  const PUBLIC_URL = 'https://pretrain-weekly.example';
  const sign = clickTokenSigner(secrets, 'pretrain-weekly-064');
  const recipient = { subscriberId: '1042', email: 'zhang.san@example.org', name: '张三', unsubscribeToken: signListToken(secrets, '1042', 'pretrain-weekly') };
  const sentAt = new Date('2026-12-07T08:00:00.000Z');

  for (const [kb, encoding] of [
    [80, 'base64'],
    [2, 'quoted-printable'],
  ] as const) {
    const plain = syntheticIssue({ kb });
    const encodings = { text: encoding, html: encoding };
    const published = { ...plain, clicks: trackLinks(plain.rendered, `${PUBLIC_URL}/r/pretrain-weekly-064`) };

    it(`splices one valid token, signed for this reader and this time, into every tracked link (${kb} KB, ${encoding})`, async () => {
      const mime = prepareIssueMime(published, { from: FROM, publicUrl: PUBLIC_URL, clickToken: sign, encodings });
      expect(mime.encodings).toEqual(encodings);
      const { parts } = mimeParts(mime.build(recipient, sentAt).raw);
      const [text, html] = parts.map((p) => p.decoded);
      const tokens = new Set<string>();
      let count = 0;
      for (const body of [text!, html!]) {
        for (const m of body.matchAll(/https:\/\/pretrain-weekly\.example\/r\/pretrain-weekly-064\/(\d+)\/([^\s"<\]]+)/g)) {
          expect(published.clicks.links[Number(m[1]) - 1]).toBeDefined();
          tokens.add(m[2]!);
          count++;
        }
      }
      expect(count).toBe(published.clicks.splice.html.tokens.concat(published.clicks.splice.text.tokens).filter((t) => t === 'CLICK_TOKEN').length);
      expect(tokens.size).toBe(1);
      const claims = verifyClickToken(secrets, 'pretrain-weekly-064', [...tokens][0]!);
      expect(claims?.sentAt).toBe(sentAt.getTime());
      // Exactly the renderer's splice of the tracked templates with that token.
      const expected = personalise(
        { ...published.rendered, splice: published.clicks.splice },
        {
          unsubscribeUrl: `${PUBLIC_URL}/unsubscribe/${recipient.unsubscribeToken}?issue=pretrain-weekly-064`,
          viewOnlineUrl: `${PUBLIC_URL}/issues/pretrain-weekly-064`,
          name: '张三',
          clickToken: [...tokens][0]!,
        },
      );
      expect(text!.replace(/\r\n/g, '\n')).toBe(expected.text.replace(/\r\n/g, '\n'));
      expect(html!.replace(/\r\n/g, '\n')).toBe(expected.html.replace(/\r\n/g, '\n'));
      // Another reader's token differs in its reader part; the same reader's does not.
      const other = verifyClickToken(secrets, 'pretrain-weekly-064', sign('1043', sentAt.getTime()));
      expect(other?.reader).not.toBe(claims?.reader);
      expect(verifyClickToken(secrets, 'pretrain-weekly-064', sign('1042', sentAt.getTime() + 5_000))?.reader).toBe(claims?.reader);
    });

    it(`builds the same tracked message through nodemailer's path (${kb} KB, ${encoding})`, async () => {
      const slow = await simpleParser(
        (
          await (
            await import('nodemailer')
          ).default
            .createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
            .sendMail(
              (
                await import('../../src/mail/smtp-transport.ts')
              ).sendMailOptions(buildNewsletterMessage(published, recipient, { from: FROM, publicUrl: PUBLIC_URL, clickToken: sign, now: sentAt }), null),
            )
        ).message as Buffer,
      );
      const fast = await simpleParser(
        prepareIssueMime(published, { from: FROM, publicUrl: PUBLIC_URL, clickToken: sign, encodings }).build(recipient, sentAt).raw,
      );
      expect(fast.html).toBe(slow.html);
      expect(fast.text?.replace(/\r\n/g, '\n')).toBe(slow.text?.replace(/\r\n/g, '\n'));
      expect(fast.html).toContain('/r/pretrain-weekly-064/1/3.');
    });
  }

  it('refuses to prepare a tracked issue without a signer, and never tracks an untracked one', () => {
    const plain = syntheticIssue({ kb: 2 });
    expect(() => prepareIssueMime({ ...plain, clicks: trackLinks(plain.rendered, BASE) }, { from: FROM, publicUrl: PUBLIC_URL })).toThrow(/clickToken/);
    const raw = prepareIssueMime(plain, { from: FROM, publicUrl: PUBLIC_URL, clickToken: sign }).build(recipient, sentAt).raw.toString('latin1');
    expect(mimeParts(Buffer.from(raw, 'latin1')).parts.some((p) => p.decoded.includes('/r/'))).toBe(false);
  });
});
