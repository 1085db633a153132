// The step between a right password and a session for a member with a second factor: a
// challenge named by a random id (in a cookie of its own), kept five minutes, allowing five wrong
// codes. The one owner of its Redis records, which hold the id's hash, never the id.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

export const CHALLENGE_TTL_SECONDS = 5 * 60;
export const CHALLENGE_TRIES = 5;

const ID = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

export class LoginChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(userId: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const key = this.keys.loginChallenge(hashOf(id));
    await this.redis.multi().hset(key, 'user', userId).expire(key, CHALLENGE_TTL_SECONDS).exec();
    return id;
  }

  /** The member a challenge is for, or null (none, expired, used up). */
  async userOf(id: string | undefined): Promise<string | null> {
    if (!id || !ID.test(id)) return null;
    return this.redis.hget(this.keys.loginChallenge(hashOf(id)), 'user');
  }

  /**
   * Counts a wrong code, in one step (requests at once each count: HINCRBY); false when that
   * was the last try, and the challenge is gone.
   */
  async wrong(id: string): Promise<boolean> {
    const key = this.keys.loginChallenge(hashOf(id));
    const wrong = await this.redis.hincrby(key, 'wrong', 1);
    if (wrong < CHALLENGE_TRIES && (await this.redis.hexists(key, 'user'))) return true;
    await this.redis.del(key);
    return false;
  }

  async end(id: string | undefined): Promise<void> {
    if (id && ID.test(id)) await this.redis.del(this.keys.loginChallenge(hashOf(id)));
  }
}
