// The From header of the mail we send: the address from MAIL_FROM, the newsletter's sender name.
import { addressOf } from '../mail/index.ts';

/** `"Display Name" <address>` with the address from MAIL_FROM and the newsletter's sender name. */
export function fromHeader(mailFrom: string, displayName: string): { header: string; address: string } {
  const address = addressOf(mailFrom);
  // Quotes, backslashes and line breaks cannot reach the header from the display name.
  const name = displayName.replace(/[\\"\r\n\u0000-\u001f\u007f]/g, ' ').trim();
  return { header: name ? `"${name}" <${address}>` : address, address };
}
