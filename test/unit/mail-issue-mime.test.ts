// The per-issue fast path against nodemailer's own composer, read back with mailparser (the
// real parser) and an independent MIME/DKIM reader: same subject, addresses, bodies and list
// headers, valid structure, short lines, no header injection, DKIM covering the list headers.
import { encodedSizes } from '../../src/mail/index.ts';
import { generateKeyPairSync } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { DkimSigner } from '../../src/mail/dkim-signer.ts';
import { HeaderValueError } from '../../src/mail/header-value-error.ts';
import { prepareIssueMime, type IssueMimeOptions } from '../../src/mail/issue-mime.ts';
import { buildNewsletterMessage } from '../../src/mail/newsletter-message.ts';
import { sendMailOptions } from '../../src/mail/smtp-transport.ts';
import type { MimeRecipient } from '../../src/mail/types.ts';
import { createRenderer, personalise } from '../../src/render/index.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { decodeWords, mimeParts, publishedFrom, splitMessage, syntheticIssue, verifyDkim } from './mail-helpers.ts';

const secrets = [{ version: 1, key: 'k'.repeat(40) }];
const FROM = '"预训练周刊" <weekly@pretrain-weekly.example>';
const PUBLIC_URL = 'https://pretrain-weekly.example';
const opts: IssueMimeOptions = { from: FROM, publicUrl: PUBLIC_URL };

function recipient(subscriberId: string, email: string, name?: string): MimeRecipient {
  // signListToken itself refuses a hostile id; the hostile-id cases only need some token.
  const tokenId = /^\d+$/.test(subscriberId) ? subscriberId : '1';
  return { subscriberId, email, ...(name === undefined ? {} : { name }), unsubscribeToken: signListToken(secrets, tokenId, 'pretrain-weekly') };
}

/** The same message built by nodemailer's composer (the send path's options), as bytes. */
async function viaNodemailer(published: PublishedIssue, r: MimeRecipient, signer: DkimSigner | null = null): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(sendMailOptions(buildNewsletterMessage(published, r, opts), signer));
  return info.message as Buffer;
}

const lf = (s: string | false | undefined) => (s || '').replace(/\r\n/g, '\n');

function expectSameMessage(fast: ParsedMail, slow: ParsedMail) {
  expect(fast.subject).toBe(slow.subject);
  expect(fast.from?.value).toEqual(slow.from?.value);
  expect(fast.to && 'value' in fast.to ? fast.to.value : null).toEqual(slow.to && 'value' in slow.to ? slow.to.value : null);
  expect(fast.messageId).toBe(slow.messageId);
  expect(lf(fast.text)).toBe(lf(slow.text));
  expect(lf(fast.html)).toBe(lf(slow.html));
  const fastList = fast.headers.get('list') as unknown as Record<string, { url?: string; mail?: string; id?: string; name?: string }>;
  const slowList = slow.headers.get('list') as unknown as typeof fastList;
  expect(fastList.unsubscribe).toEqual(slowList.unsubscribe);
  expect(fastList['unsubscribe-post']).toEqual(slowList['unsubscribe-post']);
  expect(fastList.id?.id).toBe(slowList.id?.id);
  expect(decodeWords(fastList.id?.name ?? '')).toBe(decodeWords(slowList.id?.name ?? ''));
}

