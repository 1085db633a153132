// Console sessions, the one owner of their Redis records. A session is a random id in a signed
// cookie; Redis keeps only the id's hash (a dump of Redis holds no usable session) with an
// expiry, the member it belongs to, and when and from where it began. Each member's sessions are
// also listed under them, so that they or an admin can end one, or all, at once: the next
// request of an ended session finds nothing and goes to the login page.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';

/** A console session lasts this long after login, however busy. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** A form's outcome waits this long for the page its redirect opens. */
const FLASH_TTL_SECONDS = 120;

const ID = /^[A-Za-z0-9_-]{43}$/;
const HASH = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (id: string) => createHash('sha256').update(id).digest('base64url');
const flashKey = (id: string) => createHash('sha256').update(`newsletter-flash\n${id}`).digest();

export interface SessionInfo {
  /** The hash of the session's id: names it in lists and forms, but opens nothing. */
  handle: string;
  /** The member, or null for a session opened with ADMIN_TOKEN before the team had members. */
  userId: string | null;
  startedAt: string;
  ip: string;
  userAgent: string;
}

function decode(handle: string, raw: string | null): SessionInfo | null {
  if (!raw) return null;
  try {
    const r = JSON.parse(raw) as { at?: string; ip?: string; ua?: string; user?: string };
    return { handle, userId: r.user ?? null, startedAt: r.at ?? '', ip: r.ip ?? '', userAgent: r.ua ?? '' };
  } catch {
    return null;
  }
}

export class AdminSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** A new session, always with a new id (no fixation); returns the id, for the cookie only. */
  async create(meta: { userId: string | null; ip: string; userAgent: string }): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const handle = hashOf(id);
    const record = JSON.stringify({
      at: new Date().toISOString(),
      ip: meta.ip,
      ua: meta.userAgent.slice(0, 200),
      ...(meta.userId ? { user: meta.userId } : {}),
    });
    const tx = this.redis.multi().set(this.keys.adminSession(handle), record, 'EX', SESSION_TTL_SECONDS);
    if (meta.userId) tx.sadd(this.keys.userSessions(meta.userId), handle);
    await tx.exec();
    return id;
  }

  /** The session a cookie's id opens, or null. */
  async get(id: string | undefined): Promise<SessionInfo | null> {
    if (!id || !ID.test(id)) return null;
    const handle = hashOf(id);
    return decode(handle, await this.redis.get(this.keys.adminSession(handle)));
  }

  async isValid(id: string | undefined): Promise<boolean> {
    return (await this.get(id)) !== null;
  }

  /** The handle of a cookie's session id (to mark "this session" in a list). */
  handleOf(id: string | undefined): string | null {
    return id && ID.test(id) ? hashOf(id) : null;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id && ID.test(id)) await this.end(hashOf(id));
  }

  /** Ends the session with this handle, wherever it is open. */
  async end(handle: string): Promise<void> {
    if (!HASH.test(handle)) return;
    const session = decode(handle, await this.redis.get(this.keys.adminSession(handle)));
    const tx = this.redis.multi().del(this.keys.adminSession(handle), this.keys.adminFlash(handle));
    if (session?.userId) tx.srem(this.keys.userSessions(session.userId), handle);
    await tx.exec();
  }

  /** A member's open sessions, newest first (the list forgets the ones that expired). */
  async listOf(userId: string): Promise<SessionInfo[]> {
    const handles = await this.redis.smembers(this.keys.userSessions(userId));
    if (handles.length === 0) return [];
    const raws = await this.redis.mget(handles.map((h) => this.keys.adminSession(h)));
    const gone = handles.filter((_, i) => !raws[i]);
    if (gone.length > 0) await this.redis.srem(this.keys.userSessions(userId), ...gone);
    return handles
      .map((h, i) => decode(h, raws[i] ?? null))
      .filter((s): s is SessionInfo => s !== null)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Ends every session of a member (removed, role taken away, password reset); returns how many. */
  async endAllOf(userId: string, except?: string): Promise<number> {
    const handles = (await this.redis.smembers(this.keys.userSessions(userId))).filter((h) => h !== except);
    for (const h of handles) await this.end(h);
    return handles.length;
  }

  /**
   * Keeps a form's outcome (HTML the console rendered) for the next page this session opens,
   * encrypted under a key derived from the session id, which Redis never holds: an outcome that
   * shows a secret once (a new API token, an invitation link) is unreadable in a dump of Redis.
   */
  async setFlash(id: string | undefined, notice: string): Promise<void> {
    if (!id || !ID.test(id)) return;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', flashKey(id), iv);
    const sealed = Buffer.concat([iv, cipher.update(notice, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    await this.redis.set(this.keys.adminFlash(hashOf(id)), sealed.toString('base64'), 'EX', FLASH_TTL_SECONDS);
  }

  /** The kept outcome, once: reading it removes it, so a reload shows the page without it. */
  async takeFlash(id: string | undefined): Promise<string | null> {
    if (!id || !ID.test(id)) return null;
    const sealed = await this.redis.getdel(this.keys.adminFlash(hashOf(id)));
    if (!sealed) return null;
    try {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', flashKey(id), bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null; // written before flashes were sealed, or damaged: no notice rather than a wrong one
    }
  }
}
