// What is left of an address erased on request (`subscribers forget`): a hash in one Redis set,
// so that an old CSV, the admin API or the form cannot bring the person back by accident, while
// the address itself is gone. SHA-256 with a purpose label, not keyed by SECRET: rotating the
// secret must not forget the forgetting. (A hash of an address is guessable from a list of
// candidate addresses; it only answers "is this one of them", which is what suppression needs.)
import * as crypto from 'node:crypto';
import { UserError } from '../errors.ts';
import { mailboxKey } from './email-address.ts';

/** Case-blind, like the store's address index: the same person typing `Ada@` or `ada@` stays out. */
export function forgottenHash(email: string): string {
  return forgottenHashOfMailbox(mailboxKey(email) ?? email.trim().toLowerCase());
}

/** The same for a mailbox already case-folded (the store's createMany: an import hashes every row). */
export function forgottenHashOfMailbox(mailbox: string): string {
  const text = `newsletter-forgotten\n${mailbox}`;
  // crypto.hash (Node ≥ 20.12) is the one-shot form, without a Hash object per call.
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url');
}

/** Adding an address that was erased on request. */
export class AddressForgottenError extends UserError {
  override name = 'AddressForgottenError';
  constructor(readonly email: string) {
    super(
      `${email} was erased on request (subscribers forget) and is not added again; if the person asks to come back, run \`newsletter subscribers unforget ${email}\` first`,
    );
  }
}
