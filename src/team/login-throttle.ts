// Wrong passwords per address: after LOGIN_FAILURES_ALLOWED within the window, that address
// cannot log in (or ask for a reset link) until the window has passed, whatever the password and
// whichever client asks. Counted for any address typed, member or not, so the answer tells no
// one which addresses are members. The count is keyed by a hash of the case-folded address.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { mailboxKey } from '../subscribers/email-address.ts';

export const LOGIN_FAILURES_ALLOWED = 5;
export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
/** At most one password-reset mail per address in this many seconds, however often it is asked for. */
export const RESET_MAIL_SECONDS = 10 * 60;

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private hash(email: string): string {
    const folded = mailboxKey(email) ?? email.trim().toLowerCase();
    return createHash('sha256').update(folded).digest('base64url');
  }

  private key(email: string): string {
    return this.keys.loginFailures(this.hash(email));
  }

  /** True once per RESET_MAIL_SECONDS for an address: whether a reset mail may go to it now. */
  async mayMailReset(email: string): Promise<boolean> {
    return (await this.redis.set(this.keys.resetMailThrottle(this.hash(email)), '1', 'EX', RESET_MAIL_SECONDS, 'NX')) === 'OK';
  }

  async isBlocked(email: string): Promise<boolean> {
    return Number((await this.redis.get(this.key(email))) ?? 0) >= LOGIN_FAILURES_ALLOWED;
  }

  async failed(email: string): Promise<void> {
    const key = this.key(email);
    // The window starts at the first failure; later ones do not extend it.
    await this.redis.multi().incr(key).expire(key, LOGIN_FAILURE_WINDOW_SECONDS, 'NX').exec();
  }

  async succeeded(email: string): Promise<void> {
    await this.redis.del(this.key(email));
  }
}
