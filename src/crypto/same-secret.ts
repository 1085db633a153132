// Comparing a presented token with the configured one. Both sides are hashed to a fixed length
// first, so the compare is constant-time whatever the length of what the client sent.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time "is `given` the token"; an unset token never matches, not even ''. */
export function sameSecret(given: string, token: string): boolean {
  return token.length > 0 && given.length > 0 && timingSafeEqual(digest(given), digest(token));
}
