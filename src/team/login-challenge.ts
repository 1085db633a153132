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
    await this.redis.set(this.keys.loginChallenge(hashOf(id)), JSON.stringify({ user: userId, wrong: 0 }), 'EX', CHALLENGE_TTL_SECONDS);
    return id;
  }

  /** The member a challenge is for, or null (none, expired, used up). */
  async userOf(id: string | undefined): Promise<string | null> {
    if (!id || !ID.test(id)) return null;
    const raw = await this.redis.get(this.keys.loginChallenge(hashOf(id)));
    return raw ? ((JSON.parse(raw) as { user?: string }).user ?? null) : null;
  }

  /** Counts a wrong code; false when that was the last try (the challenge is gone). */
  async wrong(id: string): Promise<boolean> {
    const key = this.keys.loginChallenge(hashOf(id));
    const raw = await this.redis.get(key);
    if (!raw) return false;
    const record = JSON.parse(raw) as { user: string; wrong: number };
    if (record.wrong + 1 >= CHALLENGE_TRIES) {
      await this.redis.del(key);
      return false;
    }
    await this.redis.set(key, JSON.stringify({ ...record, wrong: record.wrong + 1 }), 'KEEPTTL');
    return true;
  }

  async end(id: string | undefined): Promise<void> {
    if (id && ID.test(id)) await this.redis.del(this.keys.loginChallenge(hashOf(id)));
  }
}
