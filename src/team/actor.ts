// Who is acting on a console or API request, as the guards found them, and what they may do:
// a member by their role, the ADMIN_TOKEN (every permission: the first admin's setup, and
// scripts until they move to API tokens), an API token by its scopes.
import { type ApiScope, type Permission, type Requirement, type Role, ROLE_PERMISSIONS } from './roles.ts';
import type { TeamMember } from './user-store.ts';

export type Actor =
  | { kind: 'member'; member: TeamMember; session: string }
  /** A console session opened with ADMIN_TOKEN while no admin of the team had a password. */
  | { kind: 'setup' }
  | { kind: 'admin-token' }
  | { kind: 'api-token'; tokenId: string; name: string; userId: string; scopes: readonly ApiScope[]; member?: TeamMember };

/**
 * The permissions a member's role for one newsletter can change: what is done to its issues,
 * sends and reports, which are exactly an editor's (a writer's and sending).
 */
export const NEWSLETTER_PERMISSIONS: readonly Permission[] = ROLE_PERMISSIONS.editor;

/** The member's role for a newsletter: theirs for it, else their own. */
export function roleFor(member: TeamMember, newsletterId: string | null): Role {
  return (newsletterId && member.newsletterRoles[newsletterId]) || member.role;
}

/**
 * The newsletter a permission check must know, looked up (`lookup`) only when the answer can
 * depend on it: a member (or an API token's member) with a role of their own for some
 * newsletter, and a permission such a role changes. Otherwise null, and the own role decides.
 */
export async function newsletterToAsk(actor: Actor, needs: Requirement, lookup: () => Promise<string | null>): Promise<string | null> {
  const member = actor.kind === 'member' || actor.kind === 'api-token' ? actor.member : undefined;
  if (!member || Object.keys(member.newsletterRoles).length === 0 || !NEWSLETTER_PERMISSIONS.includes(needs as Permission)) return null;
  return lookup();
}

/**
 * Whether the actor may: a member by their role (for `newsletterId`'s issue or send, their role
 * there); an API token by its scopes, within its member's role (`member`, read afresh).
 */
export function actorAllows(actor: Actor, needs: Requirement, newsletterId: string | null = null): boolean {
  if (needs === 'public' || needs === 'signed-in') return true;
  switch (actor.kind) {
    case 'member':
      return ROLE_PERMISSIONS[roleFor(actor.member, newsletterId)].includes(needs);
    case 'api-token':
      return (actor.scopes as readonly string[]).includes(needs) && (!actor.member || ROLE_PERMISSIONS[roleFor(actor.member, newsletterId)].includes(needs));
    default:
      return true;
  }
}

/** How logs, the audit log and pages name the actor (never a secret). */
export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'member':
      return actor.member.email;
    case 'api-token':
      return `API token "${actor.name}"`;
    case 'setup':
    case 'admin-token':
      return 'ADMIN_TOKEN';
  }
}

export function actorRole(actor: Actor): Role | null {
  return actor.kind === 'member' ? actor.member.role : actor.kind === 'api-token' ? null : 'admin';
}

/** The member behind the actor (an API token's owner), if any. */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'member' ? actor.member.id : actor.kind === 'api-token' ? actor.userId : null;
}
