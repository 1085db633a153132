import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSesNotification } from '../../src/delivery-reports/ses-notification.ts';
import { parseSnsBody, SnsMessageError } from '../../src/delivery-reports/sns-message.ts';
import { loadSnsFixture } from '../helpers/sns-signing.ts';

const MESSAGE_ID = '<pretrain-weekly-064.1.0123456789abcdef@example.com>';
const messageOf = (name: string): string => parseSnsBody(loadSnsFixture(name)).Message;
const sesOf = (name: string): Record<string, unknown> => JSON.parse(messageOf(name)) as Record<string, unknown>;

describe('parseSesNotification on the fixtures', () => {
  it('reports a Permanent bounce', () => {
    expect(parseSesNotification(messageOf('bounce-permanent'))).toStrictEqual({
      kind: 'reports',
      reports: [
        {
          type: 'bounce',
          email: 'ada@example.com',
          permanent: true,
          messageId: MESSAGE_ID,
          diagnostic: 'smtp; 550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
        },
      ],
    });
  });

  it('reports a Transient bounce as not permanent', () => {
    expect(parseSesNotification(messageOf('bounce-transient'))).toStrictEqual({
      kind: 'reports',
      reports: [
        {
          type: 'bounce',
          email: 'grace@example.com',
          permanent: false,
          messageId: MESSAGE_ID,
          diagnostic: 'smtp; 452 4.2.2 The email account that you tried to reach is over quota.',
        },
      ],
    });
  });

  it('reports an abuse complaint as permanent', () => {
    expect(parseSesNotification(messageOf('complaint-abuse'))).toStrictEqual({
      kind: 'reports',
      reports: [{ type: 'complaint', email: 'ada@example.com', permanent: true, messageId: MESSAGE_ID, diagnostic: 'abuse' }],
    });
  });

  it('ignores a Delivery', () => {
    expect(parseSesNotification(messageOf('delivery'))).toStrictEqual({ kind: 'ignored', reason: 'SES "Delivery" notifications carry no bounce or complaint' });
  });
});

