// The mail module: SMTP transport, newsletter message parts, the per-issue MIME fast path and
// the one place SMTP errors are classified.
export { classifySmtpError, type SmtpPhase } from './classify-smtp-error.ts';
export { createSmtpMailer, type SmtpMailerOptions } from './smtp-transport.ts';
export {
  LIST_UNSUBSCRIBE_POST,
  addressOf,
  buildNewsletterMessage,
  domainOf,
  listIdentifier,
  newsletterLinks,
  newsletterMessageId,
  type NewsletterLinks,
  type NewsletterMessageOptions,
} from './newsletter-message.ts';
export { prepareIssueMime, type IssueMimeOptions } from './issue-mime.ts';
export { DKIM_HEADER_FIELDS, type DkimConfig } from './dkim-signer.ts';
export { chooseTransferEncoding } from './mime-encoding.ts';
export { encodedSizes } from './encoded-sizes.ts';
export { HeaderValueError } from './header-value-error.ts';
export type * from './types.ts';
