// The per-issue fast path: everything nodemailer's MailComposer would build for every message
// (header block, boundary, part headers, transfer-encoded bodies) is built once per issue;
// `build` only encodes the recipient's own values and joins them in. The output is an
// ordinary multipart/alternative RFC 5322 message with the headers of docs/standards.md, checked
// against a nodemailer-built copy with mailparser in test/unit/mail-issue-mime.test.ts.
import { createHash } from 'node:crypto';
import { DkimSigner, bodyHash, type DkimConfig } from './dkim-signer.ts';
import { encodeTemplate, type BodyPiece } from './encoded-template.ts';
import { HeaderValueError, assertHeaderSafe } from './header-value-error.ts';
import { splice } from '../render/splice.ts';
import { CRLF, chooseTransferEncoding, dateHeaderValue, encodePhrase, foldedHeader } from './mime-encoding.ts';
import {
  LIST_UNSUBSCRIBE_POST,
  addressOf,
  checkedAddress,
  checkedPublicUrl,
  domainOf,
  listIdentifier,
  newsletterLinks,
  mailedRendered,
  newsletterMessageId,
  personalTokenValues,
  signedClickToken,
  tracksClicks,
  type ClickTokenSigner,
} from './newsletter-message.ts';
import { encodeHeaderValue } from './nodemailer-internals.ts';
import { verpAddress } from './verp.ts';
import type { BuiltMessage, MailableIssue, MimeRecipient, PreparedIssueMime, TransferEncoding } from './types.ts';

export interface IssueMimeOptions {
  /** Full From value, e.g. `"预训练周刊" <weekly@example.com>`; its domain names Message-IDs, List-Id and the mailto. */
  from: string;
  publicUrl: string;
  /** Signs every message when set (Config['dkim'] fits). */
  dkim?: DkimConfig;
  /** MAIL FROM (bounce address); defaults to the From address. */
  envelopeFrom?: string;
  /** VERP: MAIL FROM becomes `local+SUBSCRIBER.ISSUE.MAC@domain` of this bounce address (verp.ts). */
  verp?: { bounceAddress: string; secrets: ReadonlyArray<{ version: number; key: string }> };
  /** Signs every Message-ID (message-id.ts; SECRET, current key first): the worker always passes them. */
  secrets?: ReadonlyArray<{ version: number; key: string }>;
  /** Replaces the issue's subject (e.g. a test send's marked subject). */
  subject?: string;
  /** Signs each message's click token (campaign, subscriber, sentAt): needed when the issue's links are tracked. */
  clickToken?: ClickTokenSigner;
  /** Forces a part's encoding; by default html follows the render report and text whichever is smaller. */
  encodings?: Partial<Record<'text' | 'html', TransferEncoding>>;
}

function partHeader(boundary: string, type: 'plain' | 'html', encoding: TransferEncoding): BodyPiece {
  const raw = Buffer.from(`--${boundary}${CRLF}Content-Type: text/${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}`, 'latin1');
  return { raw, canon: raw };
}

/** Copies `chunks` one after another into `target`, which has exactly their length. */
function joinInto(chunks: Buffer[], target: Buffer): Buffer {
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(target, at);
  if (at !== target.length) throw new Error(`message buffer of ${target.length} bytes for a message of ${at}`);
  return target;
}