/** Wire-level checks every message of the fast path must pass. */
function expectWellFormed(raw: Buffer) {
  const { headers, body } = splitMessage(raw);
  for (const line of raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
  for (const h of headers) {
    for (const line of h.raw.split('\r\n')) {
      // Only a URI or a msg-id, which cannot be folded inside, may run past 78 columns.
      if (line.length > 78) expect(/^(List-Unsubscribe: |Message-ID: )?\s*<[^<>\s]+>,?$/.test(line), line).toBe(true);
    }
  }
  expect(/[^\r]\n/.test(raw.toString('latin1'))).toBe(false); // no bare LF anywhere
  expect(headers.filter((h) => h.name === 'list-unsubscribe')).toHaveLength(1);
  expect(headers.filter((h) => h.name === 'to')).toHaveLength(1);
  expect(headers.some((h) => h.name === 'bcc' || h.name === 'cc')).toBe(false);
}

describe('prepareIssueMime on a CJK-heavy issue (~80 KB HTML)', () => {
  const published = syntheticIssue({ kb: 80 });
  const mime = prepareIssueMime(published, opts);
  const r = recipient('1042', 'zhang.san@example.org', '张三');

  it('chooses base64 for the CJK-heavy parts and builds a valid multipart/alternative message', () => {
    expect(mime.encodings).toEqual({ text: 'base64', html: 'base64' });
    const { raw, envelope, messageId } = mime.build(r);
    expect(envelope).toEqual({ from: 'weekly@pretrain-weekly.example', to: 'zhang.san@example.org' });
    expect(messageId).toMatch(/^<pretrain-weekly-064\.1042\.[0-9a-f]{16}@pretrain-weekly\.example>$/);
    expectWellFormed(raw);
    const { contentType, parts } = mimeParts(raw);
    expect(contentType).toMatch(/^multipart\/alternative;\s*boundary="=_nl_[0-9a-f]{24}"$/);
    expect(parts.map((p) => [p.contentType, p.encoding])).toEqual([
      ['text/plain; charset=utf-8', 'base64'],
      ['text/html; charset=utf-8', 'base64'],
    ]);
    const expected = personalise(published.rendered, {
      unsubscribeUrl: `${PUBLIC_URL}/unsubscribe/${r.unsubscribeToken}?issue=pretrain-weekly-064`,
      viewOnlineUrl: `${PUBLIC_URL}/issues/pretrain-weekly-064`,
      name: '张三',
    });
    expect(lf(parts[0]!.decoded)).toBe(lf(expected.text));
    expect(lf(parts[1]!.decoded)).toBe(lf(expected.html));
  });

  it('parses (mailparser) to the same message as nodemailer builds for the same recipient', async () => {
    const fast = await simpleParser(mime.build(r).raw);
    const slow = await simpleParser(await viaNodemailer(published, r));
    expectSameMessage(fast, slow);
    expect(fast.subject).toBe('《预训练周刊》第64期:微调新范式:组合、噪音、指令、自我改进等');
    expect(fast.from?.value).toEqual([{ address: 'weekly@pretrain-weekly.example', name: '预训练周刊' }]);
    expect(fast.to && 'value' in fast.to && fast.to.value).toEqual([{ address: 'zhang.san@example.org', name: '张三' }]);
    const list = fast.headers.get('list') as unknown as Record<string, Record<string, string>>;
    expect(list.unsubscribe).toEqual({
      url: `${PUBLIC_URL}/unsubscribe/${r.unsubscribeToken}?issue=pretrain-weekly-064`,
      mail: `unsubscribe+${r.unsubscribeToken}@pretrain-weekly.example?subject=unsubscribe`,
    });
    expect(list['unsubscribe-post']).toEqual({ name: 'List-Unsubscribe=One-Click' });
    expect(list.id!.id).toBe('pretrain-weekly.pretrain-weekly.example');
    expect(decodeWords(list.id!.name!)).toBe('预训练周刊');
    expect(fast.text).toContain('张三，你好！');
    expect(fast.html).toContain(`href="${PUBLIC_URL}/unsubscribe/${r.unsubscribeToken}?issue=pretrain-weekly-064"`);
  });

  it('encodes the CJK subject as RFC 2047 words and keeps every header line ASCII', () => {
    const { headers } = splitMessage(mime.build(r).raw);
    const subject = headers.find((h) => h.name === 'subject')!;
    expect(subject.raw).toMatch(/^Subject: =\?UTF-8\?B\?/);
    expect(decodeWords(subject.value)).toBe(published.subject);
    for (const h of headers) expect(/^[\x20-\x7e\r\n\t]*$/.test(h.raw)).toBe(true);
    const unsubscribe = headers.find((h) => h.name === 'list-unsubscribe')!;
    expect(unsubscribe.value).toBe(
      `<${PUBLIC_URL}/unsubscribe/${r.unsubscribeToken}?issue=pretrain-weekly-064>, <mailto:unsubscribe+${r.unsubscribeToken}@pretrain-weekly.example?subject=unsubscribe>`,
    );
  });

  it('splices correctly at every byte alignment, in base64 and in quoted-printable', () => {
    const qp = prepareIssueMime(published, { ...opts, encodings: { text: 'quoted-printable', html: 'quoted-printable' } });
    const names = [undefined, 'A', '李', 'Ab', 'Li Si', '王小明', 'Ωmega', '🙂x', 'a&b<c>"d\'', '  padded  '];
    for (const [i, name] of names.entries()) {
      const rr = recipient(`${700 + i}`.repeat((i % 3) + 1), `user${i}@example.org`, name);
      const expected = personalise(published.rendered, {
        unsubscribeUrl: `${PUBLIC_URL}/unsubscribe/${rr.unsubscribeToken}?issue=pretrain-weekly-064`,
        viewOnlineUrl: `${PUBLIC_URL}/issues/pretrain-weekly-064`,
        ...(name ? { name } : {}),
      });
      for (const prepared of [mime, qp]) {
        const raw = prepared.build(rr).raw;
        expectWellFormed(raw);
        const { parts } = mimeParts(raw);
        expect(parts.map((p) => p.encoding)).toEqual([prepared.encodings.text, prepared.encodings.html]);
        expect(lf(parts[0]!.decoded)).toBe(lf(expected.text));
        expect(lf(parts[1]!.decoded)).toBe(lf(expected.html));
      }
    }
  });

  it('gives a deterministic Message-ID per issue, subscriber and content', () => {
    const a = mime.build(r).messageId;
    expect(mime.build(r, new Date(0)).messageId).toBe(a);
    expect(mime.build(recipient('1043', 'x@example.org')).messageId).not.toBe(a);
    expect(prepareIssueMime(syntheticIssue({ kb: 80, contentHash: 'beef'.repeat(16) }), opts).build(r).messageId).not.toBe(a);
  });

  it('uses the default name (读者) when the recipient has none', async () => {
    const parsed = await simpleParser(mime.build(recipient('5', 'anon@example.org')).raw);
    expect(parsed.text).toContain('读者，你好！');
    expect(parsed.to && 'value' in parsed.to && parsed.to.value).toEqual([{ address: 'anon@example.org', name: '' }]);
  });
});

describe('hostile recipient values', () => {
  const mime = prepareIssueMime(syntheticIssue({ kb: 20 }), opts);

  it.each([
    ['a name with CRLF', recipient('1', 'a@example.org', 'Eve\r\nBcc: victim@example.org')],
    ['a name with a bare LF', recipient('1', 'a@example.org', 'Eve\nX-Evil: 1')],
    ['an address with CRLF', recipient('1', 'a@example.org\r\nBcc: victim@example.org')],
    ['an address list', recipient('1', 'a@example.org>, victim@example.org')],
    ['an address with a space', recipient('1', 'a b@example.org')],
    ['a token with CRLF', { ...recipient('1', 'a@example.org'), unsubscribeToken: 'abc\r\nBcc: victim@example.org' }],
    ['a token with a bracket', { ...recipient('1', 'a@example.org'), unsubscribeToken: 'abc>, <https://evil.example' }],
    ['a subscriber id with CRLF', recipient('1\r\nX-Evil: 1', 'a@example.org')],
    ['a subscriber id with a bracket', recipient('1>', 'a@example.org')],
    ['a name that cannot be folded under 998 characters', recipient('1', 'a@example.org', 'x'.repeat(1000))],
  ])('refuses %s with a HeaderValueError', (_name, r) => {
    expect(() => mime.build(r)).toThrow(HeaderValueError);
  });

  it('keeps a name with quotes, commas, brackets and an address in it as one display name', async () => {
    const name = '"Eve" <eve@evil.example>, x@evil.example; (note) \\ 李';
    const { raw } = mime.build(recipient('9', 'real@example.org', name));
    expectWellFormed(raw);
    const parsed = await simpleParser(raw);
    expect(parsed.to && 'value' in parsed.to && parsed.to.value).toEqual([{ address: 'real@example.org', name }]);
  });

  it('HTML-escapes the name in the html part and keeps it as is in the text part', async () => {
    const { raw } = mime.build(recipient('9', 'real@example.org', '<script>alert(1)</script>'));
    const parsed = await simpleParser(raw);
    expect(parsed.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;，你好！');
    expect(parsed.html).not.toContain('<script>alert');
    expect(parsed.text).toContain('<script>alert(1)</script>，你好！');
  });

  it('folds a long non-ASCII name within 78 columns', async () => {
    const name = '非常长的名字'.repeat(12);
    const { raw } = mime.build(recipient('9', 'real@example.org', name));
    expectWellFormed(raw);
    const to = splitMessage(raw).headers.find((h) => h.name === 'to')!;
    expect(to.raw.split('\r\n').length).toBeGreaterThan(1);
    const parsed = await simpleParser(raw);
    expect(parsed.to && 'value' in parsed.to && parsed.to.value).toEqual([{ address: 'real@example.org', name }]);
  });

  it('refuses a From or PUBLIC_URL that could break a header, at prepare time', () => {
    const published = syntheticIssue({ kb: 5 });
    expect(() => prepareIssueMime(published, { ...opts, from: 'Weekly <w@example.org>\r\nBcc: x@y.example' })).toThrow(HeaderValueError);
    expect(() => prepareIssueMime(published, { ...opts, publicUrl: 'https://example.org/a>b' })).toThrow(HeaderValueError);
    expect(() => prepareIssueMime(published, { ...opts, publicUrl: 'javascript:alert(1)' })).toThrow(HeaderValueError);
  });
});

describe('DKIM', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkim = { domainName: 'pretrain-weekly.example', keySelector: 'nl2025', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  const published = syntheticIssue({ kb: 80 });
  const r = recipient('77', 'signed@example.org', '签名 测试');
  const required = ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'list-id', 'list-unsubscribe', 'list-unsubscribe-post'];

  it.each(['base64', 'quoted-printable'] as const)('signs the fast-path message (%s bodies), covering both list headers', (encoding) => {
    const mime = prepareIssueMime(published, { ...opts, dkim, encodings: { text: encoding, html: encoding } });
    const { raw } = mime.build(r);
    expect(splitMessage(raw).headers[0]).toMatchObject({
      name: 'dkim-signature',
      value: expect.stringMatching(/^v=1; a=rsa-sha256; c=relaxed\/relaxed; ?d=pretrain-weekly\.example;/),
    });
    expectWellFormed(raw);
    const result = verifyDkim(raw, publicKey);
    expect(result.tags.s).toBe('nl2025');
    expect(result.signed).toEqual(expect.arrayContaining(required));
    expect(result.bodyHashOk).toBe(true);
    expect(result.signatureOk).toBe(true);
  });

  it('the verifier accepts nodemailer’s own signature on the send path, which also covers List-Unsubscribe-Post', async () => {
    const raw = await viaNodemailer(published, r, new DkimSigner(dkim));
    const result = verifyDkim(raw, publicKey);
    expect(result.signed).toEqual(expect.arrayContaining(required));
    expect(result.bodyHashOk && result.signatureOk).toBe(true);
  });

  it('fails verification when a signed list header or the body is changed', () => {
    const { raw } = prepareIssueMime(published, { ...opts, dkim }).build(r);
    const text = raw.toString('latin1');
    const withoutPost = Buffer.from(
      text.replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Two-Clicks'),
      'latin1',
    );
    expect(verifyDkim(withoutPost, publicKey).signatureOk).toBe(false);
    const otherLink = Buffer.from(text.replace(`/unsubscribe/${r.unsubscribeToken}?issue=`, '/unsubscribe/someone-else?issue='), 'latin1');
    expect(verifyDkim(otherLink, publicKey).signatureOk).toBe(false);
    const lastBodyLine = text.lastIndexOf('\r\n--=_nl_') - 4;
    const body = Buffer.from(text.slice(0, lastBodyLine) + (text[lastBodyLine] === 'A' ? 'B' : 'A') + text.slice(lastBodyLine + 1), 'latin1');
    expect(verifyDkim(body, publicKey).bodyHashOk).toBe(false);
  });

  it('over-signs From, Subject and both list headers, so a second one added in transit breaks the signature', () => {
    const { raw } = prepareIssueMime(published, { ...opts, dkim }).build(r);
    const result = verifyDkim(raw, publicKey);
    for (const name of ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']) expect(result.signed.filter((h) => h === name)).toHaveLength(2);
    expect(result.signed).toContain('feedback-id');
    expect(result.signatureOk).toBe(true);
    const text = raw.toString('latin1');
    const afterSignature = text.indexOf('\r\nFrom: ') + 2;
    for (const added of [
      'List-Unsubscribe: <https://evil.example/collect>',
      'Subject: =?UTF-8?B?5YWN6LS5?=',
      'From: someone@evil.example',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    ]) {
      const tampered = Buffer.from(`${text.slice(0, afterSignature)}${added}\r\n${text.slice(afterSignature)}`, 'latin1');
      expect(verifyDkim(tampered, publicKey).signatureOk, added).toBe(false);
    }
  });

  it('carries Feedback-ID: campaign:newsletter:sender domain', () => {
    const { raw } = prepareIssueMime(published, { ...opts }).build(r);
    const feedback = splitMessage(raw).headers.find((h) => h.name === 'feedback-id');
    expect(feedback?.value).toBe(`${published.issueId}:${published.rendered.newsletterId}:${opts.from.replace(/^.*@([^>]+)>?$/, '$1')}`);
  });

  it('refuses a bad DKIM setup when the issue is prepared, not per message', () => {
    expect(() => prepareIssueMime(published, { ...opts, dkim: { ...dkim, keySelector: 'a;b=c' } })).toThrow(/selector/);
    expect(() => prepareIssueMime(published, { ...opts, dkim: { ...dkim, privateKey: 'not a key' } })).toThrow();
  });
});

describe('issue 64 as rendered by the project', () => {
  let published: PublishedIssue;
  beforeAll(async () => {
    const { issue, newsletter, templates } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
    published = publishedFrom(await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter), 'f00d'.repeat(16));
  });

  it('builds the same message as nodemailer, well formed', async () => {
    const mime = prepareIssueMime(published, opts);
    expect(mime.encodings.html).toBe(published.rendered.report.encoding);
    const r = recipient('12345', 'reader@example.org', '读者甲');
    const { raw } = mime.build(r);
    expectWellFormed(raw);
    expectSameMessage(await simpleParser(raw), await simpleParser(await viaNodemailer(published, r)));
  });
});
