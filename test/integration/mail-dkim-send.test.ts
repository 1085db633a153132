// Mail nodemailer builds (confirmation, welcome, test sends) is DKIM-signed by our signer, the
// same way as the issues: From, Subject and both list headers over-signed, verified by the
// independent RFC 6376 verifier in mail-helpers, after a real SMTP conversation. A second
// List-Unsubscribe added in transit then breaks the signature.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/mail/smtp-transport.ts';
import { buildNewsletterMessage } from '../../src/mail/newsletter-message.ts';
import type { Mailer } from '../../src/mail/types.ts';
import { signListToken } from '../../src/subscribers/tokens.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { syntheticIssue, verifyDkim } from '../unit/mail-helpers.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
let sink: SmtpSink;
let mailer: Mailer;

beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = createSmtpMailer({
    smtpUrl: sink.url,
    dkim: { domainName: 'pretrain-weekly.example', keySelector: 'nl', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
  });
});
afterAll(async () => {
  await mailer?.close();
  await sink?.close();
});

describe('DKIM on mail built by nodemailer', () => {
  it('signs with From, Subject and the list headers over-signed, and verifies after SMTP', async () => {
    const message = buildNewsletterMessage(
      syntheticIssue({ kb: 20 }),
      {
        subscriberId: '7',
        email: 'reader7@example.org',
        name: '读者七',
        unsubscribeToken: signListToken([{ version: 1, key: 'k'.repeat(40) }], '7', 'pretrain-weekly'),
      },
      { from: '"预训练周刊" <weekly@pretrain-weekly.example>', publicUrl: 'https://pretrain-weekly.example' },
    );
    expect(await mailer.send(message)).toMatchObject({ kind: 'sent' });
    const got = sink.messages.find((m) => m.to.includes('reader7@example.org'))!;
    expect(got.from).toBe('weekly@pretrain-weekly.example');
    const check = verifyDkim(got.raw, publicKey);
    expect(check).toMatchObject({ bodyHashOk: true, signatureOk: true });
    for (const field of ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']) {
      expect(
        check.signed.filter((f) => f === field),
        field,
      ).toHaveLength(2);
    }
    // One signature only: nodemailer's own signer did not add a second.
    expect(got.raw.toString('latin1').match(/^DKIM-Signature:/gim)).toHaveLength(1);

    // A List-Unsubscribe added in transit makes the signature fail.
    const text = got.raw.toString('latin1');
    const tampered = Buffer.from(text.replace('\r\n\r\n', '\r\nList-Unsubscribe: <https://evil.example/u>\r\n\r\n'), 'latin1');
    expect(verifyDkim(tampered, publicKey).signatureOk).toBe(false);
  });
});
