// readReportEmail against the hand-written DSN / ARF fixtures in test/fixtures/bounces (see its
// README), plus the limits and a property that no input makes it throw anything but
// ReportEmailError.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPORT_BYTES, readReportEmail, ReportEmailError, type ReadReport } from '../../src/delivery-reports/report-email.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/bounces/${name}`, import.meta.url));

const MESSAGE_ID = '<pretrain-weekly-064.7.0123456789abcdef@example.com>';
const VERP = 'bounces+7.pretrain-weekly-064.AbCdEfGhIjKl@example.com';

const expected: Record<string, ReadReport> = {
  'postfix-hard-bounce.eml': {
    kind: 'reports',
    reports: [
      {
        type: 'bounce',
        email: 'alice@example.net',
        permanent: true,
        status: '5.1.1',
        diagnostic: '550 5.1.1 <alice@example.net>: Recipient address rejected: User unknown in virtual mailbox table',
        messageId: MESSAGE_ID,
        returnPaths: [VERP],
      },
    ],
  },
  'exim-soft-bounce.eml': {
    kind: 'reports',
    reports: [
      {
        type: 'bounce',
        email: 'bob@example.org',
        permanent: false,
        status: '4.2.2',
        diagnostic: '452 4.2.2 Mailbox full: bob@example.org (retry timeout exceeded)',
        messageId: '<pretrain-weekly-064.8.89abcdef01234567@example.com>',
        returnPaths: ['bounces+8.pretrain-weekly-064.QrStUvWxYz01@example.com'],
      },
    ],
  },
  'gmail-style-multi-recipient.eml': {
    kind: 'reports',
    reports: [
      {
        type: 'bounce',
        email: 'carol@example.co.uk',
        permanent: true,
        status: '5.1.1',
        diagnostic:
          "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
        messageId: MESSAGE_ID,
        returnPaths: [VERP],
      },
      {
        type: 'bounce',
        email: 'Dave@example.de',
        permanent: true,
        diagnostic: '554 Transaction failed: mailbox disabled for this recipient',
        messageId: MESSAGE_ID,
        returnPaths: [VERP],
      },
    ],
  },
  'delayed-only.eml': { kind: 'ignored', reason: 'a delivery report without a failed recipient (delayed)' },
  'arf-abuse.eml': {
    kind: 'reports',
    reports: [{ type: 'complaint', email: 'Grace@example.net', permanent: true, messageId: MESSAGE_ID, returnPaths: ['fbl@example.com', VERP] }],
  },
  'arf-redacted.eml': {
    kind: 'reports',
    reports: [{ type: 'complaint', permanent: true, messageId: MESSAGE_ID, returnPaths: ['fbl@example.com', VERP] }],
  },
  'qmail-plain-bounce.eml': {
    kind: 'reports',
    reports: [
      {
        type: 'bounce',
        email: 'heidi@example.info',
        permanent: true,
        status: '5.1.1',
        diagnostic: '550 5.1.1 <heidi@example.info>... User unknown',
        messageId: MESSAGE_ID,
        returnPaths: [VERP],
      },
    ],
  },
  'not-a-report.eml': { kind: 'ignored', reason: 'an auto-reply, not a delivery report' },
};

async function outcome(raw: Buffer): Promise<ReadReport | ReportEmailError> {
  try {
    return await readReportEmail(raw);
  } catch (error) {
    if (error instanceof ReportEmailError) return error;
    throw error;
  }
}

