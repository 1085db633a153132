// Bearer-token guard for /api. Both sides are hashed to a fixed length first, so the compare is
// constant-time whatever the length of what the client sent.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { HttpInputError } from './respond.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time "is `given` the token"; an unset token never matches, not even ''. */
export function sameSecret(given: string, token: string): boolean {
  return token.length > 0 && given.length > 0 && timingSafeEqual(digest(given), digest(token));
}

/** `variable` names the token in the 401's hint (ADMIN_TOKEN for /api, METRICS_TOKEN for /metrics). */
export function requireBearer(adminToken: string, variable = 'ADMIN_TOKEN'): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = match?.[1] ?? '';
    // An unset ADMIN_TOKEN never matches: the API stays closed rather than open to ''.
    const ok = sameSecret(given, adminToken);
    if (!ok) {
      reply.header('www-authenticate', `Bearer realm="newsletter"${match ? ', error="invalid_token"' : ''}`);
      throw new HttpInputError(401, match ? 'The bearer token is not valid.' : `This needs "Authorization: Bearer <${variable}>".`);
    }
  };
}