export function prepareIssueMime(published: MailableIssue, opts: IssueMimeOptions): PreparedIssueMime {
  const { rendered, issueId, contentHash } = published;
  const fromAddress = addressOf(opts.from);
  const domain = domainOf(fromAddress);
  const publicUrl = checkedPublicUrl(opts.publicUrl);
  if (publicUrl.length > 300) throw new HeaderValueError('List-Unsubscribe', 'PUBLIC_URL is longer than 300 characters');
  const envelopeFrom = opts.envelopeFrom ? checkedAddress('MAIL FROM', opts.envelopeFrom) : fromAddress;
  const verp = opts.verp ? { ...opts.verp, bounceAddress: checkedAddress('BOUNCE_ADDRESS', opts.verp.bounceAddress) } : null;
  const signer = opts.dkim ? new DkimSigner(opts.dkim) : null;

  const encodings = {
    text: opts.encodings?.text ?? chooseTransferEncoding(rendered.text),
    html: opts.encodings?.html ?? rendered.report.encoding,
  };
  // A list send that counts clicks sends the links tracked at publish; its token is per message.
  const tracked = tracksClicks(published);
  if (tracked && !opts.clickToken) throw new Error(`issue ${issueId} tracks clicks: prepareIssueMime needs a clickToken signer`);
  const mailed = mailedRendered(published);
  const text = encodeTemplate(mailed.splice.text, encodings.text);
  const html = encodeTemplate(mailed.splice.html, encodings.html);

  // "=_" can occur neither in quoted-printable nor in base64 output, so no body line can ever
  // look like this delimiter. Derived from the content so every worker builds the same bytes.
  const boundary = `=_nl_${createHash('sha256').update(`${issueId}\n${contentHash}`).digest('hex').slice(0, 24)}`;
  const textHeader = partHeader(boundary, 'plain', encodings.text);
  const htmlHeader = partHeader(boundary, 'html', encodings.html);
  const closing = Buffer.from(`--${boundary}--${CRLF}`, 'latin1');
  const closingPiece: BodyPiece = { raw: closing, canon: closing };

  // Header lines that are the same for every recipient, encoded and folded once.
  const fromLine = foldedHeader('From', encodeHeaderValue('From', opts.from));
  const subjectLine = foldedHeader('Subject', encodeHeaderValue('Subject', opts.subject ?? published.subject));
  // A subject with {{name}} in it is the one header built per recipient.
  const personalSubject = opts.subject === undefined ? rendered.subjectSplice : undefined;
  const postLine = `List-Unsubscribe-Post: ${LIST_UNSUBSCRIBE_POST}${CRLF}`;
  const listIdLine = foldedHeader('List-Id', `${encodePhrase('List-Id', published.newsletterName)} <${listIdentifier(published.listId, domain)}>`);
  // Gmail's feedback loop reports complaints per value: campaign, newsletter, sender (ids are [a-z0-9-]).
  const feedbackIdLine = `Feedback-ID: ${issueId}:${rendered.newsletterId}:${domain}${CRLF}`;
  const mimeVersionLine = `MIME-Version: 1.0${CRLF}`;
  const contentTypeLine = `Content-Type: multipart/alternative;${CRLF} boundary="${boundary}"${CRLF}`;

  return {
    issueId,
    encodings,
    build(recipient: MimeRecipient, now: Date = new Date(), into?: (length: number) => Buffer): BuiltMessage {
      const email = checkedAddress('To', recipient.email);
      const name = recipient.name?.trim() || undefined;
      const links = newsletterLinks(publicUrl, issueId, recipient.unsubscribeToken, domain);
      const messageId = newsletterMessageId(issueId, recipient.subscriberId, contentHash, domain, opts.secrets);
      // Once per message, however many links carry it; sentAt is the Date header's time.
      const clickToken = tracked ? signedClickToken(opts.clickToken, recipient.subscriberId, now.getTime()) : '';
      const values = personalTokenValues(rendered, links, name, clickToken);

      const body: BodyPiece[] = [textHeader];
      text.write(values.text, body);
      body.push(htmlHeader);
      html.write(values.html, body);
      body.push(closingPiece);

      const headerLines = [
        fromLine,
        foldedHeader('To', name ? `${encodePhrase('To', name)} <${email}>` : email),
        personalSubject
          ? foldedHeader('Subject', encodeHeaderValue('Subject', assertHeaderSafe('Subject', splice(personalSubject, values.text, false))))
          : subjectLine,
        `Message-ID: ${messageId}${CRLF}`,
        `Date: ${dateHeaderValue(now)}${CRLF}`,
        `List-Unsubscribe: <${links.unsubscribeUrl}>,${CRLF} <${links.unsubscribeMailto}>${CRLF}`,
        postLine,
        listIdLine,
        feedbackIdLine,
        mimeVersionLine,
        contentTypeLine,
      ];
      const dkimLine = signer ? signer.signature(headerLines, bodyHash(body)) : '';
      const head = Buffer.from(`${dkimLine}${headerLines.join('')}${CRLF}`, 'utf8');
      let length = head.length;
      for (const p of body) length += p.raw.length;
      const chunks: Buffer[] = [head];
      for (const p of body) chunks.push(p.raw);
      const from = verp ? verpAddress(verp.bounceAddress, verp.secrets, recipient.subscriberId, issueId) : envelopeFrom;
      return { envelope: { from, to: email }, raw: into ? joinInto(chunks, into(length)) : Buffer.concat(chunks, length), messageId };
    },
  };
}