describe('readReportEmail', () => {
  it.each(Object.keys(expected))('reads %s', async (name) => {
    const result = await readReportEmail(fixture(name));
    expect(result).toStrictEqual(expected[name]);
  });

  it('reads the same report from LF-only line endings', async () => {
    const lf = Buffer.from(fixture('postfix-hard-bounce.eml').toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    expect(await readReportEmail(lf)).toStrictEqual(expected['postfix-hard-bounce.eml']);
  });

  it('caps a DSN at 100 recipients', async () => {
    const block = (i: number) => `Final-Recipient: rfc822; user${i}@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n`;
    const dsn = ['Reporting-MTA: dns; mx.example.net\r\n', ...Array.from({ length: 150 }, (_, i) => block(i))].join('\r\n');
    const raw = Buffer.from(
      `From: MAILER-DAEMON@mx.example.net\r\nTo: ${VERP}\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n' +
        `--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n${dsn}\r\n--b--\r\n`,
    );
    const result = await readReportEmail(raw);
    expect(result.kind === 'reports' && result.reports.length).toBe(100);
  });

  it('reads a mail to the List-Unsubscribe mailto as an unsubscribe request, token case kept', async () => {
    const token = '1.7.pretrain-weekly.AbCdEfGhIjKlMnOpQrStUv';
    const mail = (headers: string) => Buffer.from(`From: reader@example.org\r\n${headers}Subject: unsubscribe\r\n\r\nunsubscribe\r\n`);
    expect(await readReportEmail(mail(`To: <unsubscribe+${token}@example.com>\r\n`))).toStrictEqual({ kind: 'unsubscribe', request: { tokens: [token] } });
    // Delivered by an alias: the envelope recipient the MTA adds; the fixed part read case-blind.
    expect(await readReportEmail(mail(`To: weekly@example.com\r\nDelivered-To: Unsubscribe+${token}@EXAMPLE.com\r\n`))).toStrictEqual({
      kind: 'unsubscribe',
      request: { tokens: [token] },
    });
    expect(await readReportEmail(mail('To: weekly@example.com\r\n'))).toMatchObject({ kind: 'ignored' });
    // A delivery report stays a report, whatever its To says.
    const dsn = fixture('postfix-hard-bounce.eml')
      .toString('latin1')
      .replace(/^To: [^\r\n]*/m, `To: unsubscribe+${token}@example.com`);
    expect((await readReportEmail(Buffer.from(dsn, 'latin1'))).kind).toBe('reports');
  });

  it('refuses input over 5 MB without quoting it', async () => {
    const raw = Buffer.concat([fixture('postfix-hard-bounce.eml'), Buffer.alloc(MAX_REPORT_BYTES, 'x')]);
    const error = await outcome(raw);
    expect(error).toBeInstanceOf(ReportEmailError);
    expect((error as Error).message).toMatch(/over the 5242880-byte limit \(5 MB\)/);
    expect((error as Error).message).not.toContain('alice');
  });

  it('refuses empty input and reads garbage bytes as an error or as ignored', async () => {
    expect(await outcome(Buffer.alloc(0))).toBeInstanceOf(ReportEmailError);
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const result = await outcome(garbage);
    expect(result instanceof ReportEmailError || result.kind === 'ignored').toBe(true);
    const text = await outcome(Buffer.from('\u0000\u0001\r\n\r\n:::\r\n--\r\n'));
    expect(text instanceof ReportEmailError || text.kind === 'ignored').toBe(true);
  });

  it('never throws anything but ReportEmailError on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        await outcome(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but ReportEmailError on mutated fixtures', async () => {
    const names = Object.keys(expected);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        text: fc.constantFrom('\r\n', '\r\n\r\n', ' ', ':', ';', '<', '>', '--', '\u0000', 'Action: failed\r\n', '=?utf-8?b?', '\u00ff\u00fe'),
      }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 8 }), async (name, mutations) => {
        let raw = fixture(name);
        for (const m of mutations) {
          const at = raw.length === 0 ? 0 : m.at % raw.length;
          if (m.kind === 'set') raw = Buffer.concat([raw.subarray(0, at), Buffer.from([m.byte]), raw.subarray(at + 1)]);
          if (m.kind === 'insert') raw = Buffer.concat([raw.subarray(0, at), Buffer.from(m.text, 'latin1'), raw.subarray(at)]);
          if (m.kind === 'delete') raw = Buffer.concat([raw.subarray(0, at), raw.subarray(at + m.length)]);
          if (m.kind === 'truncate') raw = raw.subarray(0, at);
        }
        const result = await outcome(raw);
        if (!(result instanceof ReportEmailError) && result.kind === 'reports') {
          for (const report of result.reports) {
            expect(['bounce', 'complaint']).toContain(report.type);
            expect(report.diagnostic === undefined || Array.from(report.diagnostic).length <= 300).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