describe('parseSesNotification details', () => {
  it('treats Undetermined as not permanent, reads eventType, and a lower-case message-id header', () => {
    const n = sesOf('bounce-permanent') as { bounce: Record<string, unknown>; mail: Record<string, unknown> };
    const { notificationType: _, ...rest } = n as Record<string, unknown>;
    const mail = { headers: [{ name: 'message-id', value: '<other@example.com>' }] };
    const result = parseSesNotification(JSON.stringify({ ...rest, eventType: 'Bounce', bounce: { ...n.bounce, bounceType: 'Undetermined' }, mail }));
    expect(result).toStrictEqual({
      kind: 'reports',
      reports: [
        { type: 'bounce', email: 'ada@example.com', permanent: false, messageId: '<other@example.com>', diagnostic: expect.stringMatching(/^smtp; 550/) },
      ],
    });
  });

  it('falls back to commonHeaders.messageId, and omits messageId and diagnostic when absent', () => {
    const n = sesOf('bounce-permanent') as { bounce: Record<string, unknown> };
    const withCommon = parseSesNotification(JSON.stringify({ ...n, mail: { commonHeaders: { messageId: '<c@example.com>' } } }));
    expect(withCommon.kind === 'reports' && withCommon.reports[0]?.messageId).toBe('<c@example.com>');
    const bare = parseSesNotification(JSON.stringify({ ...n, bounce: { ...n.bounce, bouncedRecipients: [{ emailAddress: 'b@example.com' }] }, mail: {} }));
    expect(bare).toStrictEqual({ kind: 'reports', reports: [{ type: 'bounce', email: 'b@example.com', permanent: true }] });
  });

  it('truncates the diagnostic to 300 characters on one line, and caps recipients at 100', () => {
    const n = sesOf('bounce-permanent') as { bounce: Record<string, unknown> };
    const recipients = Array.from({ length: 150 }, (_, i) => ({ emailAddress: `r${i}@example.com`, diagnosticCode: `smtp; 550\r\n${'y'.repeat(400)}` }));
    const result = parseSesNotification(JSON.stringify({ ...n, bounce: { ...n.bounce, bouncedRecipients: recipients } }));
    if (result.kind !== 'reports') throw new Error('expected reports');
    expect(result.reports).toHaveLength(100);
    expect(result.reports[99]?.email).toBe('r99@example.com');
    expect(result.reports[0]?.diagnostic).toBe(`smtp; 550 ${'y'.repeat(290)}`);
  });

  it('takes the address out of "Name <address>"', () => {
    const n = sesOf('complaint-abuse') as { complaint: Record<string, unknown> };
    const result = parseSesNotification(
      JSON.stringify({ ...n, complaint: { ...n.complaint, complainedRecipients: [{ emailAddress: '"Ada L." <ada@example.com>' }] } }),
    );
    expect(result.kind === 'reports' && result.reports[0]?.email).toBe('ada@example.com');
  });

  it('ignores a not-spam complaint, other event types and the SNS subscription notice', () => {
    const n = sesOf('complaint-abuse') as { complaint: Record<string, unknown> };
    expect(parseSesNotification(JSON.stringify({ ...n, complaint: { ...n.complaint, complaintFeedbackType: 'not-spam' } }))).toStrictEqual({
      kind: 'ignored',
      reason: 'the complaint is a not-spam report',
    });
    expect(parseSesNotification(JSON.stringify({ eventType: 'Send', mail: {} }))).toMatchObject({ kind: 'ignored' });
    expect(
      parseSesNotification(JSON.stringify({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed' })),
    ).toMatchObject({ kind: 'ignored' });
  });

  it.each([
    ['not JSON', 'Hello world!', /not valid JSON/],
    ['a JSON string', '"Bounce"', /SES notification/],
    ['no type', '{"mail":{}}', /neither notificationType nor eventType/],
    ['a bounce without bounce', '{"notificationType":"Bounce","mail":{}}', /SES Bounce notification: bounce:/],
    [
      'an unknown bounceType',
      JSON.stringify({ notificationType: 'Bounce', mail: {}, bounce: { bounceType: 'Soft', bouncedRecipients: [] } }),
      /bounce\.bounceType/,
    ],
    [
      'a recipient without address',
      JSON.stringify({ notificationType: 'Complaint', mail: {}, complaint: { complainedRecipients: [{}] } }),
      /complaint\.complainedRecipients\.0\.emailAddress/,
    ],
  ])('throws SnsMessageError on %s', (_, message, pattern) => {
    expect(() => parseSesNotification(message)).toThrow(SnsMessageError);
    expect(() => parseSesNotification(message)).toThrow(pattern);
  });

  it('throws nothing but SnsMessageError for arbitrary input', () => {
    const recipient = fc.record(
      { emailAddress: fc.oneof(fc.string(), fc.jsonValue()), diagnosticCode: fc.oneof(fc.string(), fc.jsonValue()) },
      { requiredKeys: [] },
    );
    const near = fc.record(
      {
        notificationType: fc.oneof(fc.constantFrom('Bounce', 'Complaint', 'Delivery'), fc.jsonValue()),
        eventType: fc.oneof(fc.constantFrom('Bounce', 'Complaint'), fc.jsonValue()),
        mail: fc.oneof(
          fc.record(
            { headers: fc.array(fc.record({ name: fc.constantFrom('Message-ID', 'x'), value: fc.jsonValue() })), commonHeaders: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        bounce: fc.oneof(
          fc.record({ bounceType: fc.constantFrom('Permanent', 'Transient', 'x'), bouncedRecipients: fc.array(recipient) }, { requiredKeys: [] }),
          fc.jsonValue(),
        ),
        complaint: fc.oneof(
          fc.record({ complaintFeedbackType: fc.jsonValue(), complainedRecipients: fc.array(recipient) }, { requiredKeys: [] }),
          fc.jsonValue(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          near.map((o) => JSON.stringify(o)),
        ),
        (s) => {
          try {
            parseSesNotification(s);
          } catch (err) {
            if (!(err instanceof SnsMessageError)) throw err;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
