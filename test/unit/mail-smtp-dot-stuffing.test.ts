// SMTP transparency for the fast path's canonical messages, checked against nodemailer's own
// DataStream (the byte-by-byte original): for every message the fast path builds, the bytes
// put on the wire must be exactly the ones the stock transform would have produced.
import { encodedSizes } from '../../src/mail/index.ts';
import { PassThrough } from 'node:stream';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { describe, expect, it } from 'vitest';
import { loadIssueFile } from '../../src/content/index.ts';
import { toPublishedIssue } from '../../src/campaign/records/publish.ts';
import { prepareIssueMime, type IssueMimeOptions } from '../../src/mail/issue-mime.ts';
import { stuffDots, useCanonicalDotStuffing } from '../../src/mail/smtp-dot-stuffing.ts';
import type { PublishedIssue } from '../../src/campaign/types.ts';
import { createRenderer } from '../../src/render/index.ts';
import { syntheticIssue } from './mail-helpers.ts';

const opts: IssueMimeOptions = { from: '"预训练周刊" <weekly@pretrain-weekly.example>', publicUrl: 'https://pretrain-weekly.example' };

/** What a DataStream writes for `chunks`, with the stock transform or the canonical one. */
function throughDataStream(chunks: Buffer[], canonical: boolean): Promise<{ out: Buffer; inBytes: number; outBytes: number; installed: boolean }> {
  const stream = new DataStream();
  const installed = canonical ? useCanonicalDotStuffing(stream) : false;
  const parts: Buffer[] = [];
  stream.on('data', (part: Buffer) => parts.push(part));
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('end', () => resolve({ out: Buffer.concat(parts), inBytes: stream.inByteCount, outBytes: stream.outByteCount, installed }));
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

const reader = (n: number, name?: string) => ({
  subscriberId: String(n),
  email: `reader${n}@example.org`,
  ...(name ? { name } : {}),
  unsubscribeToken: `1.${n}.pretrain-weekly.sig`,
});

async function issue64(): Promise<PublishedIssue> {
  const { issue, newsletter, templates } = await loadIssueFile('emails/issues/pretrain-weekly-064.yaml');
  return toPublishedIssue(await createRenderer(templates, { encodedSizes }).renderIssue(issue, newsletter), issue, newsletter);
}

describe('stuffDots', () => {
  it('doubles a dot that starts a line and nothing else', () => {
    expect(stuffDots(Buffer.from('.a\r\nb.\r\n.\r\n..c\r\nd\r\n'), false).toString()).toBe('..a\r\nb.\r\n..\r\n...c\r\nd\r\n');
  });

  it('reads the byte before the chunk for a dot at its start', () => {
    expect(stuffDots(Buffer.from('.x\r\n'), 0x0a).toString()).toBe('..x\r\n');
    expect(stuffDots(Buffer.from('.x\r\n'), 0x41).toString()).toBe('.x\r\n');
  });

  it('returns the same Buffer when there is nothing to change (no copy on the common path)', () => {
    const chunk = Buffer.from('From: a@example.org\r\n\r\nbody.\r\n');
    expect(stuffDots(chunk, false)).toBe(chunk);
  });
});

describe('the canonical transform against nodemailer DataStream', () => {
  it('is installed on nodemailer 10 DataStream and never on another stream', () => {
    expect(useCanonicalDotStuffing(new DataStream())).toBe(true);
    expect(useCanonicalDotStuffing(new PassThrough())).toBe(false);
  });

  const cases: Array<[string, () => Promise<PublishedIssue> | PublishedIssue, IssueMimeOptions]> = [
    ['a CJK issue, base64 parts', () => syntheticIssue({ kb: 40 }), opts],
    // Quoted-printable keeps the synthetic issue's `.hidden{…}` line: a dot at the start of a line.
    ['a CJK issue, quoted-printable parts', () => syntheticIssue({ kb: 40 }), { ...opts, encodings: { html: 'quoted-printable', text: 'quoted-printable' } }],
    ['issue 64 as published', issue64, opts],
    ['issue 64, quoted-printable parts', issue64, { ...opts, encodings: { html: 'quoted-printable', text: 'quoted-printable' } }],
  ];

  for (const [label, published, options] of cases) {
    it(`puts the same bytes on the wire as the stock transform: ${label}`, async () => {
      const mime = prepareIssueMime(await published(), options);
      let dotsStuffed = 0;
      for (const r of [reader(1, '张三'), reader(22), reader(333, ".dot O'Neil")]) {
        const { raw } = mime.build(r);
        expect(/\r(?!\n)|(?<!\r)\n/.test(raw.toString('latin1'))).toBe(false); // the precondition: CRLF only
        const stock = await throughDataStream([raw], false);
        const fast = await throughDataStream([raw], true);
        expect(fast.installed).toBe(true);
        expect(fast.out.equals(stock.out)).toBe(true);
        expect([fast.inBytes, fast.outBytes]).toEqual([stock.inBytes, stock.outBytes]);
        expect(raw.subarray(-2).toString()).toBe('\r\n');
        dotsStuffed += stock.outBytes - stock.inBytes - 3; // minus the final ".\r\n"
      }
      if (options.encodings?.html === 'quoted-printable' && label.includes('CJK')) expect(dotsStuffed).toBeGreaterThan(0);
    });
  }

  it('agrees with the stock transform when a message arrives in several chunks', async () => {
    const raw = Buffer.from('Subject: x\r\n\r\n.one\r\ntwo\r\n.three\r\n..\r\n');
    for (const cut of [1, 13, 14, 15, 20, 21]) {
      const chunks = [raw.subarray(0, cut), raw.subarray(cut)];
      const [stock, fast] = await Promise.all([throughDataStream(chunks, false), throughDataStream(chunks, true)]);
      expect(fast.out.toString('latin1'), `cut at ${cut}`).toBe(stock.out.toString('latin1'));
    }
  });
});
