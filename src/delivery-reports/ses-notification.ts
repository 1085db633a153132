// Turns the `Message` of a verified SNS notification from Amazon SES into delivery reports:
// who bounced (permanently or not) or complained, and which of our messages it was about. The
// rest of the pipeline acts on these reports; every other SES event is ignored, with a reason.
// Shapes: https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html
import { z } from 'zod';
import { SnsMessageError } from './sns-message.ts';

export interface SesReport {
  type: 'bounce' | 'complaint';
  email: string;
  permanent: boolean;
  /** The original message's Message-ID header, e.g. "<issue.1.abcd@example.com>", if SES includes it. */
  messageId?: string;
  diagnostic?: string;
}

export type SesNotificationResult = { kind: 'reports'; reports: SesReport[] } | { kind: 'ignored'; reason: string };

const MAX_RECIPIENTS = 100;
const MAX_DIAGNOSTIC = 300;

const recipient = z.looseObject({ emailAddress: z.string().min(1), diagnosticCode: z.string().optional() });
const mail = z.looseObject({
  headers: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  commonHeaders: z.looseObject({ messageId: z.string().optional() }).optional(),
});
const envelope = z.looseObject({ notificationType: z.string().optional(), eventType: z.string().optional() });
const bounce = z.looseObject({
  mail,
  bounce: z.looseObject({ bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']), bouncedRecipients: z.array(recipient) }),
});
const complaint = z.looseObject({
  mail,
  complaint: z.looseObject({ complainedRecipients: z.array(recipient), complaintFeedbackType: z.string().optional() }),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new SnsMessageError(`SES ${what}: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'malformed'}`);
}

/** "Ada <ada@example.com>" → "ada@example.com"; a bare address is kept as it is (trimmed). */
function bareAddress(value: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(value);
  return (angle?.[1] ?? value).trim();
}

function clean(text: string): string | undefined {
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return oneLine === '' ? undefined : Array.from(oneLine).slice(0, MAX_DIAGNOSTIC).join('');
}

function originalMessageId(m: z.infer<typeof mail>): string | undefined {
  const header = m.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value ?? m.commonHeaders?.messageId;
  const value = header?.trim();
  return value ? value : undefined;
}

function report(type: SesReport['type'], email: string, permanent: boolean, messageId: string | undefined, diagnostic: string | undefined): SesReport {
  return { type, email: bareAddress(email), permanent, ...(messageId !== undefined && { messageId }), ...(diagnostic !== undefined && { diagnostic }) };
}

/** Parses an SNS `Message` sent by SES; throws SnsMessageError when it is not SES's JSON. */
export function parseSesNotification(message: string): SesNotificationResult {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    throw new SnsMessageError('SES notification: the SNS Message is not valid JSON');
  }
  const head = parse(envelope, value, 'notification');
  const type = head.notificationType ?? head.eventType;
  if (type === undefined) throw new SnsMessageError('SES notification: has neither notificationType nor eventType');

  if (type === 'Bounce') {
    const n = parse(bounce, value, 'Bounce notification');
    const messageId = originalMessageId(n.mail);
    const permanent = n.bounce.bounceType === 'Permanent';
    const reports = n.bounce.bouncedRecipients
      .slice(0, MAX_RECIPIENTS)
      .map((r) => report('bounce', r.emailAddress, permanent, messageId, r.diagnosticCode === undefined ? undefined : clean(r.diagnosticCode)));
    return reports.length > 0 ? { kind: 'reports', reports } : { kind: 'ignored', reason: 'the bounce lists no recipients' };
  }
  if (type === 'Complaint') {
    const n = parse(complaint, value, 'Complaint notification');
    const feedback = n.complaint.complaintFeedbackType;
    if (feedback === 'not-spam') return { kind: 'ignored', reason: 'the complaint is a not-spam report' };
    const messageId = originalMessageId(n.mail);
    const reports = n.complaint.complainedRecipients
      .slice(0, MAX_RECIPIENTS)
      .map((r) => report('complaint', r.emailAddress, true, messageId, feedback === undefined ? undefined : clean(feedback)));
    return reports.length > 0 ? { kind: 'reports', reports } : { kind: 'ignored', reason: 'the complaint lists no recipients' };
  }
  return { kind: 'ignored', reason: `SES ${JSON.stringify(type.slice(0, 40))} notifications carry no bounce or complaint` };
}
