// The team's members, the one owner of their Redis records: one hash per member (email, role,
// password hash, the nonces of their invitation and reset links) and an index by address.
// A member invited but not yet in has no password: nothing can log in as them until the
// invitation's link sets one.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { UserError } from '../errors.ts';
import type { Keys } from '../redis/keys.ts';
import { mailboxKey, normaliseEmail } from '../subscribers/email-address.ts';
import { type LinkPurpose, LINK_TTL_SECONDS, newLinkNonce } from './member-links.ts';
import { isRole, type Role } from './roles.ts';

export interface TeamMember {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  /** False until the invitation's link has set a password. */
  active: boolean;
  /** Logging in also takes a one-time code (src/team/totp.ts). */
  twoFactor: boolean;
  /** Roles that replace `role` for one newsletter's issues, sends and reports, by newsletter id. */
  newsletterRoles: Readonly<Record<string, Role>>;
}

function newsletterRolesOf(raw: string | undefined): Record<string, Role> {
  try {
    const parsed = JSON.parse(raw ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, Role] => isRole(e[1])));
  } catch {
    return {};
  }
}

interface Stored extends TeamMember {
  password: string;
}

export class MemberExistsError extends UserError {}

/** A team change holds the lock at most this long. */
const TEAM_LOCK_MS = 5_000;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Records a one-time code's time step only if it is later than the last one used: a code works once.
const USE_STEP = `local last = tonumber(redis.call('HGET', KEYS[1], 'totpStep') or '-1')
if tonumber(ARGV[1]) > last then redis.call('HSET', KEYS[1], 'totpStep', ARGV[1]) return 1 end
return 0`;

