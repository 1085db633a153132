// The admin API's guard: `Authorization: Bearer` with a member's API token (acting with its
// scopes, within what the member's role allows now, for the issue's newsletter where a route
// names one) or ADMIN_TOKEN (every permission, for
// scripts until they move to API tokens). A missing or unknown token is 401; a token without the
// scope the route declared (src/http/permissions.ts) is 403, naming the scope.
import type { onRequestAsyncHookHandler } from 'fastify';
import { sameSecret } from '../crypto/same-secret.ts';
import { type Actor, actorAllows, newsletterToAsk } from '../team/actor.ts';
import type { ApiTokenStore } from '../team/api-token-store.ts';
import type { UserStore } from '../team/user-store.ts';
import { routePermission } from './permissions.ts';
import { HttpInputError } from './respond.ts';

export interface ApiAuthDeps {
  adminToken: string;
  tokens: ApiTokenStore;
  users: UserStore;
  /** The newsletter of the issue a route names (`:issueId`): a member's role there bounds their token. */
  newsletterOfIssue?: (issueId: string) => Promise<string | null>;
}

async function actorOf(deps: ApiAuthDeps, given: string): Promise<Actor | null> {
  // An unset ADMIN_TOKEN never matches: the API stays closed to it rather than open to ''.
  if (sameSecret(given, deps.adminToken)) return { kind: 'admin-token' };
  const token = await deps.tokens.verify(given);
  if (!token) return null;
  const member = await deps.users.byId(token.userId);
  if (!member?.active) return null;
  return { kind: 'api-token', tokenId: token.id, name: token.name, userId: member.id, scopes: token.scopes, member };
}

export function requireApiActor(deps: ApiAuthDeps): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const actor = match ? await actorOf(deps, match[1]!) : null;
    if (!actor) {
      reply.header('www-authenticate', `Bearer realm="newsletter"${match ? ', error="invalid_token"' : ''}`);
      throw new HttpInputError(
        401,
        match ? 'The bearer token is not valid (revoked, or its member removed?).' : 'This needs "Authorization: Bearer <API token>".',
      );
    }
    request.actor = actor;
    const needs = routePermission(request);
    const issueId = (request.params as { issueId?: string } | undefined)?.issueId;
    const newsletterOfIssue = deps.newsletterOfIssue;
    const newsletter = needs && issueId && newsletterOfIssue ? await newsletterToAsk(actor, needs, () => newsletterOfIssue(issueId)) : null;
    if (needs && !actorAllows(actor, needs, newsletter)) {
      const has = actor.kind === 'api-token' ? actor.scopes.join(', ') || 'none' : '';
      reply.header('www-authenticate', `Bearer realm="newsletter", error="insufficient_scope", scope="${needs}"`);
      const scopeHeld = actor.kind === 'api-token' && (actor.scopes as readonly string[]).includes(needs);
      throw new HttpInputError(
        403,
        scopeHeld
          ? `This token's member may not do this (their role does not allow "${needs}"${newsletter ? ` for ${newsletter}` : ''}).`
          : `This token may not do this: it needs the scope "${needs}" (it has: ${has}).`,
      );
    }
  };
}
