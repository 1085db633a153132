// API tokens, the one owner of their Redis records: per member, named, with scopes, shown once
// at creation and kept only as a SHA-256 hash (a 256-bit random secret needs no slow hash), with
// the time of last use. A token is `nl_<id>_<secret>`: the id finds the record, the secret's
// hash is compared in constant time. A token acts with its scopes, never more than its
// member's role allows now; it stops working when revoked or when its member is removed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../redis/keys.ts';
import { API_SCOPES, type ApiScope, ROLE_PERMISSIONS, type Role } from './roles.ts';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: ApiScope[];
  createdAt: string;
  /** ISO time of the last request it opened, or '' when never used. */
  lastUsedAt: string;
}

const TOKEN = /^nl_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID = /^[A-Za-z0-9]{12}$/;
/** Last use is written at most this often per token (not once per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();
const isScope = (s: string): s is ApiScope => (API_SCOPES as readonly string[]).includes(s);

/** The scopes a role may give a token: those of the five its permissions include. */
export function scopesForRole(role: Role): ApiScope[] {
  return API_SCOPES.filter((s) => ROLE_PERMISSIONS[role].includes(s));
}

function newId(): string {
  // 12 letters and digits (no `_`, which separates the parts of a token).
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('');
}

export class ApiTokenStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private decode(id: string, h: Record<string, string>): (ApiToken & { hash: string }) | null {
    if (!h.user || !h.hash) return null;
    return {
      id,
      userId: h.user,
      name: h.name ?? '',
      scopes: (h.scopes ?? '').split(',').filter(isScope),
      createdAt: h.created ?? '',
      lastUsedAt: h.used ?? '',
      hash: h.hash,
    };
  }

  /** A new token; the returned `secret` (the whole token) is the only time it exists outside the caller. */
  async create(userId: string, name: string, scopes: readonly ApiScope[]): Promise<{ token: ApiToken; secret: string }> {
    const id = newId();
    const secret = randomBytes(32).toString('base64url');
    const createdAt = new Date().toISOString();
    await this.redis
      .multi()
      .hset(this.keys.apiToken(id), { user: userId, name, scopes: scopes.join(','), created: createdAt, hash: hashOf(secret).toString('base64url') })
      .sadd(this.keys.userApiTokens(userId), id)
      .exec();
    return { token: { id, userId, name, scopes: [...scopes], createdAt, lastUsedAt: '' }, secret: `nl_${id}_${secret}` };
  }

  /** The token a bearer value names, if its secret matches; its last use is noted. */
  async verify(bearer: string, now = Date.now()): Promise<ApiToken | null> {
    const match = TOKEN.exec(bearer);
    if (!match) return null;
    const [, id, secret] = match as unknown as [string, string, string];
    const found = this.decode(id, await this.redis.hgetall(this.keys.apiToken(id)));
    if (!found) return null;
    const expected = Buffer.from(found.hash, 'base64url');
    const given = hashOf(secret);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (!found.lastUsedAt || now - Date.parse(found.lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
      found.lastUsedAt = new Date(now).toISOString();
      await this.redis.hset(this.keys.apiToken(id), 'used', found.lastUsedAt);
    }
    const { hash: _, ...token } = found;
    return token;
  }

  async listOf(userId: string): Promise<ApiToken[]> {
    const ids = await this.redis.smembers(this.keys.userApiTokens(userId));
    const tokens = await Promise.all(ids.map(async (id) => this.decode(id, await this.redis.hgetall(this.keys.apiToken(id)))));
    return tokens
      .filter((t): t is ApiToken & { hash: string } => t !== null && t.userId === userId)
      .map(({ hash: _, ...t }) => t)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes one of the member's tokens; the token found (null when it is not theirs). */
  async revoke(userId: string, id: string): Promise<ApiToken | null> {
    if (!ID.test(id)) return null;
    const found = this.decode(id, await this.redis.hgetall(this.keys.apiToken(id)));
    if (!found || found.userId !== userId) return null;
    await this.redis.multi().del(this.keys.apiToken(id)).srem(this.keys.userApiTokens(userId), id).exec();
    const { hash: _, ...token } = found;
    return token;
  }

  /** Revokes every token of a member (removed from the team); how many. */
  async revokeAllOf(userId: string): Promise<number> {
    const ids = await this.redis.smembers(this.keys.userApiTokens(userId));
    if (ids.length > 0) await this.redis.del(...ids.map((id) => this.keys.apiToken(id)), this.keys.userApiTokens(userId));
    return ids.length;
  }
}
