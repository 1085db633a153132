// The console's sessions, the one owner of their Redis records. A session is a random id in a
// signed cookie; Redis keeps only the id's hash (a dump of Redis holds no usable session) with
// an expiry, so logging out ends the session everywhere at once, not just in one browser.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

/** A console session lasts this long after login, however busy. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** A form's outcome waits this long for the page its redirect opens. */
const FLASH_TTL_SECONDS = 120;

const ID = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');

export class AdminSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** A new session; returns its id (for the cookie only). */
  async create(meta: { ip: string; userAgent: string }): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const record = JSON.stringify({ at: new Date().toISOString(), ip: meta.ip, ua: meta.userAgent.slice(0, 200) });
    await this.redis.set(this.keys.adminSession(hashOf(id)), record, 'EX', SESSION_TTL_SECONDS);
    return id;
  }

  async isValid(id: string | undefined): Promise<boolean> {
    if (!id || !ID.test(id)) return false;
    return (await this.redis.exists(this.keys.adminSession(hashOf(id)))) === 1;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id && ID.test(id)) await this.redis.del(this.keys.adminSession(hashOf(id)), this.keys.adminFlash(hashOf(id)));
  }

  /** Keeps a form's outcome (HTML the console rendered) for the next page this session opens. */
  async setFlash(id: string | undefined, notice: string): Promise<void> {
    if (id && ID.test(id)) await this.redis.set(this.keys.adminFlash(hashOf(id)), notice, 'EX', FLASH_TTL_SECONDS);
  }

  /** The kept outcome, once: reading it removes it, so a reload shows the page without it. */
  async takeFlash(id: string | undefined): Promise<string | null> {
    if (!id || !ID.test(id)) return null;
    return this.redis.getdel(this.keys.adminFlash(hashOf(id)));
  }
}
