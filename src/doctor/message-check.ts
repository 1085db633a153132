// One issue message built as the worker builds it (prepareIssueMime with the worker's options:
// From, DKIM, signed Message-ID, VERP), for a sample issue and a made-up subscriber, never sent;
// then its headers read as a mailbox provider reads them (docs/standards.md, List headers).
import { prepareIssueMime } from '../mail/index.ts';
import { toSpliceTemplate } from '../render/index.ts';
import type { RenderedIssue } from '../render/types.ts';
import { fromHeader } from '../subscribers/from-header.ts';
import { signListToken } from '../subscribers/tokens.ts';
import { type CheckResult, fail, pass } from './types.ts';

export interface MessageCheckInput {
  mailFrom: string;
  publicUrl: string;
  secrets: ReadonlyArray<{ version: number; key: string }>;
  bounceAddress?: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string };
}

/**
 * A subscriber id no store can give out (ids are JavaScript-safe numbers, this is above
 * 2^53), so a link signed for it names nobody: the one-click check changes nothing.
 */
export const NOBODY_ID = '9999999999999999';
/** The list the sample message and the one-click check's token are signed for. */
export const DOCTOR_LIST = 'doctor-check';

export function nobodyToken(secrets: MessageCheckInput['secrets']): string {
  return signListToken([...secrets], NOBODY_ID, DOCTOR_LIST);
}

function sampleIssue(): RenderedIssue {
  const html = '<p>Hello %%NL_NAME%%</p><p><a href="%%NL_UNSUBSCRIBE_URL%%">Unsubscribe</a></p>';
  const text = 'Hello %%NL_NAME%%\n\nUnsubscribe: %%NL_UNSUBSCRIBE_URL%%\n';
  return {
    issueId: 'doctor-sample',
    newsletterId: 'doctor-sample',
    subject: 'newsletter doctor: a sample issue',
    html,
    text,
    tokens: ['NAME', 'UNSUBSCRIBE_URL'],
    splice: { html: toSpliceTemplate(html), text: toSpliceTemplate(text) },
    report: {
      htmlBytes: html.length,
      encodedHtmlBytes: html.length,
      encoding: 'quoted-printable',
      textBytes: text.length,
      budgetBytes: 95_000,
      warnBytes: 85_000,
      imageCount: 0,
      linkCount: 1,
    },
    findings: [],
  };
}

/** Header fields of a raw message, names lower-cased, folded values joined. */
export function headerFields(raw: string): Array<{ name: string; value: string }> {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  return head.split(/\r\n(?![ \t])/).map((line) => ({
    name: line.slice(0, line.indexOf(':')).trim().toLowerCase(),
    value: line
      .slice(line.indexOf(':') + 1)
      .replace(/\r\n[ \t]+/g, ' ')
      .trim(),
  }));
}

/** The built message's list headers and DKIM signature, one check each. */
export function messageHeaderChecks(raw: string): CheckResult[] {
  const fields = headerFields(raw);
  const get = (name: string) => fields.find((f) => f.name === name)?.value;
  const results: CheckResult[] = [];
  const unsubscribe = get('list-unsubscribe') ?? '';
  const hasHttps = /<https:\/\/[^>]+>/.test(unsubscribe);
  const hasMailto = /<mailto:[^>]+>/.test(unsubscribe);
  if (hasHttps && hasMailto) results.push(pass('list-unsubscribe', 'List-Unsubscribe has an https and a mailto address'));
  else
    results.push(
      fail(
        'list-unsubscribe',
        `List-Unsubscribe lacks ${[hasHttps ? '' : 'an https URL', hasMailto ? '' : 'a mailto address'].filter(Boolean).join(' and ')}`,
        hasHttps ? 'check MAIL_FROM (the mailto is under its domain)' : 'set PUBLIC_URL to the https address of `newsletter serve`',
      ),
    );
  if (get('list-unsubscribe-post') === 'List-Unsubscribe=One-Click')
    results.push(pass('list-unsubscribe-post', 'List-Unsubscribe-Post: List-Unsubscribe=One-Click'));
  else
    results.push(
      fail(
        'list-unsubscribe-post',
        'no List-Unsubscribe-Post: List-Unsubscribe=One-Click header',
        'this is a bug in the message builder (src/mail/issue-mime.ts)',
      ),
    );
  const feedback = get('feedback-id');
  if (feedback) results.push(pass('feedback-id', `Feedback-ID: ${feedback}`));
  else results.push(fail('feedback-id', 'no Feedback-ID header', 'this is a bug in the message builder (src/mail/issue-mime.ts)'));
  const signature = get('dkim-signature');
  if (!signature)
    results.push(
      fail(
        'dkim-signature',
        'the message is not DKIM-signed',
        'set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY: Gmail and Yahoo require DKIM of bulk senders',
      ),
    );
  else {
    const signed = (/(?:^|;)\s*h=([^;]*)/.exec(signature)?.[1] ?? '').split(':').map((h) => h.trim().toLowerCase());
    const missing = ['list-unsubscribe', 'list-unsubscribe-post'].filter((h) => !signed.includes(h));
    const d = /(?:^|;)\s*d=([^;\s]*)/.exec(signature)?.[1];
    if (missing.length)
      results.push(fail('dkim-signature', `DKIM h= does not cover ${missing.join(', ')}`, 'sign List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 3.1)'));
    else results.push(pass('dkim-signature', `DKIM-Signature d=${d}, h= covers list-unsubscribe and list-unsubscribe-post`));
  }
  return results;
}

export function buildSampleMessage(input: MessageCheckInput): string {
  const rendered = sampleIssue();
  const published = {
    issueId: rendered.issueId,
    newsletterName: 'newsletter doctor',
    listId: DOCTOR_LIST,
    subject: rendered.subject,
    contentHash: '0'.repeat(64),
    rendered,
  };
  const mime = prepareIssueMime(published, {
    from: fromHeader(input.mailFrom, published.newsletterName).header,
    publicUrl: input.publicUrl,
    ...(input.dkim ? { dkim: input.dkim } : {}),
    secrets: input.secrets,
    ...(input.bounceAddress ? { verp: { bounceAddress: input.bounceAddress, secrets: input.secrets } } : {}),
  });
  return mime
    .build({ subscriberId: NOBODY_ID, email: 'reader@example.com', name: 'Reader', unsubscribeToken: nobodyToken(input.secrets) })
    .raw.toString('utf8');
}

export function messageChecks(input: MessageCheckInput): CheckResult[] {
  try {
    return messageHeaderChecks(buildSampleMessage(input));
  } catch (error) {
    return [
      fail(
        'message',
        `cannot build a message: ${(error as Error).message}`,
        'fix the setting the message names (MAIL_FROM, PUBLIC_URL, BOUNCE_ADDRESS, DKIM_*)',
      ),
    ];
  }
}