// Deletes a link's nonce only if it is still the one given: a link works once, and only the newest.
const TAKE_NONCE = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and v == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end
return 0`;

export class UserStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  private decode(id: string, h: Record<string, string>): Stored | null {
    if (!h.email || !isRole(h.role)) return null;
    return {
      id,
      email: h.email,
      role: h.role,
      createdAt: h.created ?? '',
      active: Boolean(h.password),
      twoFactor: Boolean(h.totp),
      newsletterRoles: newsletterRolesOf(h.roles),
      password: h.password ?? '',
    };
  }

  private async stored(id: string): Promise<Stored | null> {
    if (!/^[A-Za-z0-9_-]{12}$/.test(id)) return null;
    return this.decode(id, await this.redis.hgetall(this.keys.user(id)));
  }

  async byId(id: string): Promise<TeamMember | null> {
    const s = await this.stored(id);
    return s ? publicPart(s) : null;
  }

  async byEmail(email: string): Promise<TeamMember | null> {
    const s = await this.storedByEmail(email);
    return s ? publicPart(s) : null;
  }

  /** The member and their password hash, for login only. */
  async credentials(email: string): Promise<{ member: TeamMember; passwordHash: string } | null> {
    const s = await this.storedByEmail(email);
    return s ? { member: publicPart(s), passwordHash: s.password } : null;
  }

  private async storedByEmail(email: string): Promise<Stored | null> {
    const key = mailboxKey(email);
    if (!key) return null;
    const id = await this.redis.hget(this.keys.userEmails(), key);
    return id ? this.stored(id) : null;
  }

  async list(): Promise<TeamMember[]> {
    const ids = await this.redis.hvals(this.keys.userEmails());
    const members = await Promise.all(ids.map((id) => this.byId(id)));
    return members.filter((m): m is TeamMember => m !== null).sort((a, b) => a.email.localeCompare(b.email));
  }

  async count(): Promise<number> {
    return this.redis.hlen(this.keys.userEmails());
  }

  /** Whether an admin can log in with a password: until then ADMIN_TOKEN opens the console (the setup). */
  async hasActiveAdmin(): Promise<boolean> {
    return (await this.list()).some((m) => m.active && m.role === 'admin');
  }

  /** A new member, not yet able to log in (see startLink('invite')). */
  async create(rawEmail: string, role: Role): Promise<TeamMember> {
    const email = normaliseEmail(rawEmail);
    const key = mailboxKey(rawEmail);
    if (!email || !key) throw new UserError(`"${rawEmail}" is not an email address`);
    const id = randomBytes(9).toString('base64url');
    const createdAt = new Date().toISOString();
    // The record first, then the claim on the address: of two creations at once one wins, and
    // the other's record goes (no member outside the index). An index entry whose record is
    // missing (a crash between the two writes) is taken over.
    await this.redis.hset(this.keys.user(id), { email, role, created: createdAt });
    if ((await this.redis.hsetnx(this.keys.userEmails(), key, id)) === 0) {
      const holder = await this.redis.hget(this.keys.userEmails(), key);
      if (holder && holder !== id && (await this.stored(holder))) {
        await this.redis.del(this.keys.user(id));
        throw new MemberExistsError(`${email} is already a member of the team`);
      }
      await this.redis.hset(this.keys.userEmails(), key, id);
    }
    return { id, email, role, createdAt, active: false, twoFactor: false, newsletterRoles: {} };
  }

  async setRole(id: string, role: Role): Promise<void> {
    if (await this.stored(id)) await this.redis.hset(this.keys.user(id), 'role', role);
  }

  /** Sets (or, with null, clears) the member's role for one newsletter. */
  async setNewsletterRole(id: string, newsletterId: string, role: Role | null): Promise<void> {
    const member = await this.stored(id);
    if (!member) return;
    const roles: Record<string, Role> = { ...member.newsletterRoles };
    if (role) roles[newsletterId] = role;
    else delete roles[newsletterId];
    await this.redis.hset(this.keys.user(id), 'roles', JSON.stringify(roles));
  }

  /** Sets the password (an argon2id PHC string) and voids every invitation or reset link. */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.redis.multi().hset(this.keys.user(id), 'password', passwordHash).hdel(this.keys.user(id), 'invite', 'reset').exec();
  }

  /** A fresh nonce and expiry for a link (voiding the member's earlier link of that purpose). */
  async startLink(id: string, purpose: LinkPurpose, nowSeconds = Math.floor(Date.now() / 1000)): Promise<{ nonce: string; expires: number }> {
    const nonce = newLinkNonce();
    const expires = nowSeconds + LINK_TTL_SECONDS[purpose];
    await this.redis.hset(this.keys.user(id), purpose, `${nonce}:${expires}`);
    return { nonce, expires };
  }

  /** The member's current link of that purpose, if any. */
  async link(id: string, purpose: LinkPurpose): Promise<{ nonce: string; expires: number } | null> {
    if (!/^[A-Za-z0-9_-]{12}$/.test(id)) return null;
    const raw = await this.redis.hget(this.keys.user(id), purpose);
    const [nonce, expires] = (raw ?? '').split(':');
    return nonce && expires ? { nonce, expires: Number(expires) } : null;
  }

  /** Uses up the link: true only for the first caller holding the current nonce. */
  async takeLink(id: string, purpose: LinkPurpose, nonce: string, expires: number): Promise<boolean> {
    return (await this.redis.eval(TAKE_NONCE, 1, this.keys.user(id), purpose, `${nonce}:${expires}`)) === 1;
  }

  /** The sealed one-time-code secret in use, and one being set up (not yet confirmed). */
  async totpSecrets(id: string): Promise<{ active: string | null; pending: string | null }> {
    if (!/^[A-Za-z0-9_-]{12}$/.test(id)) return { active: null, pending: null };
    const [active, pending] = await this.redis.hmget(this.keys.user(id), 'totp', 'totpPending');
    return { active: active || null, pending: pending || null };
  }

  async setTotpPending(id: string, sealed: string | null): Promise<void> {
    if (sealed) await this.redis.hset(this.keys.user(id), 'totpPending', sealed);
    else await this.redis.hdel(this.keys.user(id), 'totpPending');
  }

  /** The pending secret becomes the one in use (its code was right). */
  async enableTotp(id: string, sealed: string): Promise<void> {
    await this.redis.multi().hset(this.keys.user(id), 'totp', sealed).hdel(this.keys.user(id), 'totpPending', 'totpStep').exec();
  }

  async disableTotp(id: string): Promise<void> {
    await this.redis.hdel(this.keys.user(id), 'totp', 'totpPending', 'totpStep');
  }

  /** Uses up a code's time step: false when that step (or a later one) was used already. */
  async useTotpStep(id: string, step: number): Promise<boolean> {
    return (await this.redis.eval(USE_STEP, 1, this.keys.user(id), String(step))) === 1;
  }

  /**
   * Runs `fn` while no other team change runs (a lock in Redis, released after, expiring by
   * itself should this process die): two admins demoting each other at once cannot both pass the
   * "the team keeps an admin" check.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const token = randomBytes(12).toString('base64url');
    for (let waited = 0; ; waited += 50) {
      if ((await this.redis.set(this.keys.teamLock(), token, 'PX', TEAM_LOCK_MS, 'NX')) === 'OK') break;
      if (waited >= TEAM_LOCK_MS) throw new UserError('another change to the team is under way; try again in a moment');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE_LOCK, 1, this.keys.teamLock(), token);
    }
  }

  async remove(id: string): Promise<TeamMember | null> {
    const member = await this.stored(id);
    if (!member) return null;
    const key = mailboxKey(member.email);
    await this.redis
      .multi()
      .del(this.keys.user(id))
      .hdel(this.keys.userEmails(), key ?? '')
      .exec();
    return publicPart(member);
  }
}

function publicPart(s: Stored): TeamMember {
  return { id: s.id, email: s.email, role: s.role, createdAt: s.createdAt, active: s.active, twoFactor: s.twoFactor, newsletterRoles: s.newsletterRoles };
}
