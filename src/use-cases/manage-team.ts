// Managing the team, as the console's Team page and `newsletter users` both do it: inviting a
// member (a link by mail, and shown to whoever invited), changing a role, removing a member
// (their sessions end and their API tokens are revoked at once), and a fresh reset link. The team always keeps an admin, and
// nobody changes their own role or removes themselves.
import type { Queue } from 'bullmq';
import type { Config } from '../config/index.ts';
import { enqueueMemberLinkMail } from '../team/member-link-mail.ts';
import { type LinkPurpose, memberLinkUrl, signMemberLink } from '../team/member-links.ts';
import type { Role } from '../team/roles.ts';
import type { ApiTokenStore } from '../team/api-token-store.ts';
import type { AdminSessionStore } from '../team/session-store.ts';
import type { TeamMember, UserStore } from '../team/user-store.ts';

export interface TeamDeps {
  users: UserStore;
  sessions: AdminSessionStore;
  tokens: ApiTokenStore;
  config: Pick<Config, 'publicUrl' | 'secrets'>;
  /** Where the link mails are queued; none: the link is only shown (the CLI without --mail). */
  transactionalQueue?: Queue;
}

export type TeamRefusal = 'unknown' | 'self' | 'last-admin';

/** A new link of that purpose for a member (voiding the earlier one), mailed when a queue is given. */
export async function newMemberLink(deps: TeamDeps, member: TeamMember, purpose: LinkPurpose): Promise<string> {
  const { nonce, expires } = await deps.users.startLink(member.id, purpose);
  if (deps.transactionalQueue) await enqueueMemberLinkMail(deps.transactionalQueue, { userId: member.id, purpose });
  return memberLinkUrl(deps.config.publicUrl, purpose, signMemberLink(deps.config.secrets, purpose, member.id, expires, nonce));
}

/** Creates the member (MemberExistsError when the address is taken) and their invitation. */
export async function inviteMember(deps: TeamDeps, email: string, role: Role): Promise<{ member: TeamMember; link: string }> {
  const member = await deps.users.create(email, role);
  return { member, link: await newMemberLink(deps, member, 'invite') };
}

async function refusal(deps: TeamDeps, actingUserId: string | null, target: TeamMember | null, losingAdmin: boolean): Promise<TeamRefusal | null> {
  if (!target) return 'unknown';
  if (actingUserId === target.id) return 'self';
  if (losingAdmin && target.role === 'admin') {
    const admins = (await deps.users.list()).filter((m) => m.role === 'admin' && m.active);
    if (admins.length <= 1 && target.active) return 'last-admin';
  }
  return null;
}

export function changeRole(
  deps: TeamDeps,
  actingUserId: string | null,
  memberId: string,
  role: Role,
): Promise<{ member: TeamMember } | { refused: TeamRefusal }> {
  // The check and the change as one step among the team's changes: two admins demoting each
  // other at once cannot both pass it.
  return deps.users.exclusively(async () => {
    const member = await deps.users.byId(memberId);
    const refused = await refusal(deps, actingUserId, member, role !== 'admin');
    if (refused || !member) return { refused: refused ?? 'unknown' };
    await deps.users.setRole(member.id, role);
    return { member: { ...member, role } };
  });
}

export function removeMember(
  deps: TeamDeps,
  actingUserId: string | null,
  memberId: string,
): Promise<{ member: TeamMember; sessionsEnded: number; tokensRevoked: number } | { refused: TeamRefusal }> {
  return deps.users.exclusively(async () => {
    const member = await deps.users.byId(memberId);
    const refused = await refusal(deps, actingUserId, member, true);
    if (refused || !member) return { refused: refused ?? 'unknown' };
    // Sessions and tokens first: between the steps the member can do nothing, never the reverse.
    const sessionsEnded = await deps.sessions.endAllOf(member.id);
    const tokensRevoked = await deps.tokens.revokeAllOf(member.id);
    await deps.users.remove(member.id);
    return { member, sessionsEnded, tokensRevoked };
  });
}
