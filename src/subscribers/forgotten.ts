// What is left of an address erased on request (`subscribers forget`): a hash in one Redis set,
// so that an old CSV, the admin API or the form cannot bring the person back by accident, while
// the address itself is gone. SHA-256 with a purpose label, not keyed by SECRET: rotating the
// secret must not forget the forgetting. (A hash of an address is guessable from a list of
// candidate addresses; it only answers "is this one of them", which is what suppression needs.)
import { createHash } from 'node:crypto';
import { UserError } from '../errors.ts';
import { mailboxKey } from './email-address.ts';

/** Case-blind, like the store's address index: the same person typing `Ada@` or `ada@` stays out. */
export function forgottenHash(email: string): string {
  const normalised = mailboxKey(email) ?? email.trim().toLowerCase();
  return createHash('sha256').update(`newsletter-forgotten\n${normalised}`).digest('base64url');
}

/** Adding an address that was erased on request. */
export class AddressForgottenError extends UserError {
  override name = 'AddressForgottenError';
  constructor(readonly email: string) {
    super(`${email} was erased on request (subscribers forget) and is not added again; if the person asks to come back, run \`newsletter subscribers unforget ${email}\` first`);
  }
}
